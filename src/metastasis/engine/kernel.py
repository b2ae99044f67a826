"""The compiled per-patient stepper: a hybrid of ODEs, Poisson thinning and exact small events.

One call simulates one patient from t = 0 to death or the end of follow-up with that patient's
own `numpy.random.Generator`, so a patient's trajectory never depends on the batch it ran in.
`run_patient` is a loop over steps of `dt` days; each step of a patient's day is one compiled
function in the module named beside it, called in this order:

0. recording (`recording`): at record times, the counted cells of the interval are flushed
   and a trajectory row is written; scans due write the size of every tumour;
1. therapy (`therapy_step`): the schedule's modifier segment in force, and any instantaneous
   kills due (binomial below the stochastic threshold, by the mean above it);
2. primary (`primary.primary_step`): Gompertz growth per phenotype under its capacity K, EMT,
   K by Hahnfeldt's law, and the primary's shedding m·N^α·φ;
3. lesions (`lesion_steps`): large lesions whose bucket is due take an exact Gompertz step
   over `lesion_ode_step_days` (staggered buckets, so that only a fraction of them is touched
   each step); a colony below the stochastic threshold follows its birth–death process event
   by event (Gillespie; pending event times are redrawn, memorylessly, when therapy changes
   the rates). On reaching the threshold its eventual extinction is drawn with the linear
   birth–death probability (d/b)^n; a doomed colony's path to zero is simulated with swapped
   rates (the process conditioned on extinction), a surviving one follows its ODE. Per-organ
   burden and shedding are kept as running sums;
4. death (`death`): when an organ or the whole body passes its lethal burden the patient dies
   at the end of the step, which still closes its cascade interval and gets a last record;
5. dissemination (`dissemination`): every source (primary and lesions above threshold) sheds
   m·N^α·φ cells/day, pooled per source over `cascade_step_days` (and up to any record time,
   therapy change or kill); shed × survival × arrest × extravasation × dormancy entry is
   thinned to one Poisson number of new dormant cells per organ;
6. dormant cells and founding (`dormancy_step`), at the end of a cascade interval: binomial
   fates per organ (cleared, woken, stay) with the exact competing-hazard probabilities;
   large pools follow their mean while their wakes stay exact Poisson draws; a woken cell's
   colony becomes a lesion only if it reaches the threshold (gambler's ruin), and then grows
   conditioned on getting there (h-transform).

Clone dimension (off unless `resistance_mutation_per_division` or `initial_resistant_fraction`
is positive): the primary, each lesion and each dormant pool also hold cells of one resistant
clone. It grows under the same Gompertz law and capacity, less a fitness cost, and sees the
schedule's resistant modifier row (growth, kill, lesion immune hazard) and is spared by kills
flagged `spares_resistant`. Mutants arise from divisions of sensitive cells at rate
μ·b (b the division rate, `lesion_birth_per_day`) in the primary and in lesions above the
stochastic threshold; colonies below it inherit their founder's clone. Shed cells carry the
resistant share of their source, dormant pools mix by the mean, and each woken cell is
resistant with the pool's resistant share (one binomial draw per organ and step).

State and buffers are the named tuples of `state`; output layout constants are in `layout`.
"""

from __future__ import annotations

import math

from numba import njit

from metastasis.engine.death import death_step
from metastasis.engine.dissemination import cascade_due, funnel_to_organs, shed_step
from metastasis.engine.dormancy_step import dormant_fates, dormant_inflow, found_colonies
from metastasis.engine.layout import (
    C_EVENTS,
    C_OBS,
    C_STATUS,
    C_TRAJ,
    P_E,
    P_H,
    P_M,
    P_RE,
    P_RH,
    P_RM,
    S_DEATH_CAUSE,
    S_DEATH_T,
    S_DROPPED_LESIONS,
    S_FIRST_LESION_T,
    S_N_EVENTS,
    S_N_LESIONS,
    S_N_OBS,
    S_N_TRAJ,
    S_RESISTANT_CELLS,
    S_TUMOUR_CELLS,
    STATUS_OK,
)
from metastasis.engine.lesion_steps import (
    add_lesions_to_body,
    large_lesions_step,
    small_lesions_step,
)
from metastasis.engine.primary import initial_primary_array, primary_step
from metastasis.engine.recording import observe_due, record
from metastasis.engine.state import (
    C_T_START,
    L_ALIVE,
    L_BORN,
    L_DROPPED,
    L_SMALL,
    clear_body,
    make_settings,
    new_patient,
    recorder,
)
from metastasis.engine.therapy_step import apply_kill, enter_segment, modifier_tuple, segment_at


