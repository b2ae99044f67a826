"""A Boolean network with its run configuration: the validated declaration of a model."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from metastasis.models.boolean.errors import NetworkFileError
from metastasis.models.boolean.expressions import (
    Attr,
    Cond,
    Expr,
    NodeRef,
    Num,
    Var,
    evaluate,
    walk,
)
from metastasis.models.boolean.parser import (
    RUN_PARAMETERS,
    BndFile,
    CfgFile,
    IState,
    parse_bnd,
    parse_cfg,
    read_bnd,
    read_cfg,
)

_DEFAULT_UP: Expr = Cond(Attr("logic"), Num(1.0), Num(0.0))
_DEFAULT_DOWN: Expr = Cond(Attr("logic"), Num(0.0), Num(1.0))


@dataclass(frozen=True)
class BooleanNetwork:
    """Nodes, their attribute expressions, external variables and run parameters.

    Build with :meth:`from_files` or :meth:`from_text`; every node name, variable and
    attribute is checked then. ``mutants`` clamps nodes to 0 or 1 (initial state and rates).
    Times are in the model's own unit (the unit of the inverse rates).
    """

    nodes: tuple[str, ...]
    attrs: Mapping[str, Mapping[str, Expr]]
    variables: Mapping[str, float]
    parameters: Mapping[str, float]
    istates: tuple[IState, ...]
    internal: frozenset[str]
    mutants: Mapping[str, int] = field(default_factory=dict)
    bnd_path: str = "<string>"
    cfg_path: str = "<string>"

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_files(
        cls, bnd: str | Path, cfg: str | Path | Iterable[str | Path] | None = None
    ) -> BooleanNetwork:
        """Read a ``.bnd`` file and zero or more ``.cfg`` files (later ones override)."""
        cfgs = [] if cfg is None else [cfg] if isinstance(cfg, str | Path) else list(cfg)
        return cls._build(read_bnd(bnd), [read_cfg(c) for c in cfgs])

    @classmethod
    def from_text(cls, bnd_text: str, cfg_text: str = "") -> BooleanNetwork:
        """Build from the texts of a ``.bnd`` and a ``.cfg`` file."""
        return cls._build(parse_bnd(bnd_text, "<bnd>"), [parse_cfg(cfg_text, "<cfg>")])

    @classmethod
    def _build(cls, bnd: BndFile, cfgs: list[CfgFile]) -> BooleanNetwork:
        names = tuple(n.name for n in bnd.nodes)
        known = set(names)
        variables: dict[str, float] = {}
        parameters = dict(RUN_PARAMETERS)
        istates: list[IState] = []
        internal: dict[str, bool] = {}
        for cfg in cfgs:
            variables.update(cfg.variables)
            parameters.update(cfg.parameters)
            for ist in cfg.istates:
                for n in ist.nodes:
                    if n not in known:
                        raise NetworkFileError(
                            f"unknown node {n!r} in istate", file=cfg.path, line=ist.line, item=n
                        )
                istates.append(ist)
            for key, table in (("is_internal", cfg.internal), ("refstate", cfg.refstate)):
                for n, (_, line) in table.items():
                    if n not in known:
                        raise NetworkFileError(
                            f"unknown node {n!r} in {n}.{key}", file=cfg.path, line=line, item=n
                        )
            internal.update({n: v for n, (v, _) in cfg.internal.items()})
        attrs = {n.name: dict(n.attrs) for n in bnd.nodes}
        for spec in bnd.nodes:
            for attr, expr in spec.attrs.items():
                line = spec.attr_lines[attr]
                for sub in walk(expr):
                    item, what = None, ""
                    if isinstance(sub, NodeRef) and sub.name not in known:
                        item, what = sub.name, "unknown node"
                    elif isinstance(sub, Var) and sub.name not in variables:
                        item, what = "$" + sub.name, "undefined variable"
                    elif isinstance(sub, Attr) and sub.name not in spec.attrs:
                        item, what = "@" + sub.name, "undefined attribute"
                    if item is not None:
                        raise NetworkFileError(
                            f"node {spec.name!r}, {attr}: {what} {item!r}",
                            file=bnd.path,
                            line=line,
                            item=item,
                        )
            _check_cycles(spec.name, spec.attrs, spec.attr_lines, bnd.path)
        net = cls(
            nodes=names,
            attrs=attrs,
            variables=variables,
            parameters=parameters,
            istates=tuple(istates),
            internal=frozenset(n for n, v in internal.items() if v),
            bnd_path=bnd.path,
            cfg_path=cfgs[-1].path if cfgs else "<none>",
        )
        net.initial_probabilities()  # evaluates weights: fails early on bad ones
        return net

    # -- derived views ------------------------------------------------------------------
    @property
    def outputs(self) -> tuple[str, ...]:
        """Nodes not marked ``is_internal``, in file order."""
        return tuple(n for n in self.nodes if n not in self.internal)

    def rate_expressions(self, node: str) -> tuple[Expr, Expr]:
        """``(rate_up, rate_down)`` of ``node`` with the MaBoSS defaults and mutants applied."""
        if node in self.mutants:
            on = self.mutants[node] == 1
            return (Num(1.0 if on else 0.0), Num(0.0 if on else 1.0))
        a = self.attrs[node]
        if "logic" not in a:
            up = a.get("rate_up", Num(0.0))
            down = a.get("rate_down", Num(0.0))
        else:
            up = a.get("rate_up", _DEFAULT_UP)
            down = a.get("rate_down", _DEFAULT_DOWN)
        return up, down

    def initial_probabilities(
        self,
    ) -> list[tuple[tuple[str, ...], np.ndarray, tuple[tuple[int, ...], ...]]]:
        """Initial distribution as independent groups ``(nodes, probabilities, values)``.

        A later ``istate`` for a node replaces earlier ones; nodes never given one start at
        0 or 1 with probability 1/2 (the MaBoSS default). Mutant nodes are fixed afterwards.
        """
        last: dict[str, int] = {}
        for k, ist in enumerate(self.istates):
            for n in ist.nodes:
                last[n] = k
        groups = []
        for k, ist in enumerate(self.istates):
            if not all(last[n] == k for n in ist.nodes):
                continue
            w = np.array([float(evaluate(e, {}, self.variables, {})) for e in ist.weights])
            if np.any(w < 0) or w.sum() <= 0:
                raise NetworkFileError(
                    f"istate weights of {list(ist.nodes)} must be >= 0 with a positive sum",
                    file=self.cfg_path,
                    line=ist.line,
                    item=",".join(ist.nodes),
                )
            groups.append((ist.nodes, w / w.sum(), ist.values))
        for n in self.nodes:
            if n not in last:
                groups.append(((n,), np.array([0.5, 0.5]), ((0,), (1,))))
        return groups

    # -- variants -----------------------------------------------------------------------
    def with_mutants(
        self, mutants: Mapping[str, int] | None, *, source: str = "mutant"
    ) -> BooleanNetwork:
        """A copy with nodes clamped: ``{"p53": 0, "NICD": 1}`` (added to existing mutants)."""
        if not mutants:
            return self
        merged = dict(self.mutants)
        for node, value in mutants.items():
            if node not in self.nodes:
                raise NetworkFileError(f"unknown node {node!r}", file=source, line=None, item=node)
            if int(value) not in (0, 1):
                raise NetworkFileError(
                    f"{node}={value}: a mutant value is 0 or 1", file=source, line=None, item=node
                )
            merged[node] = int(value)
        return replace(self, mutants=merged)

    def with_settings(
        self, settings: Mapping[str, float | str] | None, *, source: str = "--set"
    ) -> BooleanNetwork:
        """A copy with variables (``u_p53`` or ``$u_p53``) or run parameters overridden.

        Only names already defined can be set; anything else raises :class:`NetworkFileError`.
        """
        if not settings:
            return self
        variables = dict(self.variables)
        parameters = dict(self.parameters)
        for raw, value in settings.items():
            name = raw[1:] if raw.startswith("$") else raw
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise NetworkFileError(
                    f"{raw}={value}: not a number", file=source, line=None, item=raw
                ) from None
            if name in variables:
                variables[name] = number
            elif name in parameters and not raw.startswith("$"):
                parameters[name] = number
            else:
                raise NetworkFileError(
                    f"unknown parameter {raw!r}", file=source, line=None, item=raw
                )
        return replace(self, variables=variables, parameters=parameters)

    def with_outputs(self, outputs: Iterable[str]) -> BooleanNetwork:
        """A copy whose output nodes are exactly ``outputs``."""
        wanted = set(outputs)
        for n in wanted:
            if n not in self.nodes:
                raise NetworkFileError(f"unknown node {n!r}", file="outputs", line=None, item=n)
        return replace(self, internal=frozenset(n for n in self.nodes if n not in wanted))


def _check_cycles(
    node: str, attrs: Mapping[str, Expr], lines: Mapping[str, int], path: str
) -> None:
    """Reject attributes that refer to themselves through ``@`` references."""
    deps = {a: {s.name for s in walk(e) if isinstance(s, Attr)} for a, e in attrs.items()}
    state: dict[str, int] = {}

    def visit(a: str) -> None:
        state[a] = 1
        for b in deps.get(a, ()):
            if state.get(b) == 1:
                raise NetworkFileError(
                    f"node {node!r}: attribute '@{b}' refers to itself",
                    file=path,
                    line=lines.get(a),
                    item="@" + b,
                )
            if b not in state:
                visit(b)
        state[a] = 2

    for a in attrs:
        if a not in state:
            visit(a)
