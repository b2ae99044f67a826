"""Small colonies, event by event: birth–death rates, conditioning and extinction paths."""

from __future__ import annotations

import math

from numba import njit

from metastasis.biology.colonisation import conditioned_rates, small_lesion_death_per_day
from metastasis.engine.params import (
    M_GROWTH,
    M_IMMUNE,
    M_KILL,
    O_GROWTH_MULT,
    T_L_BIRTH,
    T_L_IMMUNE,
    T_L_LAMBDA,
)


@njit(cache=True)
def small_rates(ns, nr, cap, lam, lam_r, birth, loss, loss_r):
    """Per-cell death rates of the sensitive and resistant cells of a small lesion, and the
    lesion's total event rate (1/day); the mean follows the lesion's Gompertz law."""
    n = ns + nr
    log_k_over_n = math.log(cap / n) if n > 0 else 0.0
    d_s = small_lesion_death_per_day(birth, lam * log_k_over_n, loss)
    d_r = small_lesion_death_per_day(birth, lam_r * log_k_over_n, loss_r)
    return d_s, d_r, (birth + d_s) * ns + (birth + d_r) * nr


@njit(cache=True)
def small_propensities(ns, nr, cap, lam, lam_r, birth, loss, loss_r, q_cond):
    """Colony rates (1/day) of sensitive birth, sensitive death, resistant birth, resistant
    death. With q_cond ≥ 0 the single-clone colony is conditioned to reach the threshold
    (h-transform with death/birth ratio q_cond); a negative q_cond means the free process."""
    d_s, d_r, _ = small_rates(ns, nr, cap, lam, lam_r, birth, loss, loss_r)
    if q_cond < 0.0:
        return birth * ns, d_s * ns, birth * nr, d_r * nr
    if nr == 0:
        up, down = conditioned_rates(float(ns), birth, d_s, q_cond)
        return up, down, 0.0, 0.0
    up, down = conditioned_rates(float(nr), birth, d_r, q_cond)
    return 0.0, 0.0, up, down


@njit(cache=True)
def run_small(rng, ns, nr, t_ev, t_stop, cap, rates, birth, thr, q_cond):
    """Births and deaths of a small lesion, event by event, from the event due at t_ev until
    the next event falls after t_stop or the colony dies out or reaches `thr` cells.
    `rates` = (λ, λ_r, loss, loss_r) of `small_lesion_params`.

    Returns (ns, nr, time of the next pending event, or of the last event when it stopped).
    """
    lam, lam_r, loss, loss_r = rates
    a1, a2, a3, a4 = small_propensities(ns, nr, cap, lam, lam_r, birth, loss, loss_r, q_cond)
    while True:
        u = rng.random() * (a1 + a2 + a3 + a4)
        if u < a1:
            ns += 1
        elif u < a1 + a2:
            ns -= 1
        elif u < a1 + a2 + a3:
            nr += 1
        else:
            nr -= 1
        if ns + nr <= 0 or ns + nr >= thr:
            return ns, nr, t_ev
        a1, a2, a3, a4 = small_propensities(ns, nr, cap, lam, lam_r, birth, loss, loss_r,
                                             q_cond)
        t_ev += rng.exponential(1.0 / (a1 + a2 + a3 + a4))
        if t_ev > t_stop:
            return ns, nr, t_ev


@njit(cache=True)
def small_lesion_params(theta, organ_par, o, mods, mods_r, fit_r):
    """Growth λ of both clones and their extra losses (1/day) for a lesion in organ o."""
    lam0 = theta[T_L_LAMBDA] * organ_par[O_GROWTH_MULT, o]
    lam = lam0 * mods[M_GROWTH]
    lam_r = lam0 * mods_r[M_GROWTH] * fit_r
    loss = theta[T_L_IMMUNE] + mods[M_KILL] + mods[M_IMMUNE]
    loss_r = theta[T_L_IMMUNE] + mods_r[M_KILL] + mods_r[M_IMMUNE]
    return lam, lam_r, loss, loss_r


@njit(cache=True)
def extinction_path(rng, t0, ns, nr, birth, d_s, d_r):
    """Extinction time and largest size of a colony known to die out (days, cells).

    A linear birth-death process conditioned on extinction has birth rate min(b, d) and death
    rate max(b, d) (the rates swap when it is supercritical; nothing changes when it is not);
    it is simulated event by event from (ns, nr) to zero.
    """
    b_s, x_s = min(birth, d_s), max(birth, d_s)
    b_r, x_r = min(birth, d_r), max(birth, d_r)
    t = t0
    peak = ns + nr
    while ns + nr > 0:
        total = (b_s + x_s) * ns + (b_r + x_r) * nr
        t += rng.exponential(1.0 / total)
        u = rng.random() * total
        if u < b_s * ns:
            ns += 1
        elif u < (b_s + x_s) * ns:
            ns -= 1
        elif u < (b_s + x_s) * ns + b_r * nr:
            nr += 1
        else:
            nr -= 1
        if ns + nr > peak:
            peak = ns + nr
    return t, peak


@njit(cache=True)
def next_small_event(rng, t0, theta, organ_par, o, mods, mods_r, fit_r, cells, res, cap,
                      q_cond):
    """Time of the next birth or death of a small lesion from t0 (memoryless: exact redraw)."""
    lam, lam_r, loss, loss_r = small_lesion_params(theta, organ_par, o, mods, mods_r, fit_r)
    nr = int(res)
    ns = int(cells) - nr
    a1, a2, a3, a4 = small_propensities(ns, nr, cap, lam, lam_r, theta[T_L_BIRTH], loss,
                                         loss_r, q_cond)
    total = a1 + a2 + a3 + a4
    if total <= 0.0:
        return math.inf
    return t0 + rng.exponential(1.0 / total)
