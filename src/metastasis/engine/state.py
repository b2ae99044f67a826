"""The kernel's typed containers: settings, schedule, output buffers and a patient's state.

The schedule and the output buffers cross from Python as named tuples of NumPy arrays.
Inside the kernel, the settings, the output buffers and the patient's state are Numba
structrefs: a step function that takes one gets a single reference, where a tuple of
arrays would cost a reference-count update per array on every call. Scalars that change
during a run live in small arrays indexed by the constants below.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from numba import njit
from numba.core import types
from numba.experimental import structref

from metastasis.engine.borrow import borrow
from metastasis.engine.layout import N_COUNTERS
from metastasis.engine.params import (
    T_CASCADE_STEP,
    T_DORM_ODE,
    T_DT,
    T_END,
    T_L_BIRTH,
    T_L_ODE_STEP,
    T_MAX_LESIONS,
    T_RECORD,
    T_STOCH_THR,
)
from metastasis.engine.primary import resistance_settings

RESISTANT_SUBSTEP_DAYS = 7.0
"""Longest sub-step of a large two-clone lesion: the clones share one capacity, so no closed
form exists and each sub-step freezes the Gompertz rates (numerical setting, not biology)."""

# lesion counters (`Lesions.n`)
L_BORN = 0  # slots used (lesion ids are slot + 1; slots are never reused)
L_ALIVE = 1  # lesions alive
L_SMALL = 2  # lesions below the stochastic threshold
L_DROPPED = 3  # colonies not founded because every slot was used
N_LESION_COUNTERS = 4

# cascade scalars (`Cascade.scalars`)
C_LOST = 0  # intensity of shed cells lost before arrest, this record interval
C_T_START = 1  # start of the current cascade interval (days)
N_CASCADE_SCALARS = 2


def _unliteral_fields(self, fields):
    return tuple((name, types.unliteral(typ)) for name, typ in fields)


def _getter(expr: str) -> Callable[[Any], Any]:
    """A Python-side reader of `st.<expr>` for a structref (compiled on first use)."""
    ns: dict[str, Any] = {}
    exec(f"def get(st):\n    return st.{expr}\n", ns)
    compiled = njit(ns["get"])
    return lambda self: compiled(self)


def _structref(name: str, fields: tuple[str, ...], doc: str,
               borrowed: tuple[str, ...] = ()) -> type:
    """A structref type and its proxy class; the proxy's constructor (in compiled code)
    takes the fields in order. Fields named in `borrowed` hold `borrow.borrow` views whose
    owners are the tuple in a last field `keep`, in the order of `borrowed`. From Python,
    each field reads as an attribute; a borrowed one returns its owner."""
    # both classes are module globals under their own names, so that Numba's cache pickles
    # them by reference and every process gets the registered types back
    typ = type(name + "Type", (types.StructRef,), {
        "preprocess_fields": _unliteral_fields, "__module__": __name__,
        "__qualname__": name + "Type"})
    structref.register(typ)
    globals()[name + "Type"] = typ
    attrs: dict[str, object] = {"__doc__": doc, "fields": fields, "__module__": __name__,
                                "__qualname__": name}
    for f in fields:
        expr = f"keep[{borrowed.index(f)}]" if f in borrowed else f
        attrs[f] = property(_getter(expr))
    all_fields = fields + ("keep",) if borrowed else fields
    proxy = type(name, (structref.StructRefProxy,), attrs)
    structref.define_proxy(proxy, typ, list(all_fields))
    return proxy


SETTINGS_FIELDS = (
    "theta",  # scalar parameters, indexed by params.T_*
    "organ_par",  # (len(ORGAN_PAR_NAMES), organs)
    "arrival",  # (organs, organs): P(a cell shed from row arrests in column)
    "site",  # organ index of the primary
    "shed_override",  # primary emission per step while a spatial run supplies it
    "dt",  # step (days)
    "n_steps",  # steps to the end of follow-up
    "rec_every",  # steps between record rows
    "cas_every",  # steps between cascade draws
    "ode_every",  # steps between ODE updates of one large lesion
    "dt_ode",  # days of one such update
    "n_res_sub",  # sub-steps of a two-clone large-lesion update
    "thr",  # stochastic threshold (cells)
    "d_ode",  # dormant pools at or above this follow their mean (cells)
    "birth",  # per-cell division rate of small lesions (1/day)
    "res_on",  # whether a resistant clone is tracked
    "mu_div",  # mutation rate per day of a dividing sensitive cell
    "fit_r",  # growth fitness of the resistant clone (1 − cost)
    "max_les",  # lesion slots
)
Settings = _structref("Settings", SETTINGS_FIELDS,
                      "A patient's parameters and the numerical settings derived from them.",
                      borrowed=("theta", "organ_par", "arrival", "shed_override"))


class ScheduleArrays(NamedTuple):
    """A patient's therapy schedule and scan days, as the kernel reads them."""

    mod_t: np.ndarray  # segment start days
    mod_v: np.ndarray  # (segments, modifiers) of the sensitive clone
    mod_vr: np.ndarray  # (segments, modifiers) of the resistant clone
    kill_t: np.ndarray  # kill days
    kill_target: np.ndarray  # organ index or KILL_* code
    kill_frac: np.ndarray  # surviving fraction
    kill_dormant: np.ndarray  # whether dormant cells are hit too
    kill_spare: np.ndarray  # whether the resistant clone is spared
    obs_t: np.ndarray  # scan days


