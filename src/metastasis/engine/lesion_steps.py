"""Step 3 of a patient's day: large lesions by their ODE, small ones event by event."""

from __future__ import annotations

import math

from numba import njit

from metastasis.biology.growth import capacity_step, gompertz_rate_per_day, gompertz_step
from metastasis.biology.intravasation import emission_per_day
from metastasis.biology.microenvironment import hypoxic_fraction
from metastasis.engine.colonies import (
    extinction_path,
    next_small_event,
    run_small,
    small_lesion_params,
    small_rates,
)
from metastasis.engine.events import EV_LESION_CLEARED
from metastasis.engine.lesion_lists import list_add, list_remove, organ_sums
from metastasis.engine.params import (
    M_ANGIO,
    M_EMISSION,
    M_GROWTH,
    M_IMMUNE,
    M_KILL,
    O_GROWTH_MULT,
    T_EMIT_ALPHA,
    T_EMIT_M,
    T_L_ANGIO_B,
    T_L_ANGIO_D,
    T_L_LAMBDA,
    T_L_PHI,
    T_VEGF_HYP,
)
from metastasis.engine.recording import emit
from metastasis.engine.state import L_ALIVE, L_SMALL


@njit(cache=True)
def clear_lesion(les, out, i, old_n, t_clear):
    """Lesion i (old_n cells) is gone on day t_clear; the caller has taken it off its
    small-lesion or bucket list."""
    les.organ_burden[les.organ[i]] -= old_n
    les.alive[i] = False
    les.cells[i] = 0.0
    les.res[i] = 0.0
    les.end[i] = t_clear
    les.n[L_ALIVE] = list_remove(les.alive_idx, les.alive_pos, les.n[L_ALIVE], i)
    emit(out, t_clear, EV_LESION_CLEARED, les.organ[i], i + 1, 0.0)


@njit(cache=True)
def start_shedding(les, s, i, nl):
    """Lesion i is large (nl cells): set its emission and add it to its organ's sums."""
    th = s.theta
    o = les.organ[i]
    les.shed[i] = emission_per_day(nl, th[T_L_PHI], th[T_EMIT_M], th[T_EMIT_ALPHA])
    les.organ_shed[o] += les.shed[i]
    les.organ_shed_res[o] += les.shed[i] * les.res[i] / nl


@njit(cache=True)
def large_lesions_step(les, s, out, mods, mods_r, rng, step, t):
    """Advance the large lesions of this step's bucket by an exact Gompertz step of s.dt_ode
    days (sub-stepped with two clones), and the capacity of those past their angiogenic
    switch by Hahnfeldt's law; a lesion that falls below the threshold returns to the exact
    small-lesion process, or is cleared. A lesion whose avascular phase has ended without
    escape is eliminated (on its first large step from that day)."""
    bi = step % s.ode_every
    k = 0
    while k < les.bk_n[bi]:
        i = les.bk[bi, k]
        o = les.organ[i]
        old_n = les.cells[i]
        old_shed = les.shed[i]
        old_sres = old_shed * les.res[i] / old_n if old_n > 0.0 else 0.0
        if t >= les.switch_t[i] and not les.escapes[i]:
            _eliminate(les, s, out, bi, i, old_n, old_shed, old_sres, t)
            continue
        nl = old_n
        if nl >= s.thr:
            lam = s.theta[T_L_LAMBDA] * s.organ_par[O_GROWTH_MULT, o]
            nl, les.res[i] = lesion_ode(nl, les.res[i], les.cap[i], lam, mods, mods_r, s.res_on,
                                        s.mu_div, s.fit_r, s.dt_ode, s.n_res_sub)
            if t >= les.switch_t[i]:
                les.cap[i] = lesion_capacity(les.cap[i], nl, s.theta, mods, s.dt_ode)
        les.organ_shed[o] -= old_shed
        les.organ_shed_res[o] -= old_sres
        if nl < s.thr:
            les.bk_n[bi] = list_remove(les.bk[bi], les.bk_pos, les.bk_n[bi], i)
            _to_small(les, s, out, mods, mods_r, rng, i, nl, old_n, t)
            continue
        les.cells[i] = nl
        if nl > les.max_cells[i]:
            les.max_cells[i] = nl
        les.organ_burden[o] += nl - old_n
        start_shedding(les, s, i, nl)
        k += 1


@njit(cache=True)
def _eliminate(les, s, out, bi, i, old_n, old_shed, old_sres, t):
    """Large lesion i of bucket bi ends its avascular phase in elimination on day t."""
    o = les.organ[i]
    les.organ_shed[o] -= old_shed
    les.organ_shed_res[o] -= old_sres
    les.shed[i] = 0.0
    les.bk_n[bi] = list_remove(les.bk[bi], les.bk_pos, les.bk_n[bi], i)
    clear_lesion(les, out, i, old_n, t)


@njit(cache=True)
def lesion_ode(nl, nr, cap, lam0, mods, mods_r, res_on, mu_div, fit_r, dt_ode, n_sub):
    """(cells, resistant cells) of a large lesion after dt_ode days of Gompertz growth at
    rate lam0 (1/day, before modifiers) under capacity cap; two clones share the capacity
    and take n_sub sub-steps with frozen rates, and mutants arise at mu_div per day."""
    lam = lam0 * mods[M_GROWTH]
    loss = mods[M_KILL] + mods[M_IMMUNE]
    if not (res_on and nr > 0.0 or res_on and mu_div > 0.0):
        return gompertz_step(nl, cap, lam, loss, dt_ode), nr
    lam_r = lam0 * mods_r[M_GROWTH] * fit_r
    loss_r = mods_r[M_KILL] + mods_r[M_IMMUNE]
    h_sub = dt_ode / n_sub
    ns = nl - nr
    for _ in range(n_sub):
        r = gompertz_rate_per_day(ns + nr, cap, lam)
        r_r = gompertz_rate_per_day(ns + nr, cap, lam_r)
        nr = nr * math.exp((r_r - loss_r) * h_sub) + mu_div * h_sub * ns
        ns = ns * math.exp((r - loss) * h_sub)
    return ns + nr, nr


