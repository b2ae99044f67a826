"""Step 4 of a patient's day: shedding pooled over the cascade interval, then thinned.

Every source (the primary and lesions above the threshold) sheds m·N^α·φ cells a day. Shed
cells are pooled per source over `cascade_step_days` (and up to any record time, therapy
change or kill); at the interval's end shed × survival × arrest × extravasation × dormancy
entry gives one Poisson intensity of new dormant cells per organ (Poisson superposition).
Cells that get less far do not change the state: they are drawn once per record interval
(`recording.flush_interval`) from their accumulated intensities, which by the splitting
property of Poisson processes has the same law as drawing them every step.
"""

from __future__ import annotations

from numba import njit

from metastasis.biology.dormancy import leave_probability, wake_share
from metastasis.engine.params import M_CLEAR, M_WAKE, O_WAKE_MULT, T_DORM_CLEAR, T_WAKE


@njit(cache=True)
def shed_step(body, cas, s):
    """Pool this step's shedding (cells/day × s.dt) per source organ."""
    for src in range(body.shed.shape[0]):
        sh = body.shed[src] * s.dt
        if sh <= 0.0:
            continue
        cas.acc_seed_src[src] += sh
        cas.pend_src[src] += sh
        cas.cas_shed[src] += sh
        if s.res_on:
            cas.cas_shed_res[src] += body.shed_res[src] * s.dt


@njit(cache=True)
def cascade_due(next_step, cas_every, rec_every, n_steps, t_end_step, t_change, t_kill, dead):
    """Does the cascade interval close at the end of this step (day t_end_step, step index
    next_step − 1)? It does every cas_every steps, at record times (every rec_every steps),
    before the next therapy change (day t_change) or kill (day t_kill), at the end of
    follow-up (n_steps) and at death."""
    return dead or next_step % cas_every == 0 or next_step % rec_every == 0 \
        or next_step >= n_steps or t_change <= t_end_step + 1e-9 or t_kill <= t_end_step + 1e-9


@njit(cache=True)
def funnel_to_organs(pt, s, mods, dt_c):
    """Close a cascade interval of dt_c days: the intensity of new dormant cells per organ
    (`cas.lam_dorm`), the resistant share of those arrivals, and each pool's exact
    competing-hazard probabilities of leaving (cleared or woken) over the interval."""
    cas = pt.cas
    n_org = cas.dormant.shape[0]
    for o in range(n_org):
        cas.lam_dorm[o] = 0.0
    for src in range(n_org):
        sh = cas.cas_shed[src]
        if sh <= 0.0:
            continue
        for o in range(n_org):
            cas.lam_dorm[o] += sh * cas.dormant_v[src, o]
    if s.res_on:
        for o in range(n_org):
            cas.lam_res[o] = 0.0
            for src in range(n_org):
                cas.lam_res[o] += cas.cas_shed_res[src] * cas.dormant_v[src, o]
            # share of this interval's arrivals that are resistant; the pool before them
            cas.fmix[o] = cas.lam_res[o] / cas.lam_dorm[o] if cas.lam_dorm[o] > 0.0 else 0.0
            cas.d_old[o] = cas.dormant[o]
            cas.in_now[o] = 0.0
    for src in range(n_org):
        cas.cas_shed[src] = 0.0
        cas.cas_shed_res[src] = 0.0
    th = s.theta
    for o in range(n_org):
        clear = th[T_DORM_CLEAR] * mods[M_CLEAR]
        wake = th[T_WAKE] * s.organ_par[O_WAKE_MULT, o] * mods[M_WAKE]
        cas.p_leave[o] = leave_probability(clear, wake, dt_c)
        cas.share_wake[o] = wake_share(clear, wake)
        cas.p_wake_step[o] = cas.p_leave[o] * cas.share_wake[o]
        cas.stay_factor[o] = 1.0 - cas.p_leave[o]