class Output(NamedTuple):
    """Output buffers of one patient, filled by the kernel; `ctr` counts rows (layout.C_*)."""

    ev_t: np.ndarray
    ev_type: np.ndarray
    ev_organ: np.ndarray
    ev_lesion: np.ndarray
    ev_value: np.ndarray
    traj: np.ndarray
    les_organ: np.ndarray
    les_born: np.ndarray
    les_end: np.ndarray
    les_max_cells: np.ndarray
    obs_time: np.ndarray
    obs_lesion: np.ndarray
    obs_organ: np.ndarray
    obs_cells: np.ndarray
    summary: np.ndarray
    ctr: np.ndarray


Recorder = _structref("Recorder", Output._fields,
                      "The output buffers of `Output`, as one reference for the kernel.",
                      borrowed=Output._fields)

LESION_FIELDS = (
    "cells", "cap", "res", "alive", "shed", "next_t", "qcond",
    "alive_idx", "alive_pos", "sm_idx", "sm_pos", "bk", "bk_n", "bk_pos",
    "organ_burden", "organ_shed", "organ_shed_res", "n", "first_t",
    "organ", "born", "end", "max_cells", "switch_t", "escapes",
)
Lesions = _structref("Lesions", LESION_FIELDS, """Metastases, one slot each (slot + 1 is the lesion id).

cells, cap (vascular capacity), res (resistant cells), alive, shed (cells/day), next_t (a
small lesion's next birth or death, days), qcond (death/birth ratio a new colony is
conditioned on, −1: none); index lists of living and of small lesions; bk (ode_every ×
slots) the large lesions per ODE bucket; per-organ running sums of burden (cells) and
shedding (cells/day); counters n (L_*); first_t [day of the first lesion]; the per-slot
outputs organ, born, end, max_cells, which are the `Output`'s lesion arrays; switch_t,
the day each lesion's avascular phase ends (its capacity is held before it), and escapes,
whether it then switches to angiogenic growth (else it is eliminated that day).""",
                     borrowed=LESION_FIELDS)

BODY_FIELDS = ("burden", "shed", "shed_res")
Body = _structref("Body", BODY_FIELDS,
                  "Per-organ totals of this step: burden (cells) and shedding (cells/day).",
                  borrowed=BODY_FIELDS)

CASCADE_FIELDS = (
    "dormant_v", "extrav_v", "arrest_v", "pend_src", "cas_shed", "cas_shed_res",
    "dormant", "dres", "acc_seed_src", "acc_arrest_fail", "acc_extrav_fail",
    "cnt_dormant_in", "cnt_woke", "scalars",
    "lam_dorm", "lam_res", "fmix", "d_old", "in_now", "p_leave", "share_wake",
    "p_wake_step", "stay_factor", "wake_lam_o", "woke_o", "split_n", "arr_cnt", "extr_cnt",
)
Cascade = _structref("Cascade", CASCADE_FIELDS, """Dissemination and dormancy.

Funnel matrices (organs × organs: P(arrested / extravasated / dormant in column | shed from
row)); shed cells per source pending, and pooled over the cascade interval; dormant cells
(and resistant ones) per organ; record-interval accumulators; scalars (C_*); per-organ
scratch of the cascade and the dormant fates.""", borrowed=CASCADE_FIELDS)

PATIENT_FIELDS = ("primary", "les", "body", "cas")
Patient = _structref("Patient", PATIENT_FIELDS,
                     "Everything that changes during one patient's run: the primary (P_*), "
                     "its lesions, this step's body totals and the cascade.",
                     borrowed=("primary",))


@njit(cache=True)
def make_settings(theta, organ_par, arrival, site, shed_override, slots):
    """Settings of one patient; `slots` caps the lesion slots at the output's capacity."""
    dt = theta[T_DT]
    ode_every = max(1, int(round(theta[T_L_ODE_STEP] / dt)))
    dt_ode = ode_every * dt
    res_on, mu_div, fit_r = resistance_settings(theta)
    return Settings(
        borrow(theta), borrow(organ_par), borrow(arrival), site, borrow(shed_override), dt,
        int(math.ceil(theta[T_END] / dt - 1e-9)),
        max(1, int(round(theta[T_RECORD] / dt))),
        max(1, int(round(theta[T_CASCADE_STEP] / dt))),
        ode_every, dt_ode,
        max(1, int(math.ceil(dt_ode / RESISTANT_SUBSTEP_DAYS))),
        theta[T_STOCH_THR], theta[T_DORM_ODE], theta[T_L_BIRTH],
        res_on, mu_div, fit_r,
        min(int(theta[T_MAX_LESIONS]), slots),
        (theta, organ_par, arrival, shed_override),
    )


