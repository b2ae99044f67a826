"""Each compiled step of a patient's day, called alone on a small hand-built state.

Every expectation is a closed form written out here from the theta entries (or an exact
count), never a value computed by the code under test. Statistical tests use fixed seeds,
at most a few thousand draws, and a tolerance of 4 standard errors of the estimated
quantity (stated in each test), so that a correct step fails with probability < 1e-4.

States come from `step_fixtures.make_state` (the breast preset's theta over one year,
built as `kernel.run_patient` builds it); organ indices follow `anatomy.organs.ORGANS`
(0 lung, 3 brain, 5 regional lymph nodes, 7 pleura, 12 breast: the primary's site).
"""

from __future__ import annotations

import importlib
import math

import numba
import numpy as np
import pytest
from step_fixtures import events, make_state, mods_of, put_lesion

from metastasis.biology.colonisation import establishment_probability
from metastasis.engine.death import death_step
from metastasis.engine.dissemination import cascade_due, funnel_to_organs, shed_step
from metastasis.engine.dormancy_step import dormant_fates, dormant_inflow, found_lesion
from metastasis.engine.events import (
    DEATH_TOTAL_BURDEN,
    EV_ARRESTED,
    EV_DEATH,
    EV_DORMANT,
    EV_EXTRAVASATED,
    EV_LESION_BORN,
    EV_LESION_CLEARED,
    EV_SEEDED,
    EV_TREATMENT,
    EV_WOKE,
    NO_LESION,
)
from metastasis.engine.funnel import funnel_matrices
from metastasis.engine.layout import (
    C_EVENTS,
    C_STATUS,
    C_TRAJ,
    N_TRAJ_FIXED,
    P_CAP,
    P_E,
    P_H,
    P_M,
    P_RE,
    P_RH,
    P_RM,
    STATUS_EVENTS_FULL,
)
from metastasis.engine.lesion_steps import (
    add_lesions_to_body,
    large_lesions_step,
    lesion_ode,
    small_lesions_step,
)
from metastasis.engine.params import (
    KILL_ALL_LESIONS,
    KILL_EVERYTHING,
    KILL_PRIMARY,
    M_ANGIO,
    M_CLEAR,
    M_EMISSION,
    M_GROWTH,
    M_IMMUNE,
    M_KILL,
    M_NK,
    M_WAKE,
    O_EXTRAV_W,
    O_GROWTH_MULT,
    O_LETHAL,
    O_WAKE_MULT,
    T_ANGIO_B,
    T_ANGIO_D,
    T_CLUSTER_FRAC,
    T_CLUSTER_GAIN,
    T_DORM_CLEAR,
    T_DORM_ENTRY,
    T_EMIT_ALPHA,
    T_EMIT_M,
    T_EMIT_STROMA,
    T_EXTRAV_BASE,
    T_HYB_W,
    T_KEH,
    T_KHE,
    T_KHM,
    T_KMH,
    T_L_ANGIO_B,
    T_L_ANGIO_D,
    T_L_AVASC,
    T_L_BIRTH,
    T_L_ESCAPE,
    T_L_IMMUNE,
    T_L_K0,
    T_L_LAMBDA,
    T_L_PHI,
    T_LAMBDA,
    T_LETHAL_TOTAL,
    T_MAX_LESIONS,
    T_NK_SHARE_CLUSTER,
    T_NK_SHARE_SINGLE,
    T_PROLIF_H,
    T_PROLIF_M,
    T_SURV_CLUSTER,
    T_SURV_SINGLE,
    T_VEGF_HYP,
    T_WAKE,
)
from metastasis.engine.primary import advance_primary, primary_step
from metastasis.engine.recording import emit, flush_interval, trajectory_row
from metastasis.engine.state import C_LOST, L_ALIVE, L_BORN, L_DROPPED, L_SMALL
from metastasis.engine.therapy_step import apply_kill, redraw_small_events

BRAIN, NODES, PLEURA, LUNG = 3, 5, 7, 0
REL = 1e-12


def _emission(cells: float, phi: float, th: np.ndarray) -> float:
    """m·N^α·φ (cells/day), written out."""
    return th[T_EMIT_M] * cells ** th[T_EMIT_ALPHA] * phi


def _within(sample: np.ndarray, mean: float, sd_one: float, what: str) -> None:
    """The sample mean is within 4 standard errors (sd_one/√n) of the closed-form mean."""
    tol = 4.0 * sd_one / math.sqrt(sample.size)
    assert abs(sample.mean() - mean) < tol, f"{what}: {sample.mean()} vs {mean} ± {tol}"


# ------------------------------------------------------------------------------ 1. therapy


def test_kill_on_the_primary_multiplies_every_compartment_by_the_surviving_fraction():
    """apply_kill(KILL_PRIMARY, f): each of E, H, M and the resistant E, H, M becomes f times
    itself (K untouched); with spare=True the resistant three are untouched. One treatment
    event (organ = target, lesion = NO_LESION, value = f) is written per kill."""
    st = make_state()
    mods = mods_of()
    rng = np.random.default_rng(1)
    start = np.array([6e5, 3e5, 1e5, 3e3, 2e3, 1e3, 2e6])
    st.primary[:] = start
    apply_kill(st.pt, st.s, st.out, mods, mods, rng, 40.0, KILL_PRIMARY, 0.3, False, False)
    assert st.primary[:P_CAP] == pytest.approx(start[:P_CAP] * 0.3, rel=1e-15)
    assert st.primary[P_CAP] == start[P_CAP]
    st.primary[:] = start
    apply_kill(st.pt, st.s, st.out, mods, mods, rng, 41.0, KILL_PRIMARY, 0.25, False, True)
    assert list(st.primary[[P_E, P_H, P_M]]) == [6e5 * 0.25, 3e5 * 0.25, 1e5 * 0.25]
    assert list(st.primary[[P_RE, P_RH, P_RM]]) == [3e3, 2e3, 1e3]
    assert events(st) == [(40.0, EV_TREATMENT, KILL_PRIMARY, NO_LESION, 0.3),
                          (41.0, EV_TREATMENT, KILL_PRIMARY, NO_LESION, 0.25)]


