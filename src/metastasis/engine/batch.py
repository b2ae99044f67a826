"""Run a batch of patients through the kernel and gather struct-of-arrays outputs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from metastasis.engine.kernel import run_patient
from metastasis.engine.layout import (
    N_SUMMARY,
    N_TRAJ_FIXED,
    S_N_EVENTS,
    S_N_LESIONS,
    S_N_OBS,
    S_N_TRAJ,
    STATUS_EVENTS_FULL,
    STATUS_OBSERVATIONS_FULL,
    STATUS_OK,
)
from metastasis.engine.params import (
    T_DT,
    T_END,
    T_MAX_LESIONS,
    T_RECORD,
    KernelInputError,
    KernelInputs,
    Schedule,
    check_observation_days,
    check_organ_pars,
    check_thetas,
)
from metastasis.engine.rng import ENGINE_STREAM, patient_generator
from metastasis.engine.state import Output, ScheduleArrays, new_output

INITIAL_EVENT_ROWS = 4096
INITIAL_OBS_ROWS = 4096
MAX_BUFFER_ROWS = 1 << 26


@dataclass
class BatchOutput:
    """Concatenated kernel outputs of a batch; `patient` columns hold global patient indices."""

    n_organs: int
    ev_patient: np.ndarray
    ev_t: np.ndarray
    ev_type: np.ndarray
    ev_organ: np.ndarray
    ev_lesion: np.ndarray
    ev_value: np.ndarray
    tr_patient: np.ndarray
    traj: np.ndarray  # (rows, 1 + 4 + 2·n_organs): t, E, H, M, K, lesion burden, dormant
    les_patient: np.ndarray
    les_id: np.ndarray
    les_organ: np.ndarray
    les_born: np.ndarray
    les_end: np.ndarray
    les_max_cells: np.ndarray
    obs_patient: np.ndarray
    obs_t: np.ndarray
    obs_lesion: np.ndarray
    obs_organ: np.ndarray
    obs_cells: np.ndarray
    summary: np.ndarray  # (patients, N_SUMMARY)
    patients: np.ndarray


def run_batch(
    inputs: KernelInputs,
    patients: Sequence[int],
    seed: int,
    schedules: Sequence[Schedule] | None = None,
    progress: Callable[[int], None] | None = None,
    thetas: np.ndarray | None = None,
    observe_t_days: Sequence[np.ndarray] | None = None,
    organ_pars: np.ndarray | None = None,
) -> BatchOutput:
    """Simulate the given global patient indices; schedule i belongs to patients[i].

    `thetas` (patients × len(THETA_NAMES)) gives each patient its own scalar parameters,
    `observe_t_days` its own scan days and `organ_pars` (patients × rows × organs) its own
    organ table; without them every patient uses `inputs`.
    """
    theta, arrival = inputs.theta, inputs.arrival
    if thetas is not None:
        thetas = check_thetas(thetas, len(patients))
    if organ_pars is not None:
        organ_pars = check_organ_pars(organ_pars, len(patients))
    if observe_t_days is not None:
        if len(observe_t_days) != len(patients):
            raise KernelInputError("observe_t_days", f"{len(observe_t_days)} scan schedules",
                                   f"one per patient ({len(patients)})")
        observe_t_days = [check_observation_days(o, f"observe_t_days[{i}]")
                          for i, o in enumerate(observe_t_days)]
    if schedules is not None and len(schedules) != len(patients):
        raise KernelInputError("schedules", f"{len(schedules)} schedules",
                               f"one per patient ({len(patients)})")
    n_org = arrival.shape[0]
    rows = theta[None, :] if thetas is None else thetas
    dt, t_end, rec = rows[:, T_DT].min(), rows[:, T_END].max(), rows[:, T_RECORD].min()
    n_traj = int(np.ceil(t_end / dt / max(1, round(rec / dt)))) + 3
    max_les = int(rows[:, T_MAX_LESIONS].max())
    width = 1 + N_TRAJ_FIXED + 2 * n_org
    buf = new_output(INITIAL_EVENT_ROWS, INITIAL_OBS_ROWS, n_traj, width, max_les, N_SUMMARY)
    default = Schedule()
    parts: dict[str, list[np.ndarray]] = {k: [] for k in _PART_KEYS}
    summaries = np.empty((len(patients), N_SUMMARY))
    for idx, p in enumerate(patients):
        sch = schedules[idx] if schedules is not None else default
        th = theta if thetas is None else thetas[idx]
        obs = inputs.observe_t_days if observe_t_days is None else observe_t_days[idx]
        arrays = _schedule_arrays(sch, obs)
        op = inputs.organ_par if organ_pars is None else organ_pars[idx]
        buf = _run_one(inputs, th, op, arrays, seed, int(p), buf)
        s = buf.summary
        summaries[idx] = s
        ne, nt, nl, no = int(s[S_N_EVENTS]), int(s[S_N_TRAJ]), int(s[S_N_LESIONS]), int(s[S_N_OBS])
        parts["ev_patient"].append(np.full(ne, p, dtype=np.int64))
        parts["ev_t"].append(buf.ev_t[:ne].copy())
        parts["ev_type"].append(buf.ev_type[:ne].copy())
        parts["ev_organ"].append(buf.ev_organ[:ne].copy())
        parts["ev_lesion"].append(buf.ev_lesion[:ne].copy())
        parts["ev_value"].append(buf.ev_value[:ne].copy())
        parts["tr_patient"].append(np.full(nt, p, dtype=np.int64))
        parts["traj"].append(buf.traj[:nt].copy())
        parts["les_patient"].append(np.full(nl, p, dtype=np.int64))
        parts["les_id"].append(np.arange(1, nl + 1, dtype=np.int32))
        parts["les_organ"].append(buf.les_organ[:nl].copy())
        parts["les_born"].append(buf.les_born[:nl].copy())
        parts["les_end"].append(buf.les_end[:nl].copy())
        parts["les_max_cells"].append(buf.les_max_cells[:nl].copy())
        parts["obs_patient"].append(np.full(no, p, dtype=np.int64))
        parts["obs_t"].append(buf.obs_time[:no].copy())
        parts["obs_lesion"].append(buf.obs_lesion[:no].copy())
        parts["obs_organ"].append(buf.obs_organ[:no].copy())
        parts["obs_cells"].append(buf.obs_cells[:no].copy())
        if progress is not None:
            progress(1)
    cat = {
        k: (np.concatenate(v) if v else np.zeros((0, width) if k == "traj" else 0))
        for k, v in parts.items()
    }
    return BatchOutput(
        n_organs=n_org, summary=summaries, patients=np.asarray(patients, dtype=np.int64), **cat
    )


def _schedule_arrays(sch: Schedule, obs_t_days: np.ndarray) -> ScheduleArrays:
    """A schedule and scan days as the kernel reads them."""
    return ScheduleArrays(
        sch.mod_t_days, sch.mod_values, sch.resistant_rows(), sch.kill_t_days, sch.kill_target,
        sch.kill_surviving_fraction, sch.kill_dormant, sch.spares(), obs_t_days,
    )


def _run_one(inputs: KernelInputs, theta: np.ndarray, organ_par: np.ndarray,
             sched: ScheduleArrays, seed: int, patient: int, buf: Output) -> Output:
    """Run one patient, doubling the event or scan buffer and starting over from the
    patient's own seed whenever one runs out; returns the buffers that held the run."""
    while True:
        rng = patient_generator(seed, patient, ENGINE_STREAM)
        status = run_patient(theta, organ_par, inputs.arrival, inputs.primary_site,
                             inputs.primary_shed_per_day, sched, rng, buf)
        if status == STATUS_OK:
            return buf
        n_ev, n_obs = len(buf.ev_t), len(buf.obs_time)
        if status == STATUS_EVENTS_FULL:
            n_ev *= 2
        elif status == STATUS_OBSERVATIONS_FULL:
            n_obs *= 2
        else:
            raise RuntimeError(f"kernel status {status} for patient {patient}")
        if max(n_ev, n_obs) > MAX_BUFFER_ROWS:
            raise RuntimeError(f"patient {patient}: output exceeds {MAX_BUFFER_ROWS} rows")
        buf = new_output(n_ev, n_obs, buf.traj.shape[0], buf.traj.shape[1],
                         len(buf.les_organ), len(buf.summary))


