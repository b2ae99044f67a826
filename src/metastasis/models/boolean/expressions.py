"""Expressions of the MaBoSS language: tokenizer, parser and a vectorised evaluator.

An expression combines node states (``p53``), external variables (``$u_p53``), attributes of
the current node (``@logic``) and numbers with C operators, lowest priority first:
``?:``, ``^``/``XOR``, ``||``/``|``/``OR``, ``&&``/``&``/``AND``, ``==``/``!=``,
``<``/``<=``/``>``/``>=``, ``+``/``-``, ``*``/``/``, unary ``!``/``NOT``/``-``/``+``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from metastasis.models.boolean.errors import NetworkFileError


@dataclass(frozen=True)
class Num:
    """A numeric literal."""

    value: float


@dataclass(frozen=True)
class NodeRef:
    """The state (0 or 1) of a node."""

    name: str


@dataclass(frozen=True)
class Var:
    """An external variable ``$name`` defined in the configuration."""

    name: str


@dataclass(frozen=True)
class Attr:
    """An attribute ``@name`` of the node being described (``@logic``)."""

    name: str


@dataclass(frozen=True)
class Unary:
    """``!x``, ``-x`` or ``+x``."""

    op: str
    arg: Expr


@dataclass(frozen=True)
class Binary:
    """A binary operator; ``op`` is the canonical C spelling (``&&``, ``||``, ``^``, ...)."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Cond:
    """``test ? then : other``."""

    test: Expr
    then: Expr
    other: Expr


Expr = Num | NodeRef | Var | Attr | Unary | Binary | Cond

_TOKEN = re.compile(
    r"""
    (?P<num>(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?)
  | (?P<var>\$[A-Za-z0-9_]+)
  | (?P<attr>@[A-Za-z_][A-Za-z0-9_]*)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>&&|\|\||==|!=|<=|>=|[!&|^?:()+\-*/<>])
  | (?P<space>\s+)
    """,
    re.VERBOSE,
)
_WORD_OPS = {"AND": "&&", "OR": "||", "XOR": "^", "NOT": "!"}
_CANON = {"&": "&&", "|": "||"}
# binary operators by priority level, lowest first
_LEVELS: tuple[tuple[str, ...], ...] = (
    ("^",),
    ("||",),
    ("&&",),
    ("==", "!="),
    ("<", "<=", ">", ">="),
    ("+", "-"),
    ("*", "/"),
)


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str