def test_kill_on_an_organ_hits_its_lesions_only_large_by_the_mean_small_binomially():
    """apply_kill(target = brain, f = 0.4): a large brain lesion (1e5 cells) keeps exactly
    0.4·1e5 cells and sheds m·(0.4e5)^α·φ_L; a small one (3 cells) keeps a whole number in
    [0, 3]; a lesion in another organ and the primary are untouched; the organ's running
    burden is the sum over its living lesions afterwards."""
    st = make_state()
    th = st.theta
    mods = mods_of()
    big = put_lesion(st, BRAIN, 1e5, 1e6, bucket=0, shed=_emission(1e5, th[T_L_PHI], th))
    small = put_lesion(st, BRAIN, 3.0, 1e6, next_t=10.0)
    other = put_lesion(st, NODES, 2e4, 1e6, bucket=1, shed=7.0)
    p0 = st.primary.copy()
    apply_kill(st.pt, st.s, st.out, mods, mods, np.random.default_rng(2), 5.0, BRAIN, 0.4,
               False, False)
    les = st.les
    assert les.cells[big] == pytest.approx(4e4, rel=1e-15)
    assert les.shed[big] == pytest.approx(_emission(4e4, th[T_L_PHI], th), rel=REL)
    assert les.cells[small] in (0.0, 1.0, 2.0, 3.0)
    assert les.cells[other] == 2e4 and les.shed[other] == 7.0
    assert np.array_equal(st.primary, p0)
    assert les.organ_burden[BRAIN] == pytest.approx(4e4 + les.cells[small], rel=REL)
    assert les.organ_burden[NODES] == 2e4
    assert les.organ_shed[BRAIN] == pytest.approx(les.shed[big], rel=REL)


def test_a_small_lesion_killed_to_zero_cells_is_cleared():
    """apply_kill with surviving fraction 0 on a 3-cell lesion leaves Binomial(3, 0) = 0
    cells: the lesion is gone (not alive, off both lists, one lesion_cleared event on the
    kill day)."""
    st = make_state()
    mods = mods_of()
    i = put_lesion(st, BRAIN, 3.0, 1e6, next_t=10.0)
    apply_kill(st.pt, st.s, st.out, mods, mods, np.random.default_rng(13), 5.0, BRAIN, 0.0,
               False, False)
    les = st.les
    assert les.cells[i] == 0.0
    assert not les.alive[i]
    assert int(les.n[L_ALIVE]) == 0 and int(les.n[L_SMALL]) == 0
    assert (5.0, EV_LESION_CLEARED, BRAIN, i + 1, 0.0) in events(st)


def test_kill_on_a_large_dormant_pool_scales_it_exactly():
    """A pool at or above dormancy_ode_threshold (100 cells) follows the mean: N → f·N. With
    spare=True and R resistant cells it becomes (N − R)·f + R and R stays; without, R
    scales by the pool's own factor."""
    st = make_state()
    assert st.s.d_ode == 100.0
    mods = mods_of()
    rng = np.random.default_rng(3)
    dorm, dres = st.cas.dormant, st.cas.dres
    dorm[BRAIN], dres[BRAIN] = 500.0, 100.0
    dorm[NODES] = 300.0
    apply_kill(st.pt, st.s, st.out, mods, mods, rng, 0.0, BRAIN, 0.4, True, True)
    assert dorm[BRAIN] == pytest.approx(400.0 * 0.4 + 100.0, rel=1e-15)
    assert dres[BRAIN] == 100.0
    assert dorm[NODES] == 300.0  # another organ's pool
    dorm[BRAIN], dres[BRAIN] = 500.0, 100.0
    apply_kill(st.pt, st.s, st.out, mods, mods, rng, 0.0, KILL_EVERYTHING, 0.4, True, False)
    assert dorm[BRAIN] == pytest.approx(200.0, rel=1e-15)
    assert dres[BRAIN] == pytest.approx(40.0, rel=1e-15)
    assert dorm[NODES] == pytest.approx(120.0, rel=1e-15)


def test_kill_on_a_small_dormant_pool_leaves_binomial_survivors():
    """A pool of N = 60 < 100 cells keeps Binomial(60, f = 0.3) cells: mean N·f = 18 and
    variance N·f·(1 − f) = 12.6. 2000 seeded kills; the mean is checked to 4 standard errors
    (±0.32), the variance to ±25 % (4 standard errors of a sample variance are ±11 %)."""
    st = make_state()
    mods = mods_of()
    rng = np.random.default_rng(4)
    dorm = st.cas.dormant
    draws = np.empty(2000)
    for j in range(draws.size):
        dorm[PLEURA] = 60.0
        apply_kill(st.pt, st.s, st.out, mods, mods, rng, 0.0, KILL_ALL_LESIONS, 0.3, True,
                   False)
        draws[j] = dorm[PLEURA]
    assert np.all((draws == np.round(draws)) & (draws >= 0) & (draws <= 60))
    n, f = 60, 0.3
    _within(draws, n * f, math.sqrt(n * f * (1 - f)), "survivors")
    assert draws.var(ddof=1) == pytest.approx(n * f * (1 - f), rel=0.25)


def test_redrawn_small_events_are_exponential_at_the_colony_rate():
    """redraw_small_events on day t: every small lesion's conditioning is dropped (qcond = −1)
    and its next event falls at t + Exp((b + d)·n). With λ_L·ln(K/n) > b the death rate is
    the immune hazard alone, d = 0.24/day, so for n = 2 and b = 0.3 the mean wait is
    1/1.08 days. 2000 colonies; mean within 4 standard errors (±0.083 days)."""
    n_col = 2000
    st = make_state({T_L_LAMBDA: 0.1, T_L_IMMUNE: 0.24}, max_les=n_col)
    assert st.theta[T_L_BIRTH] == 0.3
    for _ in range(n_col):
        i = put_lesion(st, LUNG, 2.0, 1e6, next_t=1.0)
        st.les.qcond[i] = 0.8
    redraw_small_events(st.les, st.s, mods_of(), mods_of(), np.random.default_rng(5), 50.0)
    wait = st.les.next_t[:n_col] - 50.0
    assert np.all(st.les.qcond[:n_col] == -1.0)
    assert np.all(wait > 0.0)
    rate = (0.3 + 0.24) * 2
    _within(wait, 1.0 / rate, 1.0 / rate, "wait")


