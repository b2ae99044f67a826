"""Pure rate functions of the cascade."""

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from metastasis.biology.burden import lethal_organ
from metastasis.biology.circulation import ctc_survival
from metastasis.biology.colonisation import extinction_probability, small_lesion_death_per_day
from metastasis.biology.dormancy import leave_probability, lifetime_wake_probability, wake_share
from metastasis.biology.emt import emt_step, forward_multiplier, signal_drive
from metastasis.biology.extravasation import extravasation_probability
from metastasis.biology.genetics import genotype_multipliers
from metastasis.biology.growth import (
    capacity_plateau,
    capacity_step,
    gompertz_closed_form,
    gompertz_rate_per_day,
)
from metastasis.biology.intravasation import emission_per_day, invasive_fraction
from metastasis.biology.microenvironment import hypoxic_fraction


def test_gompertz_closed_form_solves_the_ode():
    lam, k, n0 = 0.01, 1e12, 1e3
    sol = solve_ivp(lambda t, y: [lam * y[0] * math.log(k / y[0])], (0, 500), [n0],
                    rtol=1e-10, atol=1e-6, dense_output=True)
    for t in (10.0, 100.0, 500.0):
        assert gompertz_closed_form(t, n0, k, lam) == pytest.approx(sol.sol(t)[0], rel=1e-6)
    assert gompertz_rate_per_day(k, k, lam) == 0.0
    assert gompertz_rate_per_day(2 * k, k, lam) < 0.0


def test_capacity_converges_to_hahnfeldt_plateau():
    b, d = 0.05, 5e-10
    n = cap = capacity_plateau(b, d)
    assert cap == pytest.approx((b / d) ** 1.5)
    # at the plateau, one step leaves K unchanged
    assert capacity_step(cap, n, b, d, 1.0) == pytest.approx(cap, rel=1e-12)
    # below it K grows; above it K shrinks; never negative for huge steps
    assert capacity_step(cap / 10, n, b, d, 1.0) > cap / 10
    assert capacity_step(cap * 10, n, b, d, 1.0) < cap * 10
    assert capacity_step(cap, n, b, d, 1e6) > 0.0


def test_emt_step_conserves_cells_and_stays_non_negative():
    e, h, m = 1e6, 2e5, 1e4
    for dt in (0.1, 1.0, 100.0):
        e2, h2, m2 = emt_step(e, h, m, 0.5, 0.7, 0.2, 0.1, dt)
        assert e2 + h2 + m2 == pytest.approx(e + h + m, rel=1e-12)
        assert min(e2, h2, m2) >= 0.0


def test_emt_drive_rises_with_signals_and_hypoxia_and_falls_with_a_block():
    ref = signal_drive(1, 1, 1, 1.0, 0.5, 0.5)
    assert ref == 1.0
    assert signal_drive(2, 1, 1, 1.0, 0.5, 0.5) > ref
    assert signal_drive(1, 1, 2, 1.0, 0.5, 0.5) > ref
    assert forward_multiplier(1.0, 0.5, 1.0, 1.0, 0.0) > forward_multiplier(1.0, 0.0, 1.0, 1.0, 0.0)
    assert forward_multiplier(1.0, 0.5, 1.0, 1.0, 1.0) == 0.0


def test_emission_is_size_dependent_and_needs_invasive_cells():
    assert invasive_fraction(1.0, 0.0, 0.0, 0.5) == 0.0
    assert invasive_fraction(0.0, 1.0, 1.0, 0.5) == pytest.approx(0.75)
    big = emission_per_day(1e9, 0.2, 5.0, 0.663)
    small = emission_per_day(1e6, 0.2, 5.0, 0.663)
    assert big / small == pytest.approx(1000**0.663)


def test_ctc_survival_protections():
    base = ctc_survival(1.0, 0.5, 1.0, 0.0, 0.0, 0.0, 0.0)
    assert base == pytest.approx(math.exp(-1.5))
    assert ctc_survival(1.0, 0.5, 1.0, 0.5, 0.0, 0.0, 0.0) > base  # platelets
    assert ctc_survival(1.0, 0.5, 1.0, 0.0, 1.0, 0.5, 0.0) > base  # PD-L1
    assert ctc_survival(1.0, 0.5, 1.0, 0.0, 0.0, 0.0, 0.8) > base  # clusters
    assert ctc_survival(2.0, 0.5, 1.0, 0.0, 0.0, 0.0, 0.0) < base  # longer transit


def test_extravasation_is_capped():
    assert extravasation_probability(0.05, 2.0, 1.0) == pytest.approx(0.1)
    assert extravasation_probability(0.05, 2.0, 100.0) == 1.0


