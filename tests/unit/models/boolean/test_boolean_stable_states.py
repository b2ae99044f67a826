"""Stable-state enumeration: backtracking search against brute force, toy cases, mutants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metastasis.models.boolean import BooleanNetwork, stable_states, stable_states_exhaustive
from metastasis.models.boolean.stable_states import describe


def _random_network(rng: np.random.Generator, n: int) -> BooleanNetwork:
    """Random logic: each node a random formula over up to 3 random nodes."""
    names = [f"x{i}" for i in range(n)]
    blocks = []
    for name in names:
        k = int(rng.integers(1, 4))
        ins = rng.choice(names, size=k, replace=False)
        lits = [("!" if rng.random() < 0.4 else "") + str(x) for x in ins]
        expr = lits[0]
        for lit in lits[1:]:
            expr = f"({expr} {'&' if rng.random() < 0.5 else '|'} {lit})"
        blocks.append(f"Node {name} {{ logic = {expr}; }}")
    return BooleanNetwork.from_text("\n".join(blocks))


@pytest.mark.parametrize("seed", range(25))
def test_search_equals_brute_force_on_random_networks(seed: int) -> None:
    rng = np.random.default_rng(seed)
    net = _random_network(rng, int(rng.integers(4, 12)))
    pd.testing.assert_frame_equal(stable_states(net), stable_states_exhaustive(net))


def test_toggle_switch_has_two_stable_states() -> None:
    net = BooleanNetwork.from_text("Node A { logic = !B; } Node B { logic = !A; }")
    assert describe(stable_states(net)) == ["B", "A"]


def test_negative_loop_has_none() -> None:
    net = BooleanNetwork.from_text("Node A { logic = !B; } Node B { logic = A; }")
    assert len(stable_states(net)) == 0
    assert len(stable_states_exhaustive(net)) == 0


def test_mutants_restrict_stable_states() -> None:
    net = BooleanNetwork.from_text(
        "Node A { logic = !B; } Node B { logic = !A; } Node C { logic = A & B; }"
    )
    assert describe(stable_states(net, {"A": 1})) == ["A"]
    assert describe(stable_states(net, {"A": 1, "B": 1})) == ["A -- B -- C"]


def test_rates_define_stability() -> None:
    # with a zero up-rate B cannot switch on, so A=1, B=0 is stable too
    net = BooleanNetwork.from_text(
        "Node A { logic = A; } Node B { logic = A; rate_up = @logic ? $k : 0; rate_down = @logic ? 0 : 1; }",
        "$k = 0;",
    )
    assert describe(stable_states(net)) == ["<nil>", "A", "A -- B"]
    assert describe(stable_states(net.with_settings({"k": 1}))) == ["<nil>", "A -- B"]