@njit(cache=True, nogil=True)
def run_patient(theta, organ_par, arrival, site, shed_override, sched, rng, out_nt):
    """Simulate one patient; fills `out_nt` (a `state.Output`) and returns a STATUS_* code.

    `theta`, `organ_par`, `arrival`, `site` and `shed_override` are the patient's
    `KernelInputs` arrays, `sched` its `state.ScheduleArrays`.
    """
    out_nt.ctr[:] = 0
    out = recorder(out_nt)
    s = make_settings(theta, organ_par, arrival, site, shed_override, out.les_organ.shape[0])
    pt = new_patient(s, out, initial_primary_array(theta))
    les, body, cas, primary = pt.les, pt.body, pt.cas, pt.primary
    bk_n, les_n, ctr = les.bk_n, les.n, out.ctr
    mod_t, kill_t, obs_t = sched.mod_t, sched.kill_t, sched.obs_t
    seg = -1
    j_obs = 0
    j_kill = 0
    mods = modifier_tuple(sched.mod_v[0])
    mods_r = modifier_tuple(sched.mod_vr[0])
    death_t = math.inf
    cause = -1
    step = 0
    while step < s.n_steps:
        t = step * s.dt
        if step % s.rec_every == 0:
            record(pt, s, out, rng, t, step > 0)
        if j_obs < obs_t.shape[0] and obs_t[j_obs] <= t + 1e-9:
            j_obs = observe_due(pt, s, out, obs_t, j_obs, t, step)
        # 1. therapy
        new_seg = segment_at(mod_t, seg, t)
        if new_seg != seg:
            mods = modifier_tuple(sched.mod_v[new_seg])
            mods_r = modifier_tuple(sched.mod_vr[new_seg])
            enter_segment(pt, s, mods, mods_r, rng, t, seg < 0)
            seg = new_seg
        while j_kill < kill_t.shape[0] and kill_t[j_kill] <= t + 1e-9:
            apply_kill(pt, s, out, mods, mods_r, rng, t, sched.kill_target[j_kill],
                       sched.kill_frac[j_kill], sched.kill_dormant[j_kill],
                       sched.kill_spare[j_kill])
            j_kill += 1
        clear_body(body, s.res_on)
        # 2. primary, 3. lesions
        primary_step(primary, body, s, mods, mods_r, step)
        if bk_n[step % s.ode_every] > 0:
            large_lesions_step(les, s, out, mods, mods_r, rng, step, t)
        if les_n[L_SMALL] > 0:
            small_lesions_step(les, s, out, mods, mods_r, rng, step, t)
        add_lesions_to_body(les, body, s.res_on, mods, step % s.rec_every == 0)
        # 4. death
        cause = death_step(body, s, out, t + s.dt)
        if cause != -1:
            death_t = t + s.dt
        # 5. dissemination, 6. dormant cells and founding
        shed_step(body, cas, s)
        t_end_step = t + s.dt
        t_change = mod_t[seg + 1] if seg + 1 < mod_t.shape[0] else math.inf
        t_kill = kill_t[j_kill] if j_kill < kill_t.shape[0] else math.inf
        if cascade_due(step + 1, s.cas_every, s.rec_every, s.n_steps, t_end_step, t_change,
                       t_kill, cause != -1):
            cascade_interval(pt, s, out, mods, mods_r, rng, t_end_step)
        if ctr[C_STATUS] != 0:
            return ctr[C_STATUS]
        step += 1
        if cause != -1:
            break
    # the last record falls on the end of follow-up, or on the death time
    t = step * s.dt
    record(pt, s, out, rng, t, step > 0)
    observe_due(pt, s, out, sched.obs_t, j_obs, t, step)
    if out.ctr[C_STATUS] != 0:
        return out.ctr[C_STATUS]
    summarise(pt, out, death_t, cause)
    return STATUS_OK


@njit(cache=True)
def cascade_interval(pt, s, out, mods, mods_r, rng, t_end_step):
    """Close the cascade interval that ends on day t_end_step: thin the pooled shedding to
    dormant arrivals, draw the pools' fates, found the colonies of the woken cells."""
    t_start = pt.cas.scalars[C_T_START]
    dt_c = t_end_step - t_start
    funnel_to_organs(pt, s, mods, dt_c)
    wake_lam = dormant_inflow(pt.cas, s, rng)
    dormant_fates(pt.cas, s, rng, wake_lam)
    found_colonies(pt, s, out, mods, mods_r, rng, t_start, dt_c)
    pt.cas.scalars[C_T_START] = t_end_step


@njit(cache=True)
def summarise(pt, out, death_t, cause):
    """Fill the patient's summary row (layout.S_*)."""
    les = pt.les
    sm = out.summary
    sm[S_DEATH_T] = death_t
    sm[S_DEATH_CAUSE] = cause
    sm[S_N_EVENTS] = out.ctr[C_EVENTS]
    sm[S_N_TRAJ] = out.ctr[C_TRAJ]
    sm[S_N_LESIONS] = les.n[L_BORN]
    sm[S_N_OBS] = out.ctr[C_OBS]
    sm[S_DROPPED_LESIONS] = les.n[L_DROPPED]
    sm[S_FIRST_LESION_T] = les.first_t[0]
    p = pt.primary
    res_total = p[P_RE] + p[P_RH] + p[P_RM]
    tum_total = p[P_E] + p[P_H] + p[P_M] + res_total
    for kk in range(les.n[L_ALIVE]):
        i = les.alive_idx[kk]
        res_total += les.res[i]
        tum_total += les.cells[i]
    sm[S_RESISTANT_CELLS] = res_total
    sm[S_TUMOUR_CELLS] = tum_total