@njit(cache=True)
def lesion_capacity(cap, nl, th, mods, dt_ode):
    """A lesion's vascular capacity (cells) after dt_ode days by Hahnfeldt's law, its
    stimulation raised by hypoxia."""
    hyp_l = hypoxic_fraction(nl, cap)
    b_l = th[T_L_ANGIO_B] * mods[M_ANGIO] * (1.0 + th[T_VEGF_HYP] * hyp_l)
    return capacity_step(cap, nl, b_l, th[T_L_ANGIO_D], dt_ode)


@njit(cache=True)
def _to_small(les, s, out, mods, mods_r, rng, i, nl, old_n, t):
    """A large lesion shrank to nl < threshold cells: round to whole cells per clone and
    rejoin the exact process, or clear it at the end of the step."""
    nr = float(int(les.res[i]))
    nl = float(int(nl - les.res[i])) + nr
    les.res[i] = nr
    les.shed[i] = 0.0
    if nl < 1.0:
        clear_lesion(les, out, i, old_n, t + s.dt)
        return
    les.n[L_SMALL] = list_add(les.sm_idx, les.sm_pos, les.n[L_SMALL], i)
    les.organ_burden[les.organ[i]] += nl - old_n
    les.cells[i] = nl
    les.qcond[i] = -1.0
    les.next_t[i] = next_small_event(rng, t, s.theta, s.organ_par, les.organ[i], mods, mods_r,
                                     s.fit_r, nl, les.res[i], les.cap[i], -1.0)


@njit(cache=True)
def small_lesions_step(les, s, out, mods, mods_r, rng, step, t):
    """Births and deaths of small lesions (Gillespie) up to the end of the step. A colony
    that reaches the threshold draws its eventual extinction, (d/b)^n per clone for a linear
    birth–death process; a doomed one follows its path to zero, a surviving one turns large
    and joins this step's ODE bucket."""
    t_next = t + s.dt
    bi = step % s.ode_every
    k = 0
    while k < les.n[L_SMALL]:
        i = les.sm_idx[k]
        if les.next_t[i] > t_next:
            k += 1
            continue
        o = les.organ[i]
        old_n = les.cells[i]
        nl, t_ev = _run_colony(les, s, mods, mods_r, rng, i, t_next)
        les.next_t[i] = t_ev
        if nl < 1.0:
            les.n[L_SMALL] = list_remove(les.sm_idx, les.sm_pos, les.n[L_SMALL], i)
            clear_lesion(les, out, i, old_n, t_ev)
            continue
        les.cells[i] = nl
        if nl > les.max_cells[i]:
            les.max_cells[i] = nl
        les.organ_burden[o] += nl - old_n
        if nl >= s.thr:
            # large now: emission starts, and its ODE first advances ode_every steps from now
            start_shedding(les, s, i, nl)
            les.n[L_SMALL] = list_remove(les.sm_idx, les.sm_pos, les.n[L_SMALL], i)
            les.bk_n[bi] = list_add(les.bk[bi], les.bk_pos, les.bk_n[bi], i)
            continue
        k += 1


@njit(cache=True)
def _run_colony(les, s, mods, mods_r, rng, i, t_next):
    """Events of small lesion i up to t_next; returns (cells, time of its pending or last
    event). Sets its resistant cells and, on an extinction path, its peak size."""
    nr = int(les.res[i])
    ns = int(les.cells[i]) - nr
    lam, lam_r, loss, loss_r = small_lesion_params(s.theta, s.organ_par, les.organ[i], mods,
                                                   mods_r, s.fit_r)
    ns, nr, t_ev = run_small(rng, ns, nr, les.next_t[i], t_next, les.cap[i],
                             (lam, lam_r, loss, loss_r), s.birth, s.thr, les.qcond[i])
    if ns + nr >= s.thr:
        d_s, d_r, _ = small_rates(ns, nr, les.cap[i], lam, lam_r, s.birth, loss, loss_r)
        q = min(d_s / s.birth, 1.0) ** ns * min(d_r / s.birth, 1.0) ** nr
        if rng.random() < q:
            t_ev, peak = extinction_path(rng, t_ev, ns, nr, s.birth, d_s, d_r)
            if peak > les.max_cells[i]:
                les.max_cells[i] = peak
            ns = 0
            nr = 0
    les.res[i] = float(nr)
    return float(ns + nr), t_ev


@njit(cache=True)
def add_lesions_to_body(les, body, res_on, mods, refresh):
    """Add the lesions' per-organ burden and shedding to this step's totals; with `refresh`
    the running sums are first recomputed from scratch, so rounding never accumulates."""
    if refresh:
        organ_sums(les.alive_idx, les.n[L_ALIVE], les.organ, les.cells, les.shed, les.res,
                   les.organ_burden, les.organ_shed, les.organ_shed_res)
    for o in range(body.burden.shape[0]):
        body.burden[o] += les.organ_burden[o]
        body.shed[o] += les.organ_shed[o] * mods[M_EMISSION]
        if res_on:
            body.shed_res[o] += les.organ_shed_res[o] * mods[M_EMISSION]