# ------------------------------------------------------------------------------ 2. primary


def test_primary_step_is_advance_primary_plus_its_burden_and_shedding():
    """primary_step with every modifier at its default leaves the primary exactly where
    advance_primary takes it, adds its N cells to body.burden[site] and its shedding
    m·N^α·φ·stroma, φ = (M + w·H)/N, to body.shed[site] (and nothing elsewhere)."""
    st = make_state()
    th = st.theta
    mods = mods_of()
    start = np.array([6e5, 3e5, 1e5, 0.0, 0.0, 0.0, 2e6])
    st.primary[:] = start
    want = advance_primary(tuple(start), th, mods, mods, st.s.dt)
    primary_step(st.primary, st.body, st.s, mods, mods, 0)
    assert np.array_equal(st.primary, np.array(want[:7]))
    e, h, m = want[0], want[1], want[2]
    n = e + h + m
    assert st.body.burden[st.site] == pytest.approx(n, rel=REL)
    phi = (m + th[T_HYB_W] * h) / n
    assert st.body.shed[st.site] == pytest.approx(
        _emission(n, phi, th) * th[T_EMIT_STROMA], rel=REL)
    others = np.arange(st.n_org) != st.site
    assert not st.body.burden[others].any() and not st.body.shed[others].any()


def test_primary_step_without_emt_is_the_closed_form_gompertz_and_hahnfeldt_step():
    """With every EMT rate and the VEGF gain at 0, one step of dt days is: r = λ·g·ln(K/N),
    E·e^{(r − k)dt}, H·e^{(r·ρ_H − k)dt}, M·e^{(r·ρ_M − k)dt} (g growth, k extra death
    modifiers), K' = (K + b·a·N'·dt)/(1 + d·N'^{2/3}·dt) (a the angiogenesis modifier), and
    the shedding m·N'^α·φ'·stroma·emission (stroma 2, emission modifier 1.5)."""
    st = make_state({T_KEH: 0.0, T_KHM: 0.0, T_KHE: 0.0, T_KMH: 0.0, T_VEGF_HYP: 0.0,
                     T_EMIT_STROMA: 2.0})
    th = st.theta
    mods = mods_of({M_GROWTH: 1.2, M_KILL: 0.002, M_ANGIO: 0.7, M_EMISSION: 1.5})
    e0, h0, m0, k0 = 6e5, 3e5, 1e5, 2e6
    st.primary[:] = [e0, h0, m0, 0.0, 0.0, 0.0, k0]
    primary_step(st.primary, st.body, st.s, mods, mods, 3)
    dt = st.s.dt
    r = th[T_LAMBDA] * 1.2 * math.log(k0 / (e0 + h0 + m0))
    e = e0 * math.exp((r - 0.002) * dt)
    h = h0 * math.exp((r * th[T_PROLIF_H] - 0.002) * dt)
    m = m0 * math.exp((r * th[T_PROLIF_M] - 0.002) * dt)
    n = e + h + m
    k = (k0 + th[T_ANGIO_B] * 0.7 * n * dt) / (1.0 + th[T_ANGIO_D] * n ** (2 / 3) * dt)
    assert st.primary == pytest.approx([e, h, m, 0.0, 0.0, 0.0, k], rel=REL)
    assert st.body.burden[st.site] == pytest.approx(n, rel=REL)
    phi = (m + th[T_HYB_W] * h) / n
    assert st.body.shed[st.site] == pytest.approx(_emission(n, phi, th) * 2.0 * 1.5, rel=REL)


# ------------------------------------------------------------------------------ 3. lesions


def test_lesion_ode_with_one_clone_is_the_closed_form_gompertz_solution():
    """lesion_ode, one clone: N(t) = K·exp(ln(N0/K)·e^{−λt}) with λ = λ0·g; with an extra
    loss δ (kill + immune modifiers) y = ln(N/K) solves y' = −λy − δ, so
    y(t) = (y0 + δ/λ)·e^{−λt} − δ/λ. Both to 1e-12 relative."""
    n0, cap, lam0, t = 2e4, 3e6, 0.004, 28.0
    mods = mods_of({M_GROWTH: 1.3})
    got, res = lesion_ode(n0, 0.0, cap, lam0, mods, mods, False, 0.0, 1.0, t, 4)
    lam = lam0 * 1.3
    assert got == pytest.approx(cap * math.exp(math.log(n0 / cap) * math.exp(-lam * t)),
                                rel=REL)
    assert res == 0.0
    mods = mods_of({M_GROWTH: 1.3, M_KILL: 0.01, M_IMMUNE: 0.005})
    got, _ = lesion_ode(n0, 0.0, cap, lam0, mods, mods, False, 0.0, 1.0, t, 4)
    shift = 0.015 / lam
    y = (math.log(n0 / cap) + shift) * math.exp(-lam * t) - shift
    assert got == pytest.approx(cap * math.exp(y), rel=REL)


