"""Step 5 of a patient's day, at the end of a cascade interval: dormant pools and founding.

Small pools get exact Poisson inflow and binomial fates (cleared, woken, stay) with the
competing-hazard probabilities over the interval; large pools follow their mean for inflow
and clearance while their wakes stay exact Poisson draws. A woken cell's colony reaches the
stochastic threshold with the gambler's-ruin probability of its one-cell rates; only those
colonies become lesions, born at a uniform time within the interval and conditioned on
getting there (h-transform); the others stay counted in `woke` only.
"""

from __future__ import annotations

import math

from numba import njit

from metastasis.biology.colonisation import establishment_probability
from metastasis.engine.colonies import next_small_event, small_lesion_params, small_rates
from metastasis.engine.events import EV_LESION_BORN
from metastasis.engine.funnel import split_count
from metastasis.engine.lesion_lists import list_add
from metastasis.engine.params import T_L_AVASC, T_L_ESCAPE, T_L_K0
from metastasis.engine.recording import emit
from metastasis.engine.state import L_ALIVE, L_BORN, L_DROPPED, L_SMALL


@njit(cache=True)
def dormant_inflow(cas, s, rng):
    """New dormant cells join their pools (mean inflow for large pools, one Poisson draw
    split over the small ones); large pools also take their mean clearance and set their
    expected wakes (`cas.wake_lam_o`). Returns the total expected wakes of large pools."""
    n_org = cas.dormant.shape[0]
    small_lam = 0.0
    wake_lam = 0.0
    for o in range(n_org):
        if cas.dormant[o] >= s.d_ode:
            if s.res_on:
                cas.in_now[o] = cas.lam_dorm[o]
            cas.dormant[o] += cas.lam_dorm[o]
            cas.cnt_dormant_in[o] += cas.lam_dorm[o]
            cas.lam_dorm[o] = 0.0
            cas.wake_lam_o[o] = cas.dormant[o] * cas.p_wake_step[o]
            wake_lam += cas.wake_lam_o[o]
            cas.dormant[o] *= cas.stay_factor[o]
        else:
            small_lam += cas.lam_dorm[o]
            cas.wake_lam_o[o] = 0.0
    if small_lam > 0.0:
        split_count(rng, rng.poisson(small_lam), cas.lam_dorm, cas.split_n)
        for o in range(n_org):
            if cas.split_n[o] > 0:
                cas.dormant[o] += cas.split_n[o]
                cas.cnt_dormant_in[o] += cas.split_n[o]
                if s.res_on:
                    cas.in_now[o] = cas.split_n[o]
    if s.res_on:
        # resistant share of each pool after the arrivals (fates do not select)
        for o in range(n_org):
            tot = cas.d_old[o] + cas.in_now[o]
            cas.fmix[o] = (cas.dres[o] + cas.fmix[o] * cas.in_now[o]) / tot if tot > 0.0 else 0.0
            if cas.fmix[o] > 1.0:
                cas.fmix[o] = 1.0
    return wake_lam


@njit(cache=True)
def dormant_fates(cas, s, rng, wake_lam):
    """Binomial fates of small pools and the pooled Poisson wakes of large ones; the woken
    cells per organ are left in `cas.woke_o`."""
    n_org = cas.dormant.shape[0]
    for o in range(n_org):
        cas.woke_o[o] = 0
        if cas.dormant[o] <= 0.0 or cas.wake_lam_o[o] > 0.0 or cas.dormant[o] >= s.d_ode:
            continue
        leave = rng.binomial(int(cas.dormant[o]), cas.p_leave[o])
        if leave > 0:
            cas.woke_o[o] = rng.binomial(leave, cas.share_wake[o])
            cas.dormant[o] -= leave
    if wake_lam > 0.0:
        split_count(rng, rng.poisson(wake_lam), cas.wake_lam_o, cas.split_n)
        for o in range(n_org):
            cas.woke_o[o] += cas.split_n[o]
    if s.res_on:
        for o in range(n_org):
            cas.dres[o] = cas.fmix[o] * cas.dormant[o]


@njit(cache=True)
def found_colonies(pt, s, out, mods, mods_r, rng, t_start, dt_c):
    """Woken cells of the interval [t_start, t_start + dt_c) found the colonies that will
    reach the threshold: per organ and clone, one binomial draw of establishment."""
    cas = pt.cas
    th = s.theta
    for o in range(cas.dormant.shape[0]):
        woke = cas.woke_o[o]
        if woke <= 0:
            continue
        cas.cnt_woke[o] += woke
        n_res_woke = 0
        if s.res_on and cas.fmix[o] > 0.0:
            n_res_woke = rng.binomial(woke, cas.fmix[o])
        lam1, lam1_r, loss1, loss1_r = small_lesion_params(th, s.organ_par, o, mods, mods_r,
                                                           s.fit_r)
        d_s1 = small_rates(1, 0, th[T_L_K0], lam1, lam1_r, s.birth, loss1, loss1_r)[0]
        d_r1 = small_rates(0, 1, th[T_L_K0], lam1, lam1_r, s.birth, loss1, loss1_r)[1]
        q_s1 = d_s1 / s.birth
        q_r1 = d_r1 / s.birth
        n_res_est = rng.binomial(n_res_woke, establishment_probability(q_r1, s.thr)) \
            if n_res_woke > 0 else 0
        n_sens_est = rng.binomial(woke - n_res_woke, establishment_probability(q_s1, s.thr))
        for j_w in range(n_res_est + n_sens_est):
            is_res = j_w < n_res_est
            found_lesion(pt, s, out, mods, mods_r, rng, o, is_res,
                         q_r1 if is_res else q_s1, t_start, dt_c)


@njit(cache=True)
def found_lesion(pt, s, out, mods, mods_r, rng, o, is_res, q1, t_start, dt_c):
    """One colony of organ o that will reach the threshold, born at a uniform time in the
    interval and conditioned on the death/birth ratio q1 of its founding cell; with an
    avascular phase (T_L_AVASC > 0 days, mean) it draws when that ends and whether it then
    escapes (probability T_L_ESCAPE) or is eliminated."""
    les = pt.les
    n = les.n[L_BORN]
    if n >= s.max_les:
        les.n[L_DROPPED] += 1
        return
    t_born = t_start + rng.random() * dt_c
    les.organ[n] = o
    les.born[n] = t_born
    les.end[n] = math.inf
    les.max_cells[n] = 1.0
    les.cells[n] = 1.0
    les.res[n] = 1.0 if is_res else 0.0
    les.cap[n] = s.theta[T_L_K0]
    les.alive[n] = True
    les.shed[n] = 0.0
    les.qcond[n] = q1
    les.next_t[n] = next_small_event(rng, t_born, s.theta, s.organ_par, o, mods, mods_r,
                                     s.fit_r, 1.0, les.res[n], les.cap[n], q1)
    avascular = s.theta[T_L_AVASC]
    if avascular > 0.0:
        les.switch_t[n] = t_born + rng.exponential(avascular)
        les.escapes[n] = rng.random() < s.theta[T_L_ESCAPE]
    else:
        les.switch_t[n] = -math.inf
        les.escapes[n] = True
    les.n[L_ALIVE] = list_add(les.alive_idx, les.alive_pos, les.n[L_ALIVE], n)
    les.n[L_SMALL] = list_add(les.sm_idx, les.sm_pos, les.n[L_SMALL], n)
    les.organ_burden[o] += 1.0
    les.n[L_BORN] = n + 1
    if t_born < les.first_t[0]:
        les.first_t[0] = t_born
    emit(out, t_born, EV_LESION_BORN, o, n + 1, 1.0)
