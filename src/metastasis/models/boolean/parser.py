"""Readers for MaBoSS network (``.bnd``) and configuration (``.cfg``) files.

The readers check syntax only and keep line numbers; cross-checks between the two files
(unknown nodes, undefined variables) happen when a :class:`~.network.BooleanNetwork` is built.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from metastasis.models.boolean.errors import NetworkFileError
from metastasis.models.boolean.expressions import (
    Expr,
    NodeRef,
    Num,
    Var,
    evaluate,
    parse_expression,
    walk,
)

#: run parameters of a configuration with their defaults (MaBoSS reference card)
RUN_PARAMETERS: dict[str, float] = {
    "time_tick": 0.5,
    "max_time": 1000.0,
    "sample_count": 10000.0,
    "discrete_time": 0.0,
    "use_physrandgen": 0.0,
    "use_glibc_rng": 0.0,
    "use_mt_rng": 0.0,
    "seed_pseudorandom": 0.0,
    "display_traj": 0.0,
    "statdist_traj_count": 0.0,
    "statdist_cluster_threshold": 1.0,
    "statdist_similarity_cache_max_size": 20000.0,
    "thread_count": 1.0,
}
_ALIASES = {"timetick": "time_tick"}


@dataclass(frozen=True)
class NodeSpec:
    """One ``Node NAME { ... }`` block: attribute expressions and where they were written."""

    name: str
    line: int
    attrs: dict[str, Expr]
    attr_lines: dict[str, int]


@dataclass(frozen=True)
class BndFile:
    """A parsed ``.bnd`` file: node blocks in file order."""

    path: str
    nodes: list[NodeSpec]


@dataclass(frozen=True)
class IState:
    """Initial distribution of a group of nodes: weighted joint values."""

    nodes: tuple[str, ...]
    weights: tuple[Expr, ...]
    values: tuple[tuple[int, ...], ...]
    line: int


@dataclass
class CfgFile:
    """A parsed ``.cfg`` file. Node-keyed entries keep their line for later checks."""

    path: str
    variables: dict[str, float] = field(default_factory=dict)
    variable_lines: dict[str, int] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)
    istates: list[IState] = field(default_factory=list)
    internal: dict[str, tuple[bool, int]] = field(default_factory=dict)
    refstate: dict[str, tuple[int, int]] = field(default_factory=dict)


class _Source:
    """Text with comments blanked out (newlines kept) and offset → line lookup."""

    def __init__(self, text: str, path: str):
        self.path = path
        self.text = re.sub(
            r"//[^\n]*|/\*.*?\*/|#[^\n]*",
            lambda m: re.sub(r"[^\n]", " ", m.group(0)),
            text,
            flags=re.DOTALL,
        )
        self._newlines = [i for i, c in enumerate(self.text) if c == "\n"]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._newlines, offset - 1) + 1

    def error(self, offset: int, message: str, item: str | None) -> NetworkFileError:
        return NetworkFileError(message, file=self.path, line=self.line(offset), item=item)


def _statements(src: _Source, start: int, end: int) -> list[tuple[int, str]]:
    """Split ``src.text[start:end]`` on ``;`` into (offset of first non-blank char, text)."""
    out: list[tuple[int, str]] = []
    pos = start
    while pos < end:
        stop = src.text.find(";", pos, end)
        chunk_end = end if stop < 0 else stop
        chunk = src.text[pos:chunk_end]
        if chunk.strip():
            if stop < 0:
                off = pos + len(chunk) - len(chunk.lstrip())
                raise src.error(off, f"missing ';' after {chunk.strip()!r}", chunk.strip())
            out.append((pos + len(chunk) - len(chunk.lstrip()), chunk.strip()))
        pos = chunk_end + 1
    return out


_NODE_HEAD = re.compile(r"\s*(?:node|Node|NODE)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{")
_ASSIGN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)\Z", re.DOTALL)


def parse_bnd(text: str, path: str | Path = "<string>") -> BndFile:
    """Parse the text of a ``.bnd`` file; raise :class:`NetworkFileError` on bad syntax."""
    src = _Source(text, str(path))
    nodes: list[NodeSpec] = []
    seen: set[str] = set()
    pos = 0
    while src.text[pos:].strip():
        head = _NODE_HEAD.match(src.text, pos)
        if head is None:
            off = pos + len(src.text[pos:]) - len(src.text[pos:].lstrip())
            word = src.text[off:].split(None, 1)[0]
            raise src.error(off, f"expected 'Node NAME {{' but found {word!r}", word)
        name = head.group(1)
        if name in seen:
            raise src.error(head.start(1), f"node {name!r} is defined twice", name)
        seen.add(name)
        close = src.text.find("}", head.end())
        if close < 0:
            raise src.error(head.start(1), f"node {name!r}: missing closing '}}'", name)
        attrs: dict[str, Expr] = {}
        lines: dict[str, int] = {}
        for off, stmt in _statements(src, head.end(), close):
            m = _ASSIGN.match(stmt)
            if m is None:
                raise src.error(
                    off,
                    f"node {name!r}: expected 'attribute = expression;' but found {stmt!r}",
                    stmt,
                )
            attr, rhs = m.group(1), m.group(2)
            line = src.line(off)
            if attr in attrs:
                raise src.error(off, f"node {name!r}: attribute {attr!r} set twice", attr)

            def where(
                msg: str, _line: int = line, _attr: str = attr, _node: str = name
            ) -> NetworkFileError:
                return NetworkFileError(
                    f"node {_node!r}, {_attr}: {msg}", file=src.path, line=_line, item=_attr
                )

            attrs[attr] = parse_expression(rhs, where)
            lines[attr] = line
        nodes.append(NodeSpec(name, src.line(head.start(1)), attrs, lines))
        pos = close + 1
    return BndFile(str(path), nodes)


_ISTATE_GROUP = re.compile(r"\[([^\]]*)\]\s*\.\s*istate\s*=(.*)\Z", re.DOTALL)
_NODE_KEY = re.compile(
    r"([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*(istate|is_internal|refstate)\s*=(.*)\Z", re.DOTALL
)
_VAR_KEY = re.compile(r"\$([A-Za-z0-9_]+)\s*=(.*)\Z", re.DOTALL)
_PARAM_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)\Z", re.DOTALL)
_WEIGHTED = re.compile(r"(.*?)\[([^\]]*)\]\s*(?:,|\Z)", re.DOTALL)


def _number(src: _Source, off: int, text: str, variables: dict[str, float], item: str) -> float:
    def where(msg: str) -> NetworkFileError:
        return src.error(off, f"{item}: {msg}", item)

    expr = parse_expression(text, where)
    for sub in walk(expr):
        if isinstance(sub, Var) and sub.name not in variables:
            raise src.error(off, f"{item}: undefined variable '${sub.name}'", "$" + sub.name)
        if isinstance(sub, NodeRef):
            raise src.error(off, f"{item}: a node name cannot appear here ({sub.name!r})", sub.name)
    return float(evaluate(expr, {}, variables, {}))


def parse_cfg(text: str, path: str | Path = "<string>") -> CfgFile:
    """Parse the text of a ``.cfg`` file; raise :class:`NetworkFileError` on bad input."""
    src = _Source(text, str(path))
    cfg = CfgFile(str(path))
    for off, stmt in _statements(src, 0, len(src.text)):
        line = src.line(off)
        if m := _VAR_KEY.match(stmt):
            name = m.group(1)
            cfg.variables[name] = _number(src, off, m.group(2), cfg.variables, "$" + name)
            cfg.variable_lines[name] = line
        elif m := _ISTATE_GROUP.match(stmt):
            cfg.istates.append(_group_istate(src, off, m.group(1), m.group(2), cfg.variables))
        elif m := _NODE_KEY.match(stmt):
            node, key = m.group(1), m.group(2)
            value = _number(src, off, m.group(3), cfg.variables, f"{node}.{key}")
            if key == "is_internal":
                cfg.internal[node] = (value != 0, line)
            elif key == "refstate":
                cfg.refstate[node] = (int(value), line)
            elif value < 0:
                cfg.istates.append(IState((node,), (Num(0.5), Num(0.5)), ((0,), (1,)), line))
            else:
                v = int(value != 0)
                cfg.istates.append(IState((node,), (Num(1.0),), ((v,),), line))
        elif m := _PARAM_KEY.match(stmt):
            name = _ALIASES.get(m.group(1), m.group(1))
            if name not in RUN_PARAMETERS:
                raise src.error(off, f"unknown parameter {m.group(1)!r}", m.group(1))
            cfg.parameters[name] = _number(src, off, m.group(2), cfg.variables, name)
        else:
            raise src.error(off, f"cannot read statement {stmt!r}", stmt)
    return cfg


def _group_istate(
    src: _Source, off: int, names: str, rhs: str, variables: dict[str, float]
) -> IState:
    nodes = tuple(n.strip() for n in names.split(","))
    item = f"[{', '.join(nodes)}].istate"
    if not all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n) for n in nodes):
        raise src.error(off, f"{item}: bad node list", item)
    weights: list[Expr] = []
    values: list[tuple[int, ...]] = []
    body = rhs.strip()
    pos = 0
    while pos < len(body):
        m = _WEIGHTED.match(body, pos)
        if m is None:
            raise src.error(
                off, f"{item}: expected 'weight [values], ...' but found {body[pos:]!r}", item
            )
        _number(src, off, m.group(1), variables, item)  # validate now; keep the expression
        weights.append(parse_expression(m.group(1), lambda msg: src.error(off, msg, item)))
        try:
            vals = tuple(int(v) for v in m.group(2).split(","))
        except ValueError:
            raise src.error(
                off, f"{item}: values must be 0 or 1, got [{m.group(2)}]", item
            ) from None
        if len(vals) != len(nodes) or any(v not in (0, 1) for v in vals):
            raise src.error(off, f"{item}: [{m.group(2)}] must give one 0/1 value per node", item)
        values.append(vals)
        pos = m.end()
        while pos < len(body) and body[pos].isspace():
            pos += 1
    return IState(nodes, tuple(weights), tuple(values), src.line(off))


def read_bnd(path: str | Path) -> BndFile:
    """Read and parse a ``.bnd`` file."""
    return parse_bnd(Path(path).read_text(), path)


def read_cfg(path: str | Path) -> CfgFile:
    """Read and parse a ``.cfg`` file."""
    return parse_cfg(Path(path).read_text(), path)