def test_large_lesions_step_advances_its_bucket_and_keeps_the_running_sums():
    """Two large lesions of one organ (growth multiplier 1.25), in buckets 0 and 3; on step 0
    only bucket 0 moves, by the Gompertz solution over dt_ode = 28 days, its capacity by
    K' = (K + b_L·N'·dt_ode)/(1 + d_L·N'^{2/3}·dt_ode) (VEGF gain 0). The organ's running
    burden is the sum of both lesions' cells and its shedding the sum of m·N^α·φ_L."""
    st = make_state({T_VEGF_HYP: 0.0}, {(O_GROWTH_MULT, PLEURA): 1.25})
    th = st.theta
    phi = th[T_L_PHI]
    a = put_lesion(st, PLEURA, 1e5, 1e6, bucket=0, shed=_emission(1e5, phi, th))
    b = put_lesion(st, PLEURA, 3e4, 1e6, bucket=3, shed=_emission(3e4, phi, th))
    assert st.s.dt_ode == 28.0
    large_lesions_step(st.les, st.s, st.out, mods_of(), mods_of(), np.random.default_rng(6),
                       0, 0.0)
    les = st.les
    lam = th[T_L_LAMBDA] * 1.25
    n1 = 1e6 * math.exp(math.log(0.1) * math.exp(-lam * 28.0))
    k1 = (1e6 + th[T_L_ANGIO_B] * n1 * 28.0) / (1.0 + th[T_L_ANGIO_D] * n1 ** (2 / 3) * 28.0)
    assert les.cells[a] == pytest.approx(n1, rel=REL)
    assert les.cap[a] == pytest.approx(k1, rel=REL)
    assert les.max_cells[a] == les.cells[a]
    assert les.cells[b] == 3e4 and les.cap[b] == 1e6
    assert les.organ_burden[PLEURA] == pytest.approx(n1 + 3e4, rel=REL)
    assert les.shed[a] == pytest.approx(_emission(n1, phi, th), rel=REL)
    assert les.organ_shed[PLEURA] == pytest.approx(
        _emission(n1, phi, th) + _emission(3e4, phi, th), rel=REL)
    assert int(les.n[L_ALIVE]) == 2 and int(les.bk_n[0]) == 1 and int(les.bk_n[3]) == 1


def test_an_avascular_lesion_keeps_its_capacity_until_its_angiogenic_switch():
    """A large lesion whose switch falls after the step keeps its capacity (the Gompertz
    step alone); one whose switch has passed takes Hahnfeldt's step,
    K' = (K + b_L·N'·dt_ode)/(1 + d_L·N'^{2/3}·dt_ode) (VEGF gain 0)."""
    st = make_state({T_VEGF_HYP: 0.0})
    th = st.theta
    held = put_lesion(st, PLEURA, 1e5, 1e6, bucket=0, switch_t=100.0)
    grown = put_lesion(st, PLEURA, 1e5, 1e6, bucket=0, switch_t=0.0)
    large_lesions_step(st.les, st.s, st.out, mods_of(), mods_of(), np.random.default_rng(6),
                       0, 0.0)
    les = st.les
    n1 = 1e6 * math.exp(math.log(0.1) * math.exp(-th[T_L_LAMBDA] * 28.0))
    k1 = (1e6 + th[T_L_ANGIO_B] * n1 * 28.0) / (1.0 + th[T_L_ANGIO_D] * n1 ** (2 / 3) * 28.0)
    assert les.cells[held] == pytest.approx(n1, rel=REL) and les.cap[held] == 1e6
    assert les.cells[grown] == pytest.approx(n1, rel=REL)
    assert les.cap[grown] == pytest.approx(k1, rel=REL)


def test_an_avascular_lesion_that_does_not_escape_is_eliminated_when_its_phase_ends():
    """Of three large lesions in one bucket, the one whose avascular phase ended (day 10)
    without escape is cleared on this step (a lesion_cleared event, off the bucket, its
    cells and shedding out of the organ's sums); one still avascular (ends day 100) and one
    that escaped stay."""
    st = make_state({T_VEGF_HYP: 0.0})
    th = st.theta
    phi = th[T_L_PHI]
    gone = put_lesion(st, PLEURA, 1e5, 1e6, bucket=0, shed=_emission(1e5, phi, th),
                      switch_t=10.0, escapes=False)
    waits = put_lesion(st, PLEURA, 1e5, 1e6, bucket=0, shed=_emission(1e5, phi, th),
                       switch_t=100.0, escapes=False)
    grows = put_lesion(st, PLEURA, 1e5, 1e6, bucket=0, shed=_emission(1e5, phi, th),
                       switch_t=10.0, escapes=True)
    large_lesions_step(st.les, st.s, st.out, mods_of(), mods_of(), np.random.default_rng(6),
                       0, 28.0)
    les = st.les
    assert not les.alive[gone] and les.cells[gone] == 0.0 and les.end[gone] == 28.0
    assert les.alive[waits] and les.alive[grows] and int(les.bk_n[0]) == 2
    assert int(les.n[L_ALIVE]) == 2
    assert les.organ_burden[PLEURA] == pytest.approx(les.cells[waits] + les.cells[grows], rel=REL)
    assert les.organ_shed[PLEURA] == pytest.approx(les.shed[waits] + les.shed[grows], rel=REL)
    assert (28.0, EV_LESION_CLEARED, PLEURA, gone + 1, 0.0) in events(st)


def test_found_lesion_draws_an_exponential_avascular_time_of_the_given_mean():
    """With lesion_avascular_mean_days = 400 the switch falls born + Exp(mean 400 days):
    over 2,000 colonies the mean delay is within 4 standard errors (400/√2000) of 400 and
    the share still avascular after 400 days within 4 SE of e^{-1}, and with
    lesion_escape_probability 0.3 the share that escapes within 4 SE of 0.3; with 0 days
    every colony is angiogenic from birth (switch day −inf)."""
    n = 2000
    st = make_state({T_L_AVASC: 400.0, T_L_ESCAPE: 0.3}, max_les=n)
    mods = mods_of()
    rng = np.random.default_rng(12)
    for _ in range(n):
        found_lesion(st.pt, st.s, st.out, mods, mods, rng, BRAIN, False, 0.8, 0.0, 7.0)
    delay = st.les.switch_t[:n] - st.les.born[:n]
    assert abs(delay.mean() - 400.0) < 4 * 400.0 / math.sqrt(n)
    q = 0.3  # T_L_ESCAPE
    assert abs(st.les.escapes[:n].mean() - q) < 4 * math.sqrt(q * (1 - q) / n)
    p = math.exp(-1.0)
    assert abs((delay > 400.0).mean() - p) < 4 * math.sqrt(p * (1 - p) / n)
    st0 = make_state({T_L_AVASC: 0.0})
    found_lesion(st0.pt, st0.s, st0.out, mods, mods, rng, BRAIN, False, 0.8, 0.0, 7.0)
    assert st0.les.switch_t[0] == -math.inf