_PART_KEYS = (
    "ev_patient", "ev_t", "ev_type", "ev_organ", "ev_lesion", "ev_value",
    "tr_patient", "traj",
    "les_patient", "les_id", "les_organ", "les_born", "les_end", "les_max_cells",
    "obs_patient", "obs_t", "obs_lesion", "obs_organ", "obs_cells",
)


_PER_PATIENT_KEYS = (
    ("ev_patient", ("ev_t", "ev_type", "ev_organ", "ev_lesion", "ev_value")),
    ("tr_patient", ("traj",)),
    ("les_patient", ("les_id", "les_organ", "les_born", "les_end", "les_max_cells")),
    ("obs_patient", ("obs_t", "obs_lesion", "obs_organ", "obs_cells")),
)
"""Per-patient columns of a BatchOutput: the patient column and the columns aligned with it."""


def subset_output(out: BatchOutput, keep: np.ndarray) -> BatchOutput:
    """The part of a batch output that belongs to the patients in `keep`."""
    fields: dict[str, Any] = {"n_organs": out.n_organs}
    for key, others in _PER_PATIENT_KEYS:
        sel = np.isin(getattr(out, key), keep)
        fields[key] = getattr(out, key)[sel]
        for k in others:
            fields[k] = getattr(out, k)[sel]
    sel = np.isin(out.patients, keep)
    fields["summary"] = out.summary[sel]
    fields["patients"] = out.patients[sel]
    return BatchOutput(**fields)


def concat_outputs(outs: list[BatchOutput]) -> BatchOutput:
    """Batch outputs of disjoint patients, ordered by patient."""
    fields: dict[str, Any] = {"n_organs": outs[0].n_organs}
    for key, others in _PER_PATIENT_KEYS:
        pat = np.concatenate([getattr(o, key) for o in outs])
        order = np.argsort(pat, kind="stable")
        fields[key] = pat[order]
        for k in others:
            fields[k] = np.concatenate([getattr(o, k) for o in outs])[order]
    pats = np.concatenate([o.patients for o in outs])
    order = np.argsort(pats, kind="stable")
    fields["patients"] = pats[order]
    fields["summary"] = np.concatenate([o.summary for o in outs])[order]
    return BatchOutput(**fields)
