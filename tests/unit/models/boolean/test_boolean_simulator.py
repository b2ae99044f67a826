"""Stochastic simulation against closed-form probabilities, plus reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from metastasis.models.boolean import BooleanNetwork, simulate

A_RATE, B_RATE = 2.0, 1.0
FLIP = BooleanNetwork.from_text(
    "Node A { rate_up = $a; rate_down = $b; }",
    f"$a = {A_RATE}; $b = {B_RATE}; A.istate = 0; time_tick = 0.1; max_time = 2; sample_count = 20000;",
)


def p_up(t: np.ndarray) -> np.ndarray:
    """Two-state Markov chain started off: P(on, t) = a/(a+b) (1 - exp(-(a+b) t))."""
    s = A_RATE + B_RATE
    return A_RATE / s * (1 - np.exp(-s * t))


def p_up_window(t0: np.ndarray, dt: float) -> np.ndarray:
    """Mean of P(on) over [t0, t0 + dt]."""
    s = A_RATE + B_RATE
    return A_RATE / s * (1 - (np.exp(-s * t0) - np.exp(-s * (t0 + dt))) / (s * dt))


def test_single_node_window_probabilities_match_closed_form() -> None:
    res = simulate(FLIP, seed=11)
    probs = res.node_probabilities()["A"]
    expected = p_up_window(probs.index.to_numpy(), 0.1)
    # 20,000 trajectories: standard error <= 0.0036; allow 5 of them
    assert np.max(np.abs(probs.to_numpy() - expected)) < 0.018
    assert res.final_state_probabilities["A"] == pytest.approx(p_up(np.array(2.0))[()], abs=0.018)


def test_two_step_chain_matches_hypoexponential() -> None:
    a, c = 1.5, 0.5
    net = BooleanNetwork.from_text(
        "Node A { rate_up = $a; rate_down = 0; } Node B { rate_up = A ? $c : 0; rate_down = 0; }",
        f"$a = {a}; $c = {c}; A.istate = 0; B.istate = 0; A.is_internal = 1; max_time = 3; sample_count = 20000;",
    )
    res = simulate(net, seed=3)
    t = 3.0
    expected = 1 - (c * np.exp(-a * t) - a * np.exp(-c * t)) / (c - a)
    assert res.fraction_active("B") == pytest.approx(expected, abs=0.015)
    assert res.fraction_active("A", ever=True) == pytest.approx(1 - np.exp(-a * t), abs=0.01)


def test_same_seed_same_result_any_thread_count() -> None:
    r1 = simulate(FLIP, seed=5, sample_count=3000, threads=1)
    r2 = simulate(FLIP, seed=5, sample_count=3000, threads=2)
    r3 = simulate(FLIP, seed=6, sample_count=3000, threads=1)
    assert r1.window_probabilities.equals(r2.window_probabilities)
    assert np.array_equal(r1.final_states, r2.final_states)
    assert not r1.window_probabilities.equals(r3.window_probabilities)
    # an explicit Generator is consumed: same generator state, same result
    g1 = simulate(FLIP, seed=np.random.default_rng(1), sample_count=500)
    g2 = simulate(FLIP, seed=np.random.default_rng(1), sample_count=500)
    assert np.array_equal(g1.final_states, g2.final_states)


def test_probabilities_sum_to_one_and_windows_follow_tick() -> None:
    res = simulate(FLIP, seed=0, sample_count=500, max_time=1.05, time_tick=0.1)
    assert len(res.window_probabilities) == 11  # the last window is partial
    assert np.allclose(res.window_probabilities.sum(axis=1), 1.0)
    assert res.window_probabilities.index[-1] == pytest.approx(1.0)


def test_initial_distribution_and_fixed_points() -> None:
    net = BooleanNetwork.from_text(
        "Node A { rate_up = 0; rate_down = 0; } Node B { rate_up = 0; rate_down = 0; }",
        "[A, B].istate = 1 [0, 0], 3 [1, 1]; max_time = 1; sample_count = 8000;",
    )
    res = simulate(net, seed=2)
    first = res.window_probabilities.iloc[0]
    assert first["A -- B"] == pytest.approx(0.75, abs=0.02)
    assert first["<nil>"] == pytest.approx(0.25, abs=0.02)
    assert set(res.window_probabilities.columns) == {"A -- B", "<nil>"}


def test_mutant_clamps_node() -> None:
    net = BooleanNetwork.from_text(
        "Node A { logic = !A; } Node B { logic = A; }",
        "A.istate = 0; B.istate = 0; max_time = 10; sample_count = 500;",
    )
    on = simulate(net, mutants={"A": 1}, seed=1)
    assert on.fraction_active("A") == 1.0 and on.fraction_active("A", ever=True) == 1.0
    assert on.fraction_active("B") > 0.99  # P(B on) = 1 - exp(-10) once A is held on
    off = simulate(net, mutants={"A": 0}, seed=1)
    assert off.fraction_active("B", ever=True) == 0.0


def test_discrete_time_flips_once_per_tick() -> None:
    net = BooleanNetwork.from_text(
        "Node A { rate_up = 1; rate_down = 1; }",
        "A.istate = 0; discrete_time = 1; time_tick = 1; max_time = 4; sample_count = 50;",
    )
    res = simulate(net, seed=0)
    assert res.node_probabilities()["A"].tolist() == [0.0, 1.0, 0.0, 1.0]


def test_rejects_negative_rates() -> None:
    net = BooleanNetwork.from_text("Node A { rate_up = -1; }", "A.istate = 0;")
    with pytest.raises(ValueError, match="negative"):
        simulate(net, sample_count=10)