def _tokenize(text: str, where: Callable[[str], NetworkFileError]) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise where(f"unexpected character {text[pos]!r} in expression {text.strip()!r}")
        pos = m.end()
        kind = m.lastgroup or ""
        if kind == "space":
            continue
        tok = m.group(kind) if kind != "num" else m.group(0)
        if kind == "name" and tok.upper() in _WORD_OPS:
            tokens.append(_Tok("op", _WORD_OPS[tok.upper()]))
        elif kind == "name" and tok.upper() in ("TRUE", "FALSE"):
            tokens.append(_Tok("num", "1" if tok.upper() == "TRUE" else "0"))
        elif kind == "op":
            tokens.append(_Tok("op", _CANON.get(tok, tok)))
        else:
            tokens.append(_Tok(kind, tok))
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Tok], where: Callable[[str], NetworkFileError]):
        self.toks = tokens
        self.i = 0
        self.where = where

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, text: str | None = None) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise self.where("expression ends too early")
        if text is not None and tok.text != text:
            raise self.where(f"expected {text!r} but found {tok.text!r}")
        self.i += 1
        return tok

    def parse(self) -> Expr:
        if not self.toks:
            raise self.where("empty expression")
        expr = self.cond()
        if self.peek() is not None:
            raise self.where(f"unexpected {self.peek().text!r} after a complete expression")  # type: ignore[union-attr]
        return expr

    def cond(self) -> Expr:
        test = self.binary(0)
        tok = self.peek()
        if tok is not None and tok.text == "?":
            self.take("?")
            then = self.cond()
            self.take(":")
            other = self.cond()
            return Cond(test, then, other)
        return test

    def binary(self, level: int) -> Expr:
        if level == len(_LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in _LEVELS[level]:
            self.take()
            left = Binary(tok.text, left, self.binary(level + 1))
        return left

    def unary(self) -> Expr:
        tok = self.take()
        if tok.kind == "op" and tok.text in ("!", "-", "+"):
            return Unary(tok.text, self.unary())
        if tok.text == "(":
            inner = self.cond()
            self.take(")")
            return inner
        if tok.kind == "num":
            return Num(float(tok.text))
        if tok.kind == "var":
            return Var(tok.text[1:])
        if tok.kind == "attr":
            return Attr(tok.text[1:])
        if tok.kind == "name":
            return NodeRef(tok.text)
        raise self.where(f"unexpected {tok.text!r}")


def parse_expression(text: str, where: Callable[[str], NetworkFileError]) -> Expr:
    """Parse ``text``; ``where(msg)`` builds the error raised on a syntax error."""
    return _Parser(_tokenize(text, where), where).parse()


def walk(expr: Expr) -> Iterator[Expr]:
    """Every sub-expression of ``expr``, itself included."""
    yield expr
    if isinstance(expr, Unary):
        yield from walk(expr.arg)
    elif isinstance(expr, Binary):
        yield from walk(expr.left)
        yield from walk(expr.right)
    elif isinstance(expr, Cond):
        yield from walk(expr.test)
        yield from walk(expr.then)
        yield from walk(expr.other)


def to_text(expr: Expr) -> str:
    """Render ``expr`` back to MaBoSS syntax (fully parenthesised)."""
    if isinstance(expr, Num):
        return repr(expr.value) if expr.value != int(expr.value) else str(int(expr.value))
    if isinstance(expr, NodeRef):
        return expr.name
    if isinstance(expr, Var):
        return "$" + expr.name
    if isinstance(expr, Attr):
        return "@" + expr.name
    if isinstance(expr, Unary):
        return f"{expr.op}{to_text(expr.arg)}"
    if isinstance(expr, Binary):
        return f"({to_text(expr.left)} {expr.op} {to_text(expr.right)})"
    return f"({to_text(expr.test)} ? {to_text(expr.then)} : {to_text(expr.other)})"


def evaluate(
    expr: Expr,
    nodes: Mapping[str, np.ndarray],
    variables: Mapping[str, float],
    attrs: Mapping[str, Expr],
) -> np.ndarray:
    """Evaluate ``expr`` on arrays of node states (all the same shape), as float64.

    ``attrs`` maps attribute names of the current node to their expressions; references
    are resolved by the caller having checked they are defined and not circular.
    """
    if isinstance(expr, Num):
        return np.asarray(expr.value, dtype=float)
    if isinstance(expr, NodeRef):
        return nodes[expr.name].astype(float)
    if isinstance(expr, Var):
        return np.asarray(float(variables[expr.name]))
    if isinstance(expr, Attr):
        return evaluate(attrs[expr.name], nodes, variables, attrs)
    if isinstance(expr, Unary):
        a = evaluate(expr.arg, nodes, variables, attrs)
        if expr.op == "!":
            return (a == 0).astype(float)
        return -a if expr.op == "-" else a
    if isinstance(expr, Cond):
        t = evaluate(expr.test, nodes, variables, attrs)
        return np.where(
            t != 0,
            evaluate(expr.then, nodes, variables, attrs),
            evaluate(expr.other, nodes, variables, attrs),
        )
    a = evaluate(expr.left, nodes, variables, attrs)
    b = evaluate(expr.right, nodes, variables, attrs)
    return _BINARY[expr.op](a, b).astype(float)


def _divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.true_divide(a, b)


_BINARY: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "&&": lambda a, b: (a != 0) & (b != 0),
    "||": lambda a, b: (a != 0) | (b != 0),
    "^": lambda a, b: (a != 0) ^ (b != 0),
    "==": np.equal,
    "!=": np.not_equal,
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": _divide,
}