def test_large_lesion_that_shrinks_below_the_threshold_rejoins_the_small_process_or_clears():
    """Under an extra loss δ a large lesion of 1e5 cells ends the 28-day step at
    K·exp(y(28)) (closed form above). With δ chosen so that this is 3.5 cells it returns to
    the small list with ⌊3.5⌋ = 3 cells and no shedding; with δ = 1/day it falls below one
    cell and is cleared at the end of the step (t + dt): alive False, a lesion_cleared event
    with its id, its organ's sums back to zero."""
    lam, t, cap, n0 = 0.004, 28.0, 1e6, 1e5
    decay = math.exp(-lam * t)
    # solve (y0 + δ/λ)·e^{−λt} − δ/λ = ln(3.5/K) for δ
    delta = lam * (math.log(n0 / cap) * decay - math.log(3.5 / cap)) / (1.0 - decay)
    for loss, left in ((delta, 3.0), (1.0, 0.0)):
        st = make_state({T_L_LAMBDA: lam})
        i = put_lesion(st, BRAIN, n0, cap, bucket=0,
                       shed=_emission(n0, st.theta[T_L_PHI], st.theta))
        mods = mods_of({M_KILL: loss})
        large_lesions_step(st.les, st.s, st.out, mods, mods, np.random.default_rng(7), 0, 56.0)
        les = st.les
        assert les.cells[i] == left
        assert int(les.bk_n[0]) == 0
        assert les.organ_shed[BRAIN] == pytest.approx(0.0, abs=1e-9)
        assert les.organ_burden[BRAIN] == pytest.approx(left, abs=1e-9)
        if left:
            assert les.alive[i] and int(les.n[L_SMALL]) == 1 and les.shed[i] == 0.0
            assert les.next_t[i] > 56.0
            assert events(st) == []
        else:
            assert not les.alive[i] and int(les.n[L_ALIVE]) == 0
            assert les.end[i] == 57.0
            assert events(st) == [(57.0, EV_LESION_CLEARED, BRAIN, i + 1, 0.0)]


def test_small_colonies_die_out_with_probability_q_to_the_n_and_establish_by_gamblers_ruin():
    """A colony of n cells with constant per-cell rates b = 0.3, d = 0.24 (immune hazard
    alone, since λ_L·ln(K/n) > b for every n below the threshold), q = d/b = 0.8, run by
    small_lesions_step until none is small: it reaches the threshold T = 5 with probability
    (1 − q^n)/(1 − q^T) and dies out with probability q^n (before the threshold, or after it
    by the drawn (d/b)^T extinction). 2000 colonies each from n = 1 and n = 3; each
    frequency within 4 binomial standard errors (≤ 0.045). The survivors sit in the ODE
    bucket at exactly T cells and shed m·T^α·φ_L; each clearance is one event."""
    n_each = 2000
    st = make_state({T_L_LAMBDA: 0.1, T_L_IMMUNE: 0.24, T_MAX_LESIONS: 2 * n_each},
                    max_les=2 * n_each,
                    n_ev=2 * n_each + 8)
    th = st.theta
    thr = st.s.thr
    assert thr == 5.0 and th[T_L_BIRTH] == 0.3
    for n0 in (1.0, 3.0):
        for _ in range(n_each):
            put_lesion(st, LUNG, n0, th[T_L_K0])
    mods = mods_of()
    rng = np.random.default_rng(8)
    step = 0
    while st.les.n[L_SMALL] > 0 and step < 5000:
        small_lesions_step(st.les, st.s, st.out, mods, mods, rng, step, step * st.s.dt)
        step += 1
    les = st.les
    assert int(les.n[L_SMALL]) == 0
    q = 0.24 / 0.3
    for k, n0 in enumerate((1, 3)):
        sl = slice(k * n_each, (k + 1) * n_each)
        alive, reached = les.alive[sl], les.max_cells[sl] >= thr
        for freq, p in ((1.0 - alive.mean(), q**n0),
                        (reached.mean(), (1 - q**n0) / (1 - q**thr))):
            tol = 4.0 * math.sqrt(p * (1 - p) / n_each)
            assert abs(freq - p) < tol, (n0, freq, p, tol)
        assert np.all(les.cells[sl][alive] == thr)
    alive = les.alive[: 2 * n_each]
    assert int(les.bk_n.sum()) == alive.sum() == int(les.n[L_ALIVE])
    assert les.shed[: 2 * n_each][alive] == pytest.approx(
        np.full(alive.sum(), _emission(thr, th[T_L_PHI], th)), rel=REL)
    assert les.organ_burden[LUNG] == pytest.approx(thr * alive.sum(), rel=REL)
    cleared = [e for e in events(st) if e[1] == EV_LESION_CLEARED]
    assert sorted(e[3] for e in cleared) == [i + 1 for i in np.flatnonzero(~alive)]


def test_establishment_probability_is_the_gamblers_ruin_closed_form():
    """P(one cell reaches T before 0) = (1 − q)/(1 − q^T), and 1/T at q = 1."""
    for q, thr in ((0.8, 5.0), (0.5, 5.0), (0.2, 20.0), (1.5, 8.0), (1.0, 7.0)):
        want = 1.0 / thr if q == 1.0 else (1.0 - q) / (1.0 - q**thr)
        assert establishment_probability(q, thr) == pytest.approx(want, rel=REL)
    assert establishment_probability(0.8, 1.0) == 1.0


