"""The compiled per-patient stepper: a hybrid of ODEs, Poisson thinning and exact small events.

One call simulates one patient from t = 0 to death or the end of follow-up with that patient's
own `numpy.random.Generator`, so a patient's trajectory never depends on the batch it ran in.

Per step of `dt` days (death is checked right after the lesions):

1. therapy: the current modifier row, and any instantaneous kills due;
2. primary: Gompertz growth per phenotype under its capacity K, EMT, K by Hahnfeldt's law;
3. lesions: a colony below the stochastic threshold follows its birth–death process event by
   event (Gillespie; pending event times are redrawn, memorylessly, when therapy changes the
   rates). On reaching the threshold its eventual extinction is drawn with the linear
   birth–death probability (d/b)^n; a doomed colony's path to zero is simulated with swapped
   rates (the process conditioned on extinction), a surviving one follows its ODE: an exact
   Gompertz step over `lesion_ode_step_days`, taken in staggered buckets so that only a
   fraction of the large lesions is touched each step; per-organ burden and shedding are kept
   as running sums;
4. dissemination: every source (primary and lesions above threshold) sheds m·N^α·φ cells/day,
   pooled per source over `cascade_step_days` (and up to any record time, therapy change or
   kill). Shed × survival × arrest × extravasation × dormancy entry is thinned to one Poisson
   number of new dormant cells per organ. The cells that do not get that far (died in the
   blood, arrested but not extravasated, extravasated but died) do not change the state: they
   are drawn once per record interval from their accumulated intensities, which by the
   splitting property of Poisson processes has exactly the same law as drawing them every
   step, and keeps seeded ≥ arrested ≥ extravasated ≥ dormant on every row;
5. dormant cells, at the same interval: binomial fates per organ (cleared, woken, stay) with
   the exact competing-hazard probabilities over the interval; large pools follow their mean
   while their wakes stay exact Poisson draws. A woken cell's colony reaches the stochastic
   threshold with the gambler's-ruin probability of its one-cell rates; only those colonies
   become lesions (one `lesion_born` row each, at a uniform time within the interval) and
   grow by the birth–death process conditioned on getting there (h-transform), while the
   others stay counted in `woke` only;
6. death when an organ or the whole body passes its lethal burden.

Clone dimension (off unless `resistance_mutation_per_division` or `initial_resistant_fraction`
is positive): the primary, each lesion and each dormant pool also hold cells of one resistant
clone. It grows under the same Gompertz law and capacity, less a fitness cost, and sees the
schedule's resistant modifier row (growth, kill, lesion immune hazard) and is spared by kills
flagged `spares_resistant`. Mutants arise from divisions of sensitive cells at rate
μ·b (b the division rate, `lesion_birth_per_day`) in the primary and in lesions above the
stochastic threshold; colonies below it inherit their founder's clone. Shed cells carry the
resistant share of their source, dormant pools mix by the mean, and each woken cell is
resistant with the pool's resistant share (one binomial draw per organ and step).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from metastasis.biology.burden import lethal_organ
from metastasis.biology.colonisation import (
    establishment_probability,
)
from metastasis.biology.dormancy import leave_probability, wake_share
from metastasis.biology.growth import capacity_step, gompertz_rate_per_day, gompertz_step
from metastasis.biology.intravasation import emission_per_day, invasive_fraction
from metastasis.biology.microenvironment import hypoxic_fraction
from metastasis.engine.colonies import (
    extinction_path,
    next_small_event,
    run_small,
    small_lesion_params,
    small_rates,
)
from metastasis.engine.events import (
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
    PRIMARY_LESION_ID,
)
from metastasis.engine.funnel import fold_pending, funnel_matrices, split_count
from metastasis.engine.lesion_lists import list_add, list_remove, organ_sums
from metastasis.engine.params import (
    KILL_ALL_LESIONS,
    KILL_EVERYTHING,
    KILL_PRIMARY,
    M_ANGIO,
    M_CLEAR,
    M_EMISSION,
    M_EMT,
    M_GROWTH,
    M_IMMUNE,
    M_KILL,
    M_WAKE,
    O_GROWTH_MULT,
    O_LETHAL,
    O_WAKE_MULT,
    T_CASCADE_STEP,
    T_DORM_CLEAR,
    T_DORM_ODE,
    T_DT,
    T_EMIT_ALPHA,
    T_EMIT_M,
    T_EMIT_STROMA,
    T_END,
    T_HYB_W,
    T_L_ANGIO_B,
    T_L_ANGIO_D,
    T_L_BIRTH,
    T_L_K0,
    T_L_LAMBDA,
    T_L_ODE_STEP,
    T_L_PHI,
    T_LETHAL_TOTAL,
    T_MAX_LESIONS,
    T_RECORD,
    T_STOCH_THR,
    T_VEGF_HYP,
    T_WAKE,
)
from metastasis.engine.primary import advance_primary, initial_primary, resistance_settings

STATUS_OK = 0
STATUS_EVENTS_FULL = 1
STATUS_OBSERVATIONS_FULL = 2
STATUS_TRAJECTORY_FULL = 3

# summary vector slots
S_DEATH_T = 0
S_DEATH_CAUSE = 1
S_N_EVENTS = 2
S_N_TRAJ = 3
S_N_LESIONS = 4
S_N_OBS = 5
S_DROPPED_LESIONS = 6
S_FIRST_LESION_T = 7
S_RESISTANT_CELLS = 8  # resistant cells in the primary and lesions at the end
S_TUMOUR_CELLS = 9  # all cells in the primary and lesions at the end
N_SUMMARY = 10

N_TRAJ_FIXED = 4  # E, H, M, K, then lesion burden per organ, then dormant cells per organ

RESISTANT_SUBSTEP_DAYS = 7.0
"""Longest sub-step of a large two-clone lesion: the clones share one capacity, so no closed
form exists and each sub-step freezes the Gompertz rates (numerical setting, not biology)."""


@njit(cache=True)
def _emit(ev_t, ev_type, ev_organ, ev_lesion, ev_value, k, t, etype, organ, lesion, value):
    """Append one event row; returns the new count, or −1 when the buffer is (or was) full."""
    if k < 0 or k >= ev_t.shape[0]:
        return -1
    ev_t[k] = t
    ev_type[k] = etype
    ev_organ[k] = organ
    ev_lesion[k] = lesion
    ev_value[k] = value
    return k + 1


@njit(cache=True, nogil=True)
def run_patient(
    theta,
    organ_par,
    arrival,
    site,
    mod_t,
    mod_v,
    mod_vr,
    kill_t,
    kill_target,
    kill_frac,
    kill_dormant,
    kill_spare,
    obs_t,
    shed_override,
    rng,
    ev_t,
    ev_type,
    ev_organ,
    ev_lesion,
    ev_value,
    traj,
    les_organ,
    les_born,
    les_end,
    les_max_cells,
    obs_time,
    obs_lesion,
    obs_organ,
    obs_cells,
    summary,
):
    """Simulate one patient; fills the output buffers and returns a status code."""
    n_org = arrival.shape[0]
    dt = theta[T_DT]
    t_end = theta[T_END]
    n_steps = int(math.ceil(t_end / dt - 1e-9))
    rec_every = max(1, int(round(theta[T_RECORD] / dt)))
    max_les = min(int(theta[T_MAX_LESIONS]), les_organ.shape[0])
    thr = theta[T_STOCH_THR]
    d_ode = theta[T_DORM_ODE]

    # primary state, with its resistant clone per phenotype
    e, h, m, re, rh, rm, cap = initial_primary(theta)
    res_on, mu_div, fit_r = resistance_settings(theta)

    # lesions (slots are never reused: slot index + 1 is the lesion id)
    l_cells = np.zeros(max_les)
    l_cap = np.zeros(max_les)
    l_res = np.zeros(max_les)
    l_alive = np.zeros(max_les, dtype=np.bool_)
    l_shed = np.zeros(max_les)
    alive_idx = np.zeros(max_les, dtype=np.int64)
    alive_pos = np.zeros(max_les, dtype=np.int64)
    n_alive = 0
    # small lesions are visited every step; large ones sit in one of `ode_every` buckets and
    # advance their ODE by ode_every steps when their bucket comes round
    sm_idx = np.zeros(max_les, dtype=np.int64)
    l_next = np.zeros(max_les)  # time of a small lesion's next birth or death (days)
    l_qcond = np.full(max_les, -1.0)  # death/birth ratio a new colony is conditioned on
    cas_every = max(1, int(round(theta[T_CASCADE_STEP] / dt)))
    cas_shed = np.zeros(arrival.shape[0])
    cas_shed_res = np.zeros(arrival.shape[0])
    t_cas = 0.0
    sm_pos = np.zeros(max_les, dtype=np.int64)
    n_sm = 0
    ode_every = max(1, int(round(theta[T_L_ODE_STEP] / dt)))
    dt_ode = ode_every * dt
    bk = np.zeros((ode_every, max_les), dtype=np.int64)
    bk_n = np.zeros(ode_every, dtype=np.int64)
    bk_pos = np.zeros(max_les, dtype=np.int64)
    n_res_sub = max(1, int(math.ceil(dt_ode / RESISTANT_SUBSTEP_DAYS)))
    les_burden = np.zeros(n_org)
    les_shed = np.zeros(n_org)
    les_shed_res = np.zeros(n_org)
    n_les = 0
    dropped = 0

    dormant = np.zeros(n_org)
    burden = np.zeros(n_org)
    shed_src = np.zeros(n_org)
    lam_dorm = np.zeros(n_org)
    shed_res = np.zeros(n_org)
    lam_res = np.zeros(n_org)
    dres = np.zeros(n_org)
    d_old = np.zeros(n_org)
    in_now = np.zeros(n_org)
    fmix = np.zeros(n_org)
    # interval accumulators
    acc_seed_src = np.zeros(n_org)
    acc_arrest_fail = np.zeros(n_org)
    acc_extrav_fail = np.zeros(n_org)
    acc_lost = 0.0
    cnt_dormant_in = np.zeros(n_org)
    cnt_woke = np.zeros(n_org, dtype=np.int64)
    arr_cnt = np.zeros(n_org, dtype=np.int64)
    split_n = np.zeros(n_org, dtype=np.int64)
    extr_cnt = np.zeros(n_org, dtype=np.int64)

    dormant_v = np.zeros((n_org, n_org))
    extrav_v = np.zeros((n_org, n_org))
    arrest_v = np.zeros((n_org, n_org))
    p_leave = np.zeros(n_org)
    p_wake_step = np.zeros(n_org)
    wake_lam_o = np.zeros(n_org)
    woke_o = np.zeros(n_org, dtype=np.int64)
    pend_src = np.zeros(n_org)
    stay_factor = np.zeros(n_org)
    share_wake = np.zeros(n_org)
    seg = -1
    mods = mod_v[0]
    mods_r = mod_vr[0]

    k_ev = 0
    k_tr = 0
    k_obs = 0
    j_obs = 0
    j_kill = 0
    death_t = math.inf
    death_cause = -1
    first_lesion_t = math.inf

    for step in range(n_steps + 1):
        t = step * dt
        # ---------------------------------------------------------------- record
        if step % rec_every == 0 or step == n_steps:
            if step > 0:
                # draw the counted cells that did not reach dormancy, then flush the interval
                acc_lost += fold_pending(
                    pend_src, arrest_v, extrav_v, dormant_v, acc_arrest_fail, acc_extrav_fail
                )
                arrested_total = 0
                for o in range(n_org):
                    cnt_dormant_in[o] = round(cnt_dormant_in[o])
                    extr = int(cnt_dormant_in[o])
                    if acc_extrav_fail[o] > 0.0:
                        extr += rng.poisson(acc_extrav_fail[o])
                    arr = extr
                    if acc_arrest_fail[o] > 0.0:
                        arr += rng.poisson(acc_arrest_fail[o])
                    arr_cnt[o] = arr
                    extr_cnt[o] = extr
                    arrested_total += arr
                seeded_total = arrested_total
                if acc_lost > 0.0:
                    seeded_total += rng.poisson(acc_lost)
                # split the seeded cells over their sources (multinomial by shed intensity)
                split_count(rng, seeded_total, acc_seed_src, split_n)
                for o in range(n_org):
                    if split_n[o] > 0:
                        k_ev = _emit(ev_t, ev_type, ev_organ, ev_lesion, ev_value, k_ev, t,
                                     EV_SEEDED, o, NO_LESION, split_n[o])
                    acc_seed_src[o] = 0.0
                acc_lost = 0.0
                for o in range(n_org):
                    if arr_cnt[o] > 0:
                        k_ev = _emit(ev_t, ev_type, ev_organ, ev_lesion, ev_value, k_ev, t,
                                     EV_ARRESTED, o, NO_LESION, arr_cnt[o])
                    if extr_cnt[o] > 0:
                        k_ev = _emit(ev_t, ev_type, ev_organ, ev_lesion, ev_value, k_ev, t,
                                     EV_EXTRAVASATED, o, NO_LESION, extr_cnt[o])
                    if cnt_dormant_in[o] > 0:
                        k_ev = _emit(ev_t, ev_type, ev_organ, ev_lesion, ev_value, k_ev, t,
                                     EV_DORMANT, o, NO_LESION, cnt_dormant_in[o])
                    if cnt_woke[o] > 0:
                        k_ev = _emit(ev_t, ev_type, ev_organ, ev_lesion, ev_value, k_ev, t,
                                     EV_WOKE, o, NO_LESION, cnt_woke[o])
                    if k_ev < 0:
                        return STATUS_EVENTS_FULL
                    acc_extrav_fail[o] = 0.0
                    acc_arrest_fail[o] = 0.0
                    cnt_dormant_in[o] = 0
                    cnt_woke[o] = 0
            if k_tr >= traj.shape[0]:
                return STATUS_TRAJECTORY_FULL
            traj[k_tr, 0] = t
            if k_ev < 0:
                return STATUS_EVENTS_FULL
            traj[k_tr, 1] = e + re
            traj[k_tr, 2] = h + rh
            traj[k_tr, 3] = m + rm
            traj[k_tr, 4] = cap
            n_p = e + h + m + re + rh + rm
            for o in range(n_org):
                traj[k_tr, 1 + N_TRAJ_FIXED + o] = burden[o] - (n_p if o == site else 0.0)
                traj[k_tr, 1 + N_TRAJ_FIXED + n_org + o] = dormant[o]
            k_tr += 1
        # ---------------------------------------------------------------- observations
        while j_obs < obs_t.shape[0] and obs_t[j_obs] <= t + 1e-9:
            if step > 0 or obs_t[j_obs] <= 1e-9:
                n_p = e + h + m + re + rh + rm
                if n_p >= 1.0:
                    if k_obs >= obs_time.shape[0]:
                        return STATUS_OBSERVATIONS_FULL
                    obs_time[k_obs] = obs_t[j_obs]
                    obs_lesion[k_obs] = PRIMARY_LESION_ID
                    obs_organ[k_obs] = site
                    obs_cells[k_obs] = n_p
                    k_obs += 1
                for i in range(n_les):
                    if l_alive[i]:
                        if k_obs >= obs_time.shape[0]:
                            return STATUS_OBSERVATIONS_FULL
                        obs_time[k_obs] = obs_t[j_obs]
                        obs_lesion[k_obs] = i + 1
                        obs_organ[k_obs] = les_organ[i]
                        obs_cells[k_obs] = l_cells[i]
                        k_obs += 1
            j_obs += 1
        if step == n_steps or death_cause != -1:
            break

        # ---------------------------------------------------------------- therapy
        new_seg = seg
        while new_seg + 1 < mod_t.shape[0] and mod_t[new_seg + 1] <= t + 1e-9:
            new_seg += 1
        if new_seg != seg:
            if seg >= 0:
                acc_lost += fold_pending(
                    pend_src, arrest_v, extrav_v, dormant_v, acc_arrest_fail, acc_extrav_fail
                )
            seg = new_seg
            mods = mod_v[seg]
            mods_r = mod_vr[seg]
            funnel_matrices(theta, organ_par, arrival, mods, dormant_v, extrav_v, arrest_v)
            # rates of small lesions changed: their pending events are redrawn (memoryless)
            for kk in range(n_sm):
                i = sm_idx[kk]
                l_qcond[i] = -1.0  # the rates it was conditioned on no longer hold
                l_next[i] = next_small_event(rng, t, theta, organ_par, les_organ[i], mods,
                                              mods_r, fit_r, l_cells[i], l_res[i], l_cap[i],
                                              -1.0)
        while j_kill < kill_t.shape[0] and kill_t[j_kill] <= t + 1e-9:
            tgt = kill_target[j_kill]
            f = kill_frac[j_kill]
            spare = kill_spare[j_kill]
            if tgt == KILL_PRIMARY or tgt == KILL_EVERYTHING:
                e *= f
                h *= f
                m *= f
                if not spare:
                    re *= f
                    rh *= f
                    rm *= f
            for kk in range(n_alive):
                i = alive_idx[kk]
                if tgt == KILL_ALL_LESIONS or tgt == KILL_EVERYTHING or tgt == les_organ[i]:
                    if l_cells[i] < thr:
                        if l_res[i] > 0.0:
                            nr = int(l_res[i])
                            ns = int(l_cells[i]) - nr
                            if ns > 0:
                                ns = rng.binomial(ns, f)
                            if not spare:
                                nr = rng.binomial(nr, f)
                            l_res[i] = float(nr)
                            l_cells[i] = float(ns + nr)
                        else:
                            l_cells[i] = float(rng.binomial(int(l_cells[i]), f))
                    else:
                        if spare:
                            l_cells[i] = (l_cells[i] - l_res[i]) * f + l_res[i]
                        else:
                            l_cells[i] *= f
                            l_res[i] *= f
                        l_shed[i] = emission_per_day(l_cells[i], theta[T_L_PHI], theta[T_EMIT_M],
                                                     theta[T_EMIT_ALPHA])
            if kill_dormant[j_kill]:
                for o in range(n_org):
                    if dormant[o] > 0 and (tgt == KILL_EVERYTHING or tgt == o
                                           or tgt == KILL_ALL_LESIONS):
                        keep = dres[o] if spare else 0.0
                        d_before = dormant[o]
                        if dormant[o] < d_ode:
                            dormant[o] = float(rng.binomial(int(dormant[o] - keep), f)) + keep
                        else:
                            dormant[o] = (dormant[o] - keep) * f + keep
                        if not spare:
                            dres[o] *= dormant[o] / d_before
            organ_sums(alive_idx, n_alive, les_organ, l_cells, l_shed, l_res, les_burden,
                        les_shed, les_shed_res)
            for kk in range(n_sm):
                i = sm_idx[kk]
                l_qcond[i] = -1.0  # the rates it was conditioned on no longer hold
                l_next[i] = next_small_event(rng, t, theta, organ_par, les_organ[i], mods,
                                              mods_r, fit_r, l_cells[i], l_res[i], l_cap[i],
                                              -1.0)
            k_ev = _emit(ev_t, ev_type, ev_organ, ev_lesion, ev_value, k_ev, t, EV_TREATMENT,
                         tgt, NO_LESION, f)
            if k_ev < 0:
                return STATUS_EVENTS_FULL
            j_kill += 1

        for o in range(n_org):
            shed_src[o] = 0.0
            burden[o] = 0.0
            if res_on:
                shed_res[o] = 0.0

        # ---------------------------------------------------------------- primary tumour
        n_p = e + h + m + re + rh + rm
        if n_p > 0.0:
            e, h, m, re, rh, rm, cap, _ = advance_primary(
                e, h, m, re, rh, rm, cap, theta, mods[M_GROWTH], mods[M_KILL], mods[M_EMT],
                mods[M_ANGIO], mods_r[M_GROWTH], mods_r[M_KILL], dt,
            )
            n_new = e + h + m + re + rh + rm
            phi = invasive_fraction(e + re, h + rh, m + rm, theta[T_HYB_W])
            if step < shed_override.shape[0]:
                # a spatial run supplies the primary's emission for its span
                shed_p = shed_override[step] * mods[M_EMISSION]
            else:
                shed_p = emission_per_day(n_new, phi, theta[T_EMIT_M], theta[T_EMIT_ALPHA]) \
                    * theta[T_EMIT_STROMA] * mods[M_EMISSION]
            shed_src[site] += shed_p
            if res_on and n_new > 0.0:
                shed_res[site] += shed_p * (re + rh + rm) / n_new
            burden[site] += n_new

        # ---------------------------------------------------------------- lesions
        # large lesions whose bucket is due: their ODE advances by dt_ode (exact Gompertz step)
        bi = step % ode_every
        k = 0
        while k < bk_n[bi]:
            i = bk[bi, k]
            o = les_organ[i]
            nl = l_cells[i]
            old_n = nl
            old_shed = l_shed[i]
            old_sres = old_shed * l_res[i] / nl if nl > 0.0 else 0.0
            if nl >= thr:
                lam = theta[T_L_LAMBDA] * organ_par[O_GROWTH_MULT, o] * mods[M_GROWTH]
                loss = mods[M_KILL] + mods[M_IMMUNE]
                if res_on and l_res[i] > 0.0 or res_on and mu_div > 0.0:
                    lam_r = theta[T_L_LAMBDA] * organ_par[O_GROWTH_MULT, o] * mods_r[M_GROWTH] \
                        * fit_r
                    loss_r = mods_r[M_KILL] + mods_r[M_IMMUNE]
                    h_sub = dt_ode / n_res_sub
                    nr = l_res[i]
                    ns = nl - nr
                    for _ in range(n_res_sub):
                        r = gompertz_rate_per_day(ns + nr, l_cap[i], lam)
                        r_r = gompertz_rate_per_day(ns + nr, l_cap[i], lam_r)
                        nr = nr * math.exp((r_r - loss_r) * h_sub) + mu_div * h_sub * ns
                        ns = ns * math.exp((r - loss) * h_sub)
                    nl = ns + nr
                    l_res[i] = nr
                else:
                    nl = gompertz_step(nl, l_cap[i], lam, loss, dt_ode)
                hyp_l = hypoxic_fraction(nl, l_cap[i])
                b_l = theta[T_L_ANGIO_B] * mods[M_ANGIO] * (1.0 + theta[T_VEGF_HYP] * hyp_l)
                l_cap[i] = capacity_step(l_cap[i], nl, b_l, theta[T_L_ANGIO_D], dt_ode)
            les_shed[o] -= old_shed
            les_shed_res[o] -= old_sres
            if nl < thr:
                # back to the exact small-lesion process (or cleared)
                nr = float(int(l_res[i]))
                nl = float(int(nl - l_res[i])) + nr
                l_res[i] = nr
                l_shed[i] = 0.0
                bk_n[bi] = list_remove(bk[bi], bk_pos, bk_n[bi], i)
                if nl < 1.0:
                    les_burden[o] -= old_n
                    l_alive[i] = False
                    l_cells[i] = 0.0
                    l_res[i] = 0.0
                    les_end[i] = t + dt
                    n_alive = list_remove(alive_idx, alive_pos, n_alive, i)
                    k_ev = _emit(ev_t, ev_type, ev_organ, ev_lesion, ev_value, k_ev, t + dt,
                                 EV_LESION_CLEARED, o, i + 1, 0.0)
                    if k_ev < 0:
                        return STATUS_EVENTS_FULL
                    continue
                n_sm = list_add(sm_idx, sm_pos, n_sm, i)
                les_burden[o] += nl - old_n
                l_cells[i] = nl
                l_qcond[i] = -1.0
                l_next[i] = next_small_event(rng, t, theta, organ_par, o, mods, mods_r, fit_r,
                                              nl, l_res[i], l_cap[i], -1.0)
                continue
            l_cells[i] = nl
            if nl > les_max_cells[i]:
                les_max_cells[i] = nl
            les_burden[o] += nl - old_n
            l_shed[i] = emission_per_day(nl, theta[T_L_PHI], theta[T_EMIT_M], theta[T_EMIT_ALPHA])
            les_shed[o] += l_shed[i]
            les_shed_res[o] += l_shed[i] * l_res[i] / nl
            k += 1

        # small lesions: exact birth-death events (Gillespie) up to the end of this step
        t_next = t + dt
        birth = theta[T_L_BIRTH]
        k = 0
        while k < n_sm:
            i = sm_idx[k]
            if l_next[i] > t_next:
                k += 1
                continue
            o = les_organ[i]
            old_n = l_cells[i]
            nr = int(l_res[i])
            ns = int(old_n) - nr
            lam, lam_r, loss, loss_r = small_lesion_params(theta, organ_par, o, mods, mods_r,
                                                             fit_r)
            ns, nr, t_ev = run_small(rng, ns, nr, l_next[i], t_next, l_cap[i], lam, lam_r,
                                      birth, loss, loss_r, thr, l_qcond[i])
            if ns + nr >= thr:
                # leaving the exact regime: will this colony still die out? For a linear
                # birth-death process the chance is (d/b)^n per clone (rates at this size)
                d_s, d_r, total = small_rates(ns, nr, l_cap[i], lam, lam_r, birth, loss, loss_r)
                q = min(d_s / birth, 1.0) ** ns * min(d_r / birth, 1.0) ** nr
                if rng.random() < q:
                    t_ev, peak = extinction_path(rng, t_ev, ns, nr, birth, d_s, d_r)
                    if peak > les_max_cells[i]:
                        les_max_cells[i] = peak
                    ns = 0
                    nr = 0
            nl = float(ns + nr)
            l_res[i] = float(nr)
            l_next[i] = t_ev
            if nl < 1.0:
                les_burden[o] -= old_n
                l_alive[i] = False
                l_cells[i] = 0.0
                l_res[i] = 0.0
                les_end[i] = t_ev
                n_sm = list_remove(sm_idx, sm_pos, n_sm, i)
                n_alive = list_remove(alive_idx, alive_pos, n_alive, i)
                k_ev = _emit(ev_t, ev_type, ev_organ, ev_lesion, ev_value, k_ev, t_ev,
                             EV_LESION_CLEARED, o, i + 1, 0.0)
                if k_ev < 0:
                    return STATUS_EVENTS_FULL
                continue
            l_cells[i] = nl
            if nl > les_max_cells[i]:
                les_max_cells[i] = nl
            les_burden[o] += nl - old_n
            if nl >= thr:
                # large now: emission starts, and the lesion joins this step's bucket, so its
                # ODE first advances ode_every steps from now
                l_shed[i] = emission_per_day(nl, theta[T_L_PHI], theta[T_EMIT_M],
                                             theta[T_EMIT_ALPHA])
                les_shed[o] += l_shed[i]
                les_shed_res[o] += l_shed[i] * l_res[i] / nl
                n_sm = list_remove(sm_idx, sm_pos, n_sm, i)
                bk_n[bi] = list_add(bk[bi], bk_pos, bk_n[bi], i)
                continue
            k += 1

        if step % rec_every == 0:
            # refresh the running sums now and then, so rounding never accumulates
            organ_sums(alive_idx, n_alive, les_organ, l_cells, l_shed, l_res, les_burden,
                        les_shed, les_shed_res)
        for o in range(n_org):
            burden[o] += les_burden[o]
            shed_src[o] += les_shed[o] * mods[M_EMISSION]
            if res_on:
                shed_res[o] += les_shed_res[o] * mods[M_EMISSION]

        # ---------------------------------------------------------------- death
        total = 0.0
        for o in range(n_org):
            total += burden[o]
        cause = lethal_organ(burden, total, theta[T_LETHAL_TOTAL], organ_par[O_LETHAL])
        if cause != -1:
            death_t = t + dt
            death_cause = cause
            k_ev = _emit(ev_t, ev_type, ev_organ, ev_lesion, ev_value, k_ev, death_t, EV_DEATH,
                         cause, NO_LESION, total)
            if k_ev < 0:
                return STATUS_EVENTS_FULL
            # make the final record row fall on the death time
            n_steps = step + 1
            rec_every = 1

        # ---------------------------------------------------------------- dissemination
        # shed cells are pooled per source over the cascade interval; the funnel to each
        # organ's dormant pool is applied once per interval (Poisson superposition)
        for src in range(n_org):
            sh = shed_src[src] * dt
            if sh <= 0.0:
                continue
            acc_seed_src[src] += sh
            pend_src[src] += sh
            cas_shed[src] += sh
            if res_on:
                cas_shed_res[src] += shed_res[src] * dt
        t_end_step = t + dt
        boundary = (step + 1) % cas_every == 0 or (step + 1) % rec_every == 0 \
            or step + 1 >= n_steps \
            or (seg + 1 < mod_t.shape[0] and mod_t[seg + 1] <= t_end_step + 1e-9) \
            or (j_kill < kill_t.shape[0] and kill_t[j_kill] <= t_end_step + 1e-9)
        if not boundary:
            continue
        dt_c = t_end_step - t_cas
        for o in range(n_org):
            lam_dorm[o] = 0.0
        for src in range(n_org):
            sh = cas_shed[src]
            if sh <= 0.0:
                continue
            for o in range(n_org):
                lam_dorm[o] += sh * dormant_v[src, o]
        if res_on:
            for o in range(n_org):
                lam_res[o] = 0.0
                for src in range(n_org):
                    lam_res[o] += cas_shed_res[src] * dormant_v[src, o]
                # share of this interval's arrivals that are resistant, then the pool before them
                fmix[o] = lam_res[o] / lam_dorm[o] if lam_dorm[o] > 0.0 else 0.0
                d_old[o] = dormant[o]
                in_now[o] = 0.0
        for src in range(n_org):
            cas_shed[src] = 0.0
            cas_shed_res[src] = 0.0
        for o in range(n_org):
            clear = theta[T_DORM_CLEAR] * mods[M_CLEAR]
            wake = theta[T_WAKE] * organ_par[O_WAKE_MULT, o] * mods[M_WAKE]
            p_leave[o] = leave_probability(clear, wake, dt_c)
            share_wake[o] = wake_share(clear, wake)
            p_wake_step[o] = p_leave[o] * share_wake[o]
            stay_factor[o] = 1.0 - p_leave[o]

        # ---------------------------------------------------------------- dormant cells
        # large pools follow their mean for inflow and clearance, and their wakes are pooled
        # into one exact Poisson draw; small pools get exact Poisson inflow and binomial fates
        small_lam = 0.0
        wake_lam = 0.0
        for o in range(n_org):
            if dormant[o] >= d_ode:
                if res_on:
                    in_now[o] = lam_dorm[o]
                dormant[o] += lam_dorm[o]
                cnt_dormant_in[o] += lam_dorm[o]
                lam_dorm[o] = 0.0
                wake_lam_o[o] = dormant[o] * p_wake_step[o]
                wake_lam += wake_lam_o[o]
                dormant[o] *= stay_factor[o]
            else:
                small_lam += lam_dorm[o]
                wake_lam_o[o] = 0.0
        if small_lam > 0.0:
            split_count(rng, rng.poisson(small_lam), lam_dorm, split_n)
            for o in range(n_org):
                if split_n[o] > 0:
                    dormant[o] += split_n[o]
                    cnt_dormant_in[o] += split_n[o]
                    if res_on:
                        in_now[o] = split_n[o]
        if res_on:
            # resistant share of each pool after this step's arrivals (fates do not select)
            for o in range(n_org):
                tot = d_old[o] + in_now[o]
                fmix[o] = (dres[o] + fmix[o] * in_now[o]) / tot if tot > 0.0 else 0.0
                if fmix[o] > 1.0:
                    fmix[o] = 1.0
        for o in range(n_org):
            woke_o[o] = 0
            if dormant[o] <= 0.0 or wake_lam_o[o] > 0.0 or dormant[o] >= d_ode:
                continue
            leave = rng.binomial(int(dormant[o]), p_leave[o])
            if leave > 0:
                woke_o[o] = rng.binomial(leave, share_wake[o])
                dormant[o] -= leave
        if wake_lam > 0.0:
            split_count(rng, rng.poisson(wake_lam), wake_lam_o, split_n)
            for o in range(n_org):
                woke_o[o] += split_n[o]
        if res_on:
            for o in range(n_org):
                dres[o] = fmix[o] * dormant[o]
        for o in range(n_org):
            woke = woke_o[o]
            if woke <= 0:
                continue
            cnt_woke[o] += woke
            n_res_woke = 0
            if res_on and fmix[o] > 0.0:
                n_res_woke = rng.binomial(woke, fmix[o])
            lam1, lam1_r, loss1, loss1_r = small_lesion_params(theta, organ_par, o, mods,
                                                                 mods_r, fit_r)
            # will the colony each woken cell founds reach the threshold? (exact gambler's
            # ruin for its one-cell rates); colonies that die out first stay counted cells
            d_s1 = small_rates(1, 0, theta[T_L_K0], lam1, lam1_r, theta[T_L_BIRTH],
                               loss1, loss1_r)[0]
            d_r1 = small_rates(0, 1, theta[T_L_K0], lam1, lam1_r, theta[T_L_BIRTH],
                               loss1, loss1_r)[1]
            q_s1 = d_s1 / theta[T_L_BIRTH]
            q_r1 = d_r1 / theta[T_L_BIRTH]
            n_res_est = rng.binomial(n_res_woke, establishment_probability(q_r1, thr)) \
                if n_res_woke > 0 else 0
            n_sens_est = rng.binomial(woke - n_res_woke, establishment_probability(q_s1, thr))
            for j_w in range(n_res_est + n_sens_est):
                is_res = j_w < n_res_est
                q1 = q_r1 if is_res else q_s1
                if n_les >= max_les:
                    dropped += 1
                    continue
                t_born = t_cas + rng.random() * dt_c
                les_organ[n_les] = o
                les_born[n_les] = t_born
                les_end[n_les] = math.inf
                les_max_cells[n_les] = 1.0
                l_cells[n_les] = 1.0
                l_res[n_les] = 1.0 if is_res else 0.0
                l_cap[n_les] = theta[T_L_K0]
                l_alive[n_les] = True
                l_shed[n_les] = 0.0
                l_qcond[n_les] = q1
                l_next[n_les] = next_small_event(rng, t_born, theta, organ_par, o, mods, mods_r,
                                                  fit_r, 1.0, l_res[n_les], l_cap[n_les], q1)
                n_alive = list_add(alive_idx, alive_pos, n_alive, n_les)
                n_sm = list_add(sm_idx, sm_pos, n_sm, n_les)
                les_burden[o] += 1.0
                n_les += 1
                if t_born < first_lesion_t:
                    first_lesion_t = t_born
                k_ev = _emit(ev_t, ev_type, ev_organ, ev_lesion, ev_value, k_ev, t_born,
                             EV_LESION_BORN, o, n_les, 1.0)
                if k_ev < 0:
                    return STATUS_EVENTS_FULL

        t_cas = t_end_step

    summary[S_DEATH_T] = death_t
    summary[S_DEATH_CAUSE] = death_cause
    summary[S_N_EVENTS] = k_ev
    summary[S_N_TRAJ] = k_tr
    summary[S_N_LESIONS] = n_les
    summary[S_N_OBS] = k_obs
    summary[S_DROPPED_LESIONS] = dropped
    summary[S_FIRST_LESION_T] = first_lesion_t
    res_total = re + rh + rm
    tum_total = e + h + m + res_total
    for kk in range(n_alive):
        i = alive_idx[kk]
        res_total += l_res[i]
        tum_total += l_cells[i]
    summary[S_RESISTANT_CELLS] = res_total
    summary[S_TUMOUR_CELLS] = tum_total
    return STATUS_OK
