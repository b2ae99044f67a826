"""Recording: event rows, the counted cells of a record interval, trajectory and scan rows."""

from __future__ import annotations

from numba import njit

from metastasis.engine.events import (
    EV_ARRESTED,
    EV_DORMANT,
    EV_EXTRAVASATED,
    EV_SEEDED,
    EV_WOKE,
    NO_LESION,
    PRIMARY_LESION_ID,
)
from metastasis.engine.funnel import fold_pending, split_count
from metastasis.engine.layout import (
    C_EVENTS,
    C_OBS,
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
    STATUS_OBSERVATIONS_FULL,
    STATUS_TRAJECTORY_FULL,
)
from metastasis.engine.state import C_LOST, L_BORN


@njit(cache=True)
def overflow(out, status):
    """Note that a buffer ran out (the first one wins); the batch reruns with larger ones."""
    if out.ctr[C_STATUS] == 0:
        out.ctr[C_STATUS] = status


@njit(cache=True)
def emit(out, t, etype, organ, lesion, value):
    """Append one event row (nothing is written once the buffer is full)."""
    k = out.ctr[C_EVENTS]
    if k >= out.ev_t.shape[0]:
        overflow(out, STATUS_EVENTS_FULL)
        return
    out.ev_t[k] = t
    out.ev_type[k] = etype
    out.ev_organ[k] = organ
    out.ev_lesion[k] = lesion
    out.ev_value[k] = value
    out.ctr[C_EVENTS] = k + 1


@njit(cache=True)
def primary_cells(p):
    """Cells of the primary, both clones."""
    return p[P_E] + p[P_H] + p[P_M] + p[P_RE] + p[P_RH] + p[P_RM]


@njit(cache=True)
def flush_interval(cas, out, rng, t):
    """Close a record interval at day t: draw the counted cells that did not reach dormancy
    from their accumulated intensities and write one row per kind and organ."""
    n_org = cas.dormant.shape[0]
    cas.scalars[C_LOST] += fold_pending(cas.pend_src, cas.arrest_v, cas.extrav_v,
                                        cas.dormant_v, cas.acc_arrest_fail, cas.acc_extrav_fail)
    arrested_total = 0
    for o in range(n_org):
        cas.cnt_dormant_in[o] = round(cas.cnt_dormant_in[o])
        extr = int(cas.cnt_dormant_in[o])
        if cas.acc_extrav_fail[o] > 0.0:
            extr += rng.poisson(cas.acc_extrav_fail[o])
        arr = extr
        if cas.acc_arrest_fail[o] > 0.0:
            arr += rng.poisson(cas.acc_arrest_fail[o])
        cas.arr_cnt[o] = arr
        cas.extr_cnt[o] = extr
        arrested_total += arr
    seeded_total = arrested_total
    if cas.scalars[C_LOST] > 0.0:
        seeded_total += rng.poisson(cas.scalars[C_LOST])
    # split the seeded cells over their sources (multinomial by shed intensity)
    split_count(rng, seeded_total, cas.acc_seed_src, cas.split_n)
    for o in range(n_org):
        if cas.split_n[o] > 0:
            emit(out, t, EV_SEEDED, o, NO_LESION, cas.split_n[o])
        cas.acc_seed_src[o] = 0.0
    cas.scalars[C_LOST] = 0.0
    for o in range(n_org):
        if cas.arr_cnt[o] > 0:
            emit(out, t, EV_ARRESTED, o, NO_LESION, cas.arr_cnt[o])
        if cas.extr_cnt[o] > 0:
            emit(out, t, EV_EXTRAVASATED, o, NO_LESION, cas.extr_cnt[o])
        if cas.cnt_dormant_in[o] > 0:
            emit(out, t, EV_DORMANT, o, NO_LESION, cas.cnt_dormant_in[o])
        if cas.cnt_woke[o] > 0:
            emit(out, t, EV_WOKE, o, NO_LESION, cas.cnt_woke[o])
        cas.acc_extrav_fail[o] = 0.0
        cas.acc_arrest_fail[o] = 0.0
        cas.cnt_dormant_in[o] = 0
        cas.cnt_woke[o] = 0


@njit(cache=True)
def record(pt, s, out, rng, t, flush):
    """A record time at day t: close the record interval (unless this is day 0) and write a
    trajectory row."""
    if flush:
        flush_interval(pt.cas, out, rng, t)
    trajectory_row(pt, s, out, t)


@njit(cache=True)
def trajectory_row(pt, s, out, t):
    """One trajectory row at day t: primary compartments and K, lesion and dormant cells."""
    k = out.ctr[C_TRAJ]
    if k >= out.traj.shape[0]:
        overflow(out, STATUS_TRAJECTORY_FULL)
        return
    p = pt.primary
    n_org = pt.body.burden.shape[0]
    out.traj[k, 0] = t
    out.traj[k, 1] = p[P_E] + p[P_RE]
    out.traj[k, 2] = p[P_H] + p[P_RH]
    out.traj[k, 3] = p[P_M] + p[P_RM]
    out.traj[k, 4] = p[P_CAP]
    n_p = primary_cells(p)
    for o in range(n_org):
        out.traj[k, 1 + N_TRAJ_FIXED + o] = pt.body.burden[o] - (n_p if o == s.site else 0.0)
        out.traj[k, 1 + N_TRAJ_FIXED + n_org + o] = pt.cas.dormant[o]
    out.ctr[C_TRAJ] = k + 1


@njit(cache=True)
def observation_rows(pt, s, out, t_scan):
    """Sizes of the primary and of every living lesion at a scan on day t_scan."""
    n_p = primary_cells(pt.primary)
    if n_p >= 1.0:
        _observation(out, t_scan, PRIMARY_LESION_ID, s.site, n_p)
    les = pt.les
    for i in range(les.n[L_BORN]):
        if les.alive[i]:
            _observation(out, t_scan, i + 1, les.organ[i], les.cells[i])


@njit(cache=True)
def _observation(out, t_scan, lesion, organ, cells):
    k = out.ctr[C_OBS]
    if k >= out.obs_time.shape[0]:
        overflow(out, STATUS_OBSERVATIONS_FULL)
        return
    out.obs_time[k] = t_scan
    out.obs_lesion[k] = lesion
    out.obs_organ[k] = organ
    out.obs_cells[k] = cells
    out.ctr[C_OBS] = k + 1


@njit(cache=True)
def observe_due(pt, s, out, obs_t, j_obs, t, step):
    """Write the scans due by day t (scans before the first step only at day 0); returns the
    index of the next scan."""
    while j_obs < obs_t.shape[0] and obs_t[j_obs] <= t + 1e-9:
        if step > 0 or obs_t[j_obs] <= 1e-9:
            observation_rows(pt, s, out, obs_t[j_obs])
        j_obs += 1
    return j_obs