def test_add_lesions_to_body_adds_running_sums_and_refresh_recomputes_them():
    """body.burden[o] += lesion burden of o, body.shed[o] += lesion shedding × emission
    modifier; without refresh the running sums are used as they stand, with refresh they
    are first recomputed as sums over the living lesions."""
    st = make_state()
    put_lesion(st, BRAIN, 100.0, 1e6)
    put_lesion(st, BRAIN, 2e5, 1e6, bucket=2, shed=40.0)
    put_lesion(st, NODES, 5e4, 1e6, bucket=4, shed=9.0)
    st.les.organ_burden[BRAIN] = 7.0  # stale on purpose
    mods = mods_of({M_EMISSION: 2.0})
    st.body.burden[BRAIN] = 10.0
    add_lesions_to_body(st.les, st.body, False, mods, False)
    assert st.body.burden[BRAIN] == 17.0
    assert st.body.shed[BRAIN] == 80.0
    add_lesions_to_body(st.les, st.body, False, mods, True)
    assert st.body.burden[BRAIN] == 17.0 + 200100.0
    assert st.body.burden[NODES] == 5e4 * 2
    assert st.body.shed[BRAIN] == 160.0
    assert st.les.organ_burden[BRAIN] == 200100.0


# ------------------------------------------------------------------------------ 4. death


def test_death_step_names_the_organ_or_the_total_burden_and_writes_one_event():
    """−1 below every limit (no event); the first organ whose burden reaches its O_LETHAL
    limit (brain, limit 1e9 here) even when the total is lethal too; −2 when only the
    total reaches lethal_total_cells (5e9 here). Each death writes one event at t_death with
    the total burden as value."""
    st = make_state({T_LETHAL_TOTAL: 5e9}, {(O_LETHAL, BRAIN): 1e9})
    assert np.isinf(st.organ_par[O_LETHAL, [2, 4]]).all()  # bone, adrenal: no organ limit
    burden = st.body.burden
    burden[BRAIN], burden[LUNG] = 1e9 - 1.0, 1e8
    assert death_step(st.body, st.s, st.out, 10.0) == -1
    assert events(st) == []
    burden[BRAIN] = 1e9
    assert death_step(st.body, st.s, st.out, 11.0) == BRAIN
    burden[:] = 0.0
    burden[2], burden[4] = 3e9, 2e9
    assert death_step(st.body, st.s, st.out, 12.0) == DEATH_TOTAL_BURDEN
    burden[BRAIN] = 1e9
    assert death_step(st.body, st.s, st.out, 13.0) == BRAIN
    assert events(st) == [(11.0, EV_DEATH, BRAIN, NO_LESION, 1e9 + 1e8),
                          (12.0, EV_DEATH, DEATH_TOTAL_BURDEN, NO_LESION, 5e9),
                          (13.0, EV_DEATH, BRAIN, NO_LESION, 6e9)]


# ------------------------------------------------------------------------ 5. dissemination


def test_shedding_pooled_over_an_interval_gives_the_funnel_intensity_of_new_dormant_cells():
    """shed_step pools shed[src]·dt per source; funnel_to_organs then sets
    lam_dorm[o] = Σ_src pooled[src]·a[src, o]·((1 − c)·s1·e1(o) + c·s2·e2(o))·entry, with a
    the arrival matrix, c the cluster fraction, s1 = S1·exp(−ν1·(nk − 1)) and likewise s2
    (NK modifier nk = 2), e1 = min(1, base·w_o), e2 = min(1, base·w_o·gain); the pools are
    emptied."""
    st = make_state()
    th, cas = st.theta, st.cas
    mods = mods_of({M_NK: 2.0})
    funnel_matrices(th, st.organ_par, st.arrival, mods, cas.dormant_v, cas.extrav_v,
                    cas.arrest_v)
    shed = np.zeros(st.n_org)
    shed[st.site], shed[BRAIN] = 1234.5, 77.0
    st.body.shed[:] = shed
    for _ in range(7):
        shed_step(st.body, cas, st.s)
    pooled = 7 * shed * st.s.dt
    assert cas.cas_shed == pytest.approx(pooled, rel=REL)
    assert cas.pend_src == pytest.approx(pooled, rel=REL)
    assert cas.acc_seed_src == pytest.approx(pooled, rel=REL)
    funnel_to_organs(st.pt, st.s, mods, 7.0)
    c = th[T_CLUSTER_FRAC]
    s1 = th[T_SURV_SINGLE] * math.exp(-th[T_NK_SHARE_SINGLE])
    s2 = th[T_SURV_CLUSTER] * math.exp(-th[T_NK_SHARE_CLUSTER])
    w = st.organ_par[O_EXTRAV_W]
    e1 = np.minimum(1.0, th[T_EXTRAV_BASE] * w)
    e2 = np.minimum(1.0, th[T_EXTRAV_BASE] * w * th[T_CLUSTER_GAIN])
    per_cell = ((1 - c) * s1 * e1 + c * s2 * e2) * th[T_DORM_ENTRY]
    want = (pooled @ st.arrival) * per_cell
    assert want.sum() > 0.0
    assert cas.lam_dorm == pytest.approx(want, rel=REL, abs=1e-300)
    assert not cas.cas_shed.any()


def test_cascade_is_due_exactly_on_the_days_its_docstring_names():
    """Due at the end of step next_step − 1 iff next_step is a multiple of cas_every (7) or
    of rec_every (30), or ≥ n_steps (366), or a therapy change or kill falls by the end of the
    step (1e-9 day tolerance), or the patient died."""
    inf = math.inf
    due = [n for n in range(1, 400) if cascade_due(n, 7, 30, 366, float(n), inf, inf, False)]
    assert due == [n for n in range(1, 400) if n % 7 == 0 or n % 30 == 0 or n >= 366]
    assert due[:7] == [7, 14, 21, 28, 30, 35, 42]
    assert cascade_due(31, 7, 30, 366, 31.0, 31.0, inf, False)
    assert cascade_due(31, 7, 30, 366, 31.0, 31.0 + 1e-10, inf, False)
    assert not cascade_due(31, 7, 30, 366, 31.0, 31.5, inf, False)
    assert cascade_due(31, 7, 30, 366, 31.0, inf, 30.0, False)
    assert not cascade_due(31, 7, 30, 366, 31.0, inf, 32.0, False)
    assert cascade_due(31, 7, 30, 366, 31.0, inf, inf, True)


# ------------------------------------------------------------------------ 6. dormant cells


