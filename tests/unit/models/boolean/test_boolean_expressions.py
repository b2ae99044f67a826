"""MaBoSS expression syntax: operators, priorities, aliases and syntax errors."""

from __future__ import annotations

import numpy as np
import pytest

from metastasis.models.boolean.errors import NetworkFileError
from metastasis.models.boolean.expressions import evaluate, parse_expression, to_text


def _err(msg: str) -> NetworkFileError:
    return NetworkFileError(msg, file="expr", line=1, item="x")


def _value(text: str, **nodes: int) -> float:
    expr = parse_expression(text, _err)
    states = {k: np.array(v) for k, v in nodes.items()}
    return float(evaluate(expr, states, {"k": 2.5, "z": 0.0}, {}))


@pytest.mark.parametrize(
    ("text", "nodes", "expected"),
    [
        ("A & !B", {"A": 1, "B": 0}, 1),
        ("A AND NOT B", {"A": 1, "B": 1}, 0),
        ("A | B & C", {"A": 1, "B": 0, "C": 0}, 1),  # & binds tighter than |
        ("!A | B", {"A": 1, "B": 0}, 0),  # ! binds tighter than |
        ("A ^ B | A", {"A": 1, "B": 0}, 0),  # ^ is the loosest binary operator: 1 ^ (0 | 1)
        ("A XOR B", {"A": 1, "B": 1}, 0),
        ("A ? $k : 0", {"A": 1}, 2.5),
        ("A ? $k : 0", {"A": 0}, 0),
        ("A ? 1 : B ? 2 : 3", {"A": 0, "B": 0}, 3),
        ("1 + 2 * 3 - 4 / 2", {}, 5),
        ("-$k + 3", {}, 0.5),
        ("$k > 2 && $z == 0", {}, 1),
        ("TRUE & FALSE", {}, 0),
        ("1.5e1 >= 15", {}, 1),
    ],
)
def test_operators_and_priorities(text: str, nodes: dict[str, int], expected: float) -> None:
    assert _value(text, **nodes) == expected


def test_vectorised_over_states() -> None:
    expr = parse_expression("(A | B) & !C", _err)
    a, b, c = (np.array(v) for v in ([0, 1, 0, 1], [0, 0, 1, 1], [0, 0, 0, 1]))
    assert evaluate(expr, {"A": a, "B": b, "C": c}, {}, {}).tolist() == [0, 1, 1, 0]


def test_round_trip_text() -> None:
    expr = parse_expression("A & (B | !C) ? $u : 0", _err)
    assert parse_expression(to_text(expr), _err) == expr


@pytest.mark.parametrize("text", ["A &", "(A | B", "A B", "A ? 1", "", "A % B", "A )"])
def test_syntax_errors(text: str) -> None:
    with pytest.raises(NetworkFileError):
        parse_expression(text, _err)