def test_dormancy_competing_hazards():
    assert lifetime_wake_probability(0.01, 0.01) == pytest.approx(0.5)
    assert wake_share(0.0, 0.0) == 0.0
    p = leave_probability(0.01, 0.001, 10.0)
    assert p == pytest.approx(1 - math.exp(-0.11))


def test_birth_death_extinction_matches_simulation():
    b, r = 0.3, 0.06
    d = small_lesion_death_per_day(b, r, 0.0)
    assert d == pytest.approx(0.24)
    q = extinction_probability(b, d)
    rng = np.random.default_rng(7)
    # embedded jump chain of the linear birth-death process from one cell
    trials, extinct = 4000, 0
    for _ in range(trials):
        n = 1
        while 0 < n < 60:
            n += 1 if rng.random() < b / (b + d) else -1
        extinct += n == 0
    assert extinct / trials == pytest.approx(q, abs=0.025)


def test_genotype_multipliers():
    wt = genotype_multipliers({})
    assert all(v == 1.0 for v in wt.values())
    p53 = genotype_multipliers({"TP53": "loss"})
    assert p53["growth"] > 1.0 and p53["emt"] > 1.0
    both = genotype_multipliers({"TP53": "loss", "MYC": "gain"})
    assert both["growth"] == pytest.approx(p53["growth"] * genotype_multipliers({"MYC": "gain"})["growth"])
    assert genotype_multipliers({"CDH1": "methylated"})["emt"] > 1.0


def test_hypoxia_and_lethality():
    assert hypoxic_fraction(0.0, 1.0) == 0.0
    assert hypoxic_fraction(1.0, 1.0) == 0.5
    limits = np.array([np.inf, 10.0])
    assert lethal_organ(np.array([5.0, 5.0]), 10.0, 100.0, limits) == -1
    assert lethal_organ(np.array([5.0, 11.0]), 16.0, 100.0, limits) == 1
    assert lethal_organ(np.array([95.0, 6.0]), 101.0, 100.0, limits) == -2


def test_gompertz_step_is_exact_for_any_step():
    from metastasis.biology.growth import gompertz_step

    lam, k, delta, n0 = 0.004, 1e11, 0.01, 1e4
    sol = solve_ivp(lambda t, y: [lam * y[0] * math.log(k / y[0]) - delta * y[0]], (0, 400),
                    [n0], rtol=1e-11, atol=1e-9, dense_output=True)
    for dt in (1.0, 28.0, 400.0):
        assert gompertz_step(n0, k, lam, delta, dt) == pytest.approx(sol.sol(dt)[0], rel=1e-7)
    # composing steps equals one long step
    n = n0
    for _ in range(10):
        n = gompertz_step(n, k, lam, delta, 40.0)
    assert n == pytest.approx(gompertz_step(n0, k, lam, delta, 400.0), rel=1e-10)
    assert gompertz_step(n0, k, lam, 0.0, 1e5) == pytest.approx(k, rel=1e-6)


def test_establishment_probability_and_conditioned_colonies():
    from metastasis.biology.colonisation import conditioned_rates, establishment_probability

    b, d, thr = 0.3, 0.24, 10
    q = d / b
    p = establishment_probability(q, thr)
    assert p == pytest.approx((1 - q) / (1 - q**thr))
    assert establishment_probability(1.0, thr) == pytest.approx(1 / thr)
    rng = np.random.default_rng(3)
    hits = 0
    for _ in range(20000):
        n = 1
        while 0 < n < thr:
            n += 1 if rng.random() < b / (b + d) else -1
        hits += n == thr
    assert hits / 20000 == pytest.approx(p, abs=0.01)
    # conditioned on reaching the threshold a one-cell colony cannot die, and the chain's
    # step probabilities are the h-transform of the free chain
    up, down = conditioned_rates(1.0, b, d, q)
    assert down == 0.0 and up == pytest.approx(b * (1 + q))
    up5, down5 = conditioned_rates(5.0, b, d, q)
    assert up5 / (up5 + down5) > b / (b + d)


def test_a_colony_without_deaths_is_its_own_conditioned_process():
    """With net growth at or above the division rate the death rate is 0 (q = 0): every
    colony reaches the threshold, so conditioning changes nothing (birth n·b, death 0)
    and the establishment probability is 1."""
    from metastasis.biology.colonisation import conditioned_rates, establishment_probability

    assert conditioned_rates(1.0, 0.3, 0.0, 0.0) == (0.3, 0.0)
    assert conditioned_rates(4.0, 0.3, 0.0, 0.0) == (1.2, 0.0)
    assert establishment_probability(0.0, 5.0) == pytest.approx(1.0)