def test_small_pool_fates_are_binomial_with_the_competing_hazard_probabilities():
    """funnel_to_organs over Δ = 7 days with δ = T_DORM_CLEAR·clear_mod = 0.02 and
    ω = T_WAKE·O_WAKE_MULT·wake_mod = 0.02·1.5·0.5 = 0.015 sets p_leave = 1 − e^{−(δ+ω)Δ} and
    share_wake = ω/(δ+ω) exactly; dormant_fates then leaves Binomial(80, e^{−(δ+ω)Δ}) cells
    and wakes Binomial(80, p_leave·share_wake). 2000 seeded draws; means within 4 binomial
    standard errors (±0.33 and ±0.23 cells)."""
    st = make_state({T_DORM_CLEAR: 0.01, T_WAKE: 0.02}, {(O_WAKE_MULT, BRAIN): 1.5})
    mods = mods_of({M_CLEAR: 2.0, M_WAKE: 0.5})
    funnel_to_organs(st.pt, st.s, mods, 7.0)
    cas = st.cas
    d, w, dt_c = 0.02, 0.015, 7.0
    p_leave = 1.0 - math.exp(-(d + w) * dt_c)
    assert cas.p_leave[BRAIN] == pytest.approx(p_leave, rel=REL)
    assert cas.share_wake[BRAIN] == pytest.approx(w / (d + w), rel=REL)
    assert not cas.lam_dorm.any()
    rng = np.random.default_rng(9)
    n = 80
    stay = np.empty(2000)
    woke = np.empty(2000)
    dorm, woke_o = cas.dormant, cas.woke_o
    for j in range(stay.size):
        dorm[BRAIN] = n
        dormant_fates(cas, st.s, rng, 0.0)
        stay[j], woke[j] = dorm[BRAIN], woke_o[BRAIN]
    assert np.all(woke <= n - stay)
    p_stay, p_wake = 1.0 - p_leave, p_leave * w / (d + w)
    _within(stay, n * p_stay, math.sqrt(n * p_stay * (1 - p_stay)), "stay")
    _within(woke, n * p_wake, math.sqrt(n * p_wake * (1 - p_wake)), "woke")
    assert not cas.woke_o[np.arange(st.n_org) != BRAIN].any()


def test_large_pool_takes_its_mean_inflow_and_clearance_and_wakes_are_poisson():
    """A pool of 5000 ≥ 100 cells with an inflow intensity of 30: dormant_inflow adds the 30
    by the mean and keeps (5030)·e^{−(δ+ω)Δ} exactly; it returns the expected wakes
    5030·p_leave·ω/(δ+ω). dormant_fates then wakes Poisson(that) cells: 2000 seeded draws,
    mean within 4 Poisson standard errors (±2.0 cells), pool untouched."""
    st = make_state({T_DORM_CLEAR: 0.01, T_WAKE: 0.02}, {(O_WAKE_MULT, BRAIN): 1.5})
    mods = mods_of({M_CLEAR: 2.0, M_WAKE: 0.5})
    funnel_to_organs(st.pt, st.s, mods, 7.0)
    cas = st.cas
    d, w = 0.02, 0.015
    p_leave = 1.0 - math.exp(-(d + w) * 7.0)
    cas.dormant[BRAIN] = 5000.0
    cas.lam_dorm[BRAIN] = 30.0
    rng = np.random.default_rng(10)
    wake_lam = dormant_inflow(cas, st.s, rng)
    assert cas.dormant[BRAIN] == pytest.approx(5030.0 * (1.0 - p_leave), rel=REL)
    assert cas.cnt_dormant_in[BRAIN] == 30.0
    mean_wakes = 5030.0 * p_leave * w / (d + w)
    assert wake_lam == pytest.approx(mean_wakes, rel=REL)
    pool = cas.dormant[BRAIN]
    woke = np.empty(2000)
    woke_o = cas.woke_o
    for j in range(woke.size):
        dormant_fates(cas, st.s, rng, wake_lam)
        woke[j] = woke_o[BRAIN]
    assert cas.dormant[BRAIN] == pool
    _within(woke, mean_wakes, math.sqrt(mean_wakes), "wakes")


def test_found_lesion_fills_the_next_slot_and_counts_a_dropped_colony_when_full():
    """found_lesion in organ o over [t0, t0 + Δ): slot n gets organ o, a birth time in the
    interval, 1 cell, capacity T_L_K0, the conditioning q1, a pending event after its birth,
    and one lesion_born event (lesion id n + 1, value 1); with every slot used (2 here) it
    only counts the colony in L_DROPPED."""
    st = make_state(max_les=2)
    mods = mods_of()
    rng = np.random.default_rng(11)
    for o in (BRAIN, BRAIN, NODES):
        found_lesion(st.pt, st.s, st.out, mods, mods, rng, o, False, 0.8, 70.0, 7.0)
    les = st.les
    assert [int(x) for x in les.n[[L_BORN, L_ALIVE, L_SMALL, L_DROPPED]]] == [2, 2, 2, 1]
    born = les.born[:2].copy()
    assert np.all((born >= 70.0) & (born < 77.0))
    assert list(les.organ[:2]) == [BRAIN, BRAIN]
    assert list(les.cells[:2]) == [1.0, 1.0] and list(les.res[:2]) == [0.0, 0.0]
    assert list(les.cap[:2]) == [st.theta[T_L_K0]] * 2 and list(les.qcond[:2]) == [0.8, 0.8]
    assert np.all(les.next_t[:2] > born) and les.alive[:2].all()
    assert les.organ_burden[BRAIN] == 2.0 and les.organ_burden[NODES] == 0.0
    assert les.first_t[0] == born.min()
    assert events(st) == [(born[0], EV_LESION_BORN, BRAIN, 1, 1.0),
                          (born[1], EV_LESION_BORN, BRAIN, 2, 1.0)]


# ------------------------------------------------------------------------------ 0. recording


