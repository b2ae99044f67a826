"""The package's import graph has no cycles, and no layer imports a layer above it.

Every module under src/metastasis is parsed with `ast`; nothing is imported. An import counts
wherever it is written (module level, inside a function, inside `try`), except in the body of
`if TYPE_CHECKING:`, which never runs. `from x import y` is an import of the module `x.y` when
`y` is a submodule, else of `x`. Importing a submodule also runs its parents' `__init__`, but
that is not counted: every package would otherwise depend on itself through its children.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "metastasis"

LAYERS: tuple[tuple[str, ...], ...] = (
    # Foundations that import nothing of the package: the version, unit conversions, the
    # bundled tables, and format-level writers (atomic output directories, deterministic
    # Parquet) that cohort checkpoints and result.save both use.
    ("metastasis._version", "metastasis.units", "metastasis.data", "metastasis.io"),
    ("metastasis.anatomy",),
    # Pure rate functions, and what each therapy course does to the named rates.
    ("metastasis.biology", "metastasis.therapy"),
    # Libraries the engine may call: published models, the tissue-scale model.
    ("metastasis.models", "metastasis.spatial"),
    ("metastasis.scenario",),
    ("metastasis.engine",),
    ("metastasis.clinical",),
    # Virtual patients: population draws, per-patient parameters, the clinical time axis.
    ("metastasis.patients",),
    ("metastasis.cohort",),
    ("metastasis.report",),
    # The result of one simulation: tables, saved through io, plotted through report.
    ("metastasis.result",),
    # Entry points: simulate() for a scenario, run_trial() for a trial with its plots.
    ("metastasis.simulation", "metastasis.trial"),
    ("metastasis",),
    ("metastasis.cli",),
)
"""Layers from the bottom up. A module may import its own component (its top-level package or
module under `metastasis`) and any component of a lower layer; components that share a layer
are peers and import neither each other nor anything above."""

EXCEPTIONS: dict[tuple[str, str], str] = {}
"""(importer, imported) pairs allowed against the layer order, each with its reason. None is
needed; a pair listed here that the code no longer has fails `test_exceptions_are_in_use`."""


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement under `node` that can run (skips `if TYPE_CHECKING:` bodies)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield from _import_nodes_of(other)
            continue
        yield from _import_nodes_of(child)


def _import_nodes_of(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    yield from _import_nodes(node)


def module_names(src: Path = SRC) -> dict[str, tuple[Path, bool]]:
    """Dotted name → (file, is a package `__init__`) for every module of the package."""
    out: dict[str, tuple[Path, bool]] = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        out[".".join(parts)] = (path, is_package)
    return out


def imports_of(name: str, source: str, is_package: bool, known: set[str]) -> set[str]:
    """Modules of `known` that the module `name` (with text `source`) imports."""
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _import_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                parts = package.split(".")
                base_parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        for target in targets:
            if target.split(".")[0] != PACKAGE:
                continue
            # `import metastasis.a.b` names a module; fall back to the nearest known parent.
            while target not in known and "." in target:
                target = target.rpartition(".")[0]
            if target != name:
                found.add(target)
    return found


def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    """Module → the package modules it imports."""
    modules = module_names(src)
    known = set(modules)
    return {name: imports_of(name, path.read_text(encoding="utf-8"), is_package, known)
            for name, (path, is_package) in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (a, b, …, a) through each strongly connected component of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_cycle_in(graph, component) for component in components]


def _cycle_in(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest cycle through the first module (by name) of a strongly connected component."""
    start = min(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for v in frontier:
            for w in sorted(graph[v] & component):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if w not in previous:
                    previous[w] = v
                    following.append(w)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # unreachable for a component


def component_of(module: str) -> str:
    """`metastasis` for the root, else `metastasis.<first part>`."""
    parts = module.split(".")
    return ".".join(parts[:2])


def rank_of(component: str) -> int:
    """Position of `component` in LAYERS (bottom 0); KeyError if it has no layer."""
    for rank, layer in enumerate(LAYERS):
        if component in layer:
            return rank
    raise KeyError(component)


def layer_violations(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(importer, imported) pairs where a module imports a peer or a higher layer."""
    out = []
    for importer, imported in sorted((a, b) for a, targets in graph.items() for b in targets):
        ca, cb = component_of(importer), component_of(imported)
        if ca != cb and rank_of(cb) >= rank_of(ca):
            out.append((importer, imported))
    return out


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_no_import_cycles(graph):
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_every_component_has_a_layer(graph):
    missing = sorted({component_of(m) for m in graph} - {c for layer in LAYERS for c in layer})
    assert not missing, f"components without a layer in LAYERS: {missing}"


def test_lower_layers_never_import_higher_ones(graph):
    bad = [pair for pair in layer_violations(graph) if pair not in EXCEPTIONS]
    lines = [f"{a} (layer {rank_of(component_of(a))}) imports {b} "
             f"(layer {rank_of(component_of(b))})" for a, b in bad]
    assert not bad, "imports against the layer order:\n" + "\n".join(lines)


def test_exceptions_are_in_use(graph):
    stale = sorted(set(EXCEPTIONS) - set(layer_violations(graph)))
    assert not stale, f"EXCEPTIONS no longer needed: {stale}"


def test_the_parser_counts_what_runs():
    known = {"metastasis", "metastasis.a", "metastasis.a.b", "metastasis.a.c", "metastasis.d"}
    source = '''
from typing import TYPE_CHECKING
import numpy
from . import b
from .c import thing
from metastasis import d

if TYPE_CHECKING:
    from metastasis.d import Hidden
else:
    import metastasis.a.c.missing


def f():
    import metastasis
'''
    found = imports_of("metastasis.a.x", source, is_package=False, known=known | {"metastasis.a.x"})
    assert found == {"metastasis", "metastasis.a.b", "metastasis.a.c", "metastasis.d"}
    # a package's relative imports resolve against the package itself
    assert imports_of("metastasis.a", "from .b import y", True, known) == {"metastasis.a.b"}
    assert imports_of("metastasis.a", "from .. import d", True, known) == {"metastasis.d"}


def test_the_cycle_finder_names_the_modules():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
