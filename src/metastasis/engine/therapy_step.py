"""Step 1 of a patient's day: the schedule's modifier segment, and instantaneous kills."""

from __future__ import annotations

from numba import njit

from metastasis.biology.intravasation import emission_per_day
from metastasis.engine.colonies import next_small_event
from metastasis.engine.events import EV_TREATMENT, NO_LESION
from metastasis.engine.funnel import fold_pending, funnel_matrices
from metastasis.engine.layout import P_E, P_H, P_M, P_RE, P_RH, P_RM
from metastasis.engine.lesion_lists import list_remove, organ_sums
from metastasis.engine.lesion_steps import clear_lesion
from metastasis.engine.params import (
    KILL_ALL_LESIONS,
    KILL_EVERYTHING,
    KILL_PRIMARY,
    MODIFIER_NAMES,
    T_EMIT_ALPHA,
    T_EMIT_M,
    T_L_PHI,
)
from metastasis.engine.recording import emit
from metastasis.engine.state import C_LOST, L_ALIVE, L_SMALL

if len(MODIFIER_NAMES) != 9:
    raise ImportError("modifier_tuple holds 9 modifiers; update it with MODIFIER_NAMES")


@njit(cache=True)
def modifier_tuple(row):
    """A modifier row (params.MODIFIER_NAMES order) as a tuple of floats, which the step
    functions index like the row without holding a reference to the schedule."""
    return (row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8])


@njit(cache=True)
def segment_at(mod_t, seg, t):
    """Index of the modifier segment in force on day t, searching forward from `seg`."""
    while seg + 1 < mod_t.shape[0] and mod_t[seg + 1] <= t + 1e-9:
        seg += 1
    return seg


@njit(cache=True)
def enter_segment(pt, s, mods, mods_r, rng, t, first):
    """Rates change on day t: settle the shed cells pooled under the old funnel (unless this is
    the first segment), rebuild the funnel, and redraw small lesions' pending events."""
    cas = pt.cas
    if not first:
        cas.scalars[C_LOST] += fold_pending(cas.pend_src, cas.arrest_v, cas.extrav_v,
                                            cas.dormant_v, cas.acc_arrest_fail,
                                            cas.acc_extrav_fail)
    funnel_matrices(s.theta, s.organ_par, s.arrival, mods, cas.dormant_v, cas.extrav_v,
                    cas.arrest_v)
    redraw_small_events(pt.les, s, mods, mods_r, rng, t)


@njit(cache=True)
def redraw_small_events(les, s, mods, mods_r, rng, t):
    """Rates of small lesions changed on day t: their pending events are redrawn (memoryless),
    and the rates a new colony was conditioned on no longer hold."""
    for kk in range(les.n[L_SMALL]):
        i = les.sm_idx[kk]
        les.qcond[i] = -1.0
        les.next_t[i] = next_small_event(rng, t, s.theta, s.organ_par, les.organ[i], mods,
                                         mods_r, s.fit_r, les.cells[i], les.res[i], les.cap[i],
                                         -1.0)


@njit(cache=True)
def apply_kill(pt, s, out, mods, mods_r, rng, t, target, frac, dormant_too, spare):
    """Kill all but `frac` of the target's cells on day t (binomially below the threshold,
    by the mean above it); the resistant clone is untouched when `spare`."""
    p = pt.primary
    if target == KILL_PRIMARY or target == KILL_EVERYTHING:
        p[P_E] *= frac
        p[P_H] *= frac
        p[P_M] *= frac
        if not spare:
            p[P_RE] *= frac
            p[P_RH] *= frac
            p[P_RM] *= frac
    les = pt.les
    for kk in range(les.n[L_ALIVE]):
        i = les.alive_idx[kk]
        if target == KILL_ALL_LESIONS or target == KILL_EVERYTHING or target == les.organ[i]:
            _kill_lesion(les, s, rng, i, frac, spare)
    _clear_emptied(les, out, t)
    if dormant_too:
        _kill_dormant(pt.cas, s, rng, target, frac, spare)
    organ_sums(les.alive_idx, les.n[L_ALIVE], les.organ, les.cells, les.shed, les.res,
               les.organ_burden, les.organ_shed, les.organ_shed_res)
    redraw_small_events(les, s, mods, mods_r, rng, t)
    emit(out, t, EV_TREATMENT, target, NO_LESION, frac)


@njit(cache=True)
def _clear_emptied(les, out, t):
    """Small lesions that a kill left without a cell are cleared on the kill day."""
    k = 0
    while k < les.n[L_SMALL]:
        i = les.sm_idx[k]
        if les.cells[i] < 1.0:
            les.n[L_SMALL] = list_remove(les.sm_idx, les.sm_pos, les.n[L_SMALL], i)
            clear_lesion(les, out, i, 0.0, t)
            continue
        k += 1


@njit(cache=True)
def _kill_lesion(les, s, rng, i, frac, spare):
    if les.cells[i] < s.thr:
        if les.res[i] > 0.0:
            nr = int(les.res[i])
            ns = int(les.cells[i]) - nr
            if ns > 0:
                ns = rng.binomial(ns, frac)
            if not spare:
                nr = rng.binomial(nr, frac)
            les.res[i] = float(nr)
            les.cells[i] = float(ns + nr)
        else:
            les.cells[i] = float(rng.binomial(int(les.cells[i]), frac))
        return
    if spare:
        les.cells[i] = (les.cells[i] - les.res[i]) * frac + les.res[i]
    else:
        les.cells[i] *= frac
        les.res[i] *= frac
    th = s.theta
    les.shed[i] = emission_per_day(les.cells[i], th[T_L_PHI], th[T_EMIT_M], th[T_EMIT_ALPHA])


@njit(cache=True)
def _kill_dormant(cas, s, rng, target, frac, spare):
    for o in range(cas.dormant.shape[0]):
        if cas.dormant[o] > 0 and (target == KILL_EVERYTHING or target == o
                                   or target == KILL_ALL_LESIONS):
            keep = cas.dres[o] if spare else 0.0
            d_before = cas.dormant[o]
            if cas.dormant[o] < s.d_ode:
                cas.dormant[o] = float(rng.binomial(int(cas.dormant[o] - keep), frac)) + keep
            else:
                cas.dormant[o] = (cas.dormant[o] - keep) * frac + keep
            if not spare:
                cas.dres[o] *= cas.dormant[o] / d_before