def test_emit_stops_writing_when_the_buffer_is_full_and_the_first_overflow_wins():
    """With room for 3 events, 5 emits write the first 3 rows exactly, leave ctr[C_EVENTS]
    = 3 and set ctr[C_STATUS] = STATUS_EVENTS_FULL; a later trajectory overflow does not
    replace that status."""
    st = make_state(n_ev=3, n_traj=1)
    for j in range(5):
        emit(st.out, float(j), EV_WOKE, j, NO_LESION, 10.0 + j)
    assert events(st) == [(float(j), EV_WOKE, j, NO_LESION, 10.0 + j) for j in range(3)]
    ctr = st.out_nt.ctr
    assert ctr[C_EVENTS] == 3 and ctr[C_STATUS] == STATUS_EVENTS_FULL
    trajectory_row(st.pt, st.s, st.out, 0.0)
    trajectory_row(st.pt, st.s, st.out, 30.0)
    assert ctr[C_TRAJ] == 1 and ctr[C_STATUS] == STATUS_EVENTS_FULL


def test_flush_interval_keeps_the_funnel_order_and_has_the_closed_form_means():
    """flush_interval over cells shed by two sources: per organ arrested ≥ extravasated ≥
    dormant (= round(counted dormant arrivals)), in total seeded ≥ arrested; woken cells are
    written as counted; every accumulator is emptied. Means over 300 seeds (4 Poisson
    standard errors): Σ seeded = D + Σ_src P[src]·(1 − Σ_o dormant_v[src, o]) and
    Σ arrested = D + Σ_src P[src]·Σ_o (arrest_v − dormant_v)[src, o], D the dormant count."""
    st = make_state(n_ev=256)
    th, cas = st.theta, st.cas
    mods = mods_of()
    funnel_matrices(th, st.organ_par, st.arrival, mods, cas.dormant_v, cas.extrav_v,
                    cas.arrest_v)
    pend = np.zeros(st.n_org)
    pend[st.site], pend[BRAIN] = 5000.0, 800.0
    dorm_in = np.zeros(st.n_org)
    dorm_in[LUNG], dorm_in[NODES] = 2.4, 3.0
    d_count = 5.0
    rng = np.random.default_rng(12)
    seeded, arrested = np.empty(300), np.empty(300)
    for j in range(seeded.size):
        cas.pend_src[:] = pend
        cas.acc_seed_src[:] = pend
        cas.cnt_dormant_in[:] = dorm_in
        cas.cnt_woke[NODES] = 3
        st.out_nt.ctr[C_EVENTS] = 0
        flush_interval(cas, st.out, rng, 30.0)
        rows = events(st)
        assert all(r[0] == 30.0 and r[3] == NO_LESION for r in rows)
        per = {k: np.zeros(st.n_org) for k in (EV_SEEDED, EV_ARRESTED, EV_EXTRAVASATED,
                                                EV_DORMANT, EV_WOKE)}
        for _, k, o, _, v in rows:
            per[k][o] += v
        assert np.all(per[EV_ARRESTED] >= per[EV_EXTRAVASATED])
        assert np.all(per[EV_EXTRAVASATED] >= per[EV_DORMANT])
        assert list(per[EV_DORMANT][[LUNG, NODES]]) == [2.0, 3.0]
        assert per[EV_WOKE][NODES] == 3.0 and per[EV_WOKE].sum() == 3.0
        assert set(np.flatnonzero(per[EV_SEEDED])) <= {st.site, BRAIN}
        assert per[EV_SEEDED].sum() >= per[EV_ARRESTED].sum()
        seeded[j], arrested[j] = per[EV_SEEDED].sum(), per[EV_ARRESTED].sum()
        for acc in (cas.pend_src, cas.acc_seed_src, cas.acc_arrest_fail, cas.acc_extrav_fail,
                    cas.cnt_dormant_in, cas.cnt_woke):
            assert not acc.any()
        assert cas.scalars[C_LOST] == 0.0
    dv, av = cas.dormant_v, cas.arrest_v
    mean_seeded = d_count + pend @ (1.0 - dv.sum(axis=1))
    mean_arrested = d_count + pend @ (av - dv).sum(axis=1)
    _within(seeded, mean_seeded, math.sqrt(mean_seeded - d_count), "seeded")
    _within(arrested, mean_arrested, math.sqrt(mean_arrested - d_count), "arrested")


def test_trajectory_row_writes_the_primary_and_per_organ_lesion_and_dormant_cells():
    """Row: t, E + RE, H + RH, M + RM, K, then per organ the lesion burden (body burden less
    the primary's cells at its site), then per organ the dormant cells."""
    st = make_state()
    st.primary[:] = [1e5, 2e4, 3e3, 40.0, 50.0, 60.0, 7e5]
    n_p = 1e5 + 2e4 + 3e3 + 150.0
    st.body.burden[st.site] = n_p + 1234.0
    st.body.burden[BRAIN] = 999.0
    st.cas.dormant[NODES] = 42.0
    trajectory_row(st.pt, st.s, st.out, 30.0)
    assert st.out_nt.ctr[C_TRAJ] == 1
    row = st.out_nt.traj[0]
    n = st.n_org
    assert list(row[:1 + N_TRAJ_FIXED]) == [30.0, 1e5 + 40.0, 2e4 + 50.0, 3e3 + 60.0, 7e5]
    lesions = np.zeros(n)
    lesions[st.site], lesions[BRAIN] = 1234.0, 999.0
    dormant = np.zeros(n)
    dormant[NODES] = 42.0
    assert row[1 + N_TRAJ_FIXED:1 + N_TRAJ_FIXED + n] == pytest.approx(lesions, abs=1e-9)
    assert np.array_equal(row[1 + N_TRAJ_FIXED + n:], dormant)


# ---------------------------------------------------------------- the containers themselves


def test_container_types_are_importable_by_name_so_that_the_cache_keeps_them():
    """Each container's Numba type class is found by pickle under its module and name."""
    st = make_state()
    for obj in (st.s, st.out, st.pt, st.les, st.body, st.cas):
        cls = type(numba.typeof(obj))
        module = importlib.import_module(cls.__module__)
        assert getattr(module, cls.__qualname__, None) is cls, cls