@njit(cache=True)
def new_lesions(s, out, n_org):
    """No lesions yet; per-slot outputs are the output's lesion arrays."""
    m = s.max_les
    i8 = np.int64
    keep = (
        np.zeros(m), np.zeros(m), np.zeros(m), np.zeros(m, dtype=np.bool_), np.zeros(m),
        np.zeros(m), np.full(m, -1.0),
        np.zeros(m, dtype=i8), np.zeros(m, dtype=i8), np.zeros(m, dtype=i8),
        np.zeros(m, dtype=i8), np.zeros((s.ode_every, m), dtype=i8),
        np.zeros(s.ode_every, dtype=i8), np.zeros(m, dtype=i8),
        np.zeros(n_org), np.zeros(n_org), np.zeros(n_org),
        np.zeros(N_LESION_COUNTERS, dtype=i8), np.full(1, math.inf),
        out.keep[6], out.keep[7], out.keep[8], out.keep[9], np.zeros(m),
        np.ones(m, dtype=np.bool_),
    )
    b = borrow
    return Lesions(
        b(keep[0]), b(keep[1]), b(keep[2]), b(keep[3]), b(keep[4]), b(keep[5]), b(keep[6]),
        b(keep[7]), b(keep[8]), b(keep[9]), b(keep[10]), b(keep[11]), b(keep[12]),
        b(keep[13]), b(keep[14]), b(keep[15]), b(keep[16]), b(keep[17]), b(keep[18]),
        b(keep[19]), b(keep[20]), b(keep[21]), b(keep[22]), b(keep[23]), b(keep[24]), keep,
    )


@njit(cache=True)
def new_cascade(n_org):
    """Empty pools and accumulators."""
    z = np.zeros
    i8 = np.int64
    keep = (
        z((n_org, n_org)), z((n_org, n_org)), z((n_org, n_org)),
        z(n_org), z(n_org), z(n_org), z(n_org), z(n_org),
        z(n_org), z(n_org), z(n_org), z(n_org), z(n_org, dtype=i8),
        z(N_CASCADE_SCALARS),
        z(n_org), z(n_org), z(n_org), z(n_org), z(n_org), z(n_org), z(n_org), z(n_org),
        z(n_org), z(n_org), z(n_org, dtype=i8), z(n_org, dtype=i8),
        z(n_org, dtype=i8), z(n_org, dtype=i8),
    )
    b = borrow
    return Cascade(
        b(keep[0]), b(keep[1]), b(keep[2]), b(keep[3]), b(keep[4]), b(keep[5]), b(keep[6]),
        b(keep[7]), b(keep[8]), b(keep[9]), b(keep[10]), b(keep[11]), b(keep[12]),
        b(keep[13]), b(keep[14]), b(keep[15]), b(keep[16]), b(keep[17]), b(keep[18]),
        b(keep[19]), b(keep[20]), b(keep[21]), b(keep[22]), b(keep[23]), b(keep[24]),
        b(keep[25]), b(keep[26]), b(keep[27]), keep,
    )


@njit(cache=True)
def new_patient(s, out, primary0):
    """A patient at t = 0 with the given primary compartments (P_* order)."""
    n_org = s.arrival.shape[0]
    totals = (np.zeros(n_org), np.zeros(n_org), np.zeros(n_org))
    body = Body(borrow(totals[0]), borrow(totals[1]), borrow(totals[2]), totals)
    return Patient(borrow(primary0), new_lesions(s, out, n_org), body, new_cascade(n_org),
                   (primary0,))


@njit(cache=True)
def recorder(out):
    """The `Output` tuple's buffers as one `Recorder` reference."""
    b = borrow
    return Recorder(b(out.ev_t), b(out.ev_type), b(out.ev_organ), b(out.ev_lesion),
                    b(out.ev_value), b(out.traj), b(out.les_organ), b(out.les_born),
                    b(out.les_end), b(out.les_max_cells), b(out.obs_time), b(out.obs_lesion),
                    b(out.obs_organ), b(out.obs_cells), b(out.summary), b(out.ctr), out)


@njit(cache=True)
def clear_body(body, res_on):
    """Zero the per-organ totals at the start of a step's growth."""
    for o in range(body.burden.shape[0]):
        body.shed[o] = 0.0
        body.burden[o] = 0.0
        if res_on:
            body.shed_res[o] = 0.0


def new_output(n_ev: int, n_obs: int, n_traj: int, n_traj_cols: int, max_les: int,
               n_summary: int) -> Output:
    """Output buffers of the given row capacities."""
    return Output(
        np.empty(n_ev), np.empty(n_ev, dtype=np.int8), np.empty(n_ev, dtype=np.int16),
        np.empty(n_ev, dtype=np.int32), np.empty(n_ev),
        np.empty((n_traj, n_traj_cols)),
        np.empty(max_les, dtype=np.int16), np.empty(max_les), np.empty(max_les),
        np.empty(max_les),
        np.empty(n_obs), np.empty(n_obs, dtype=np.int32), np.empty(n_obs, dtype=np.int16),
        np.empty(n_obs), np.empty(n_summary), np.zeros(N_COUNTERS, dtype=np.int64),
    )
