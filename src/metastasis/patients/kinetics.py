"""Per-patient engine parameters: the scenario's theta row, scaled by the patient's kinetics.

Growth is set through the volume doubling time. Every rate of the primary's ODE (Gompertz λ,
the Hahnfeldt stimulation b and inhibition d, the four EMT rates) is multiplied by
m = VDT_scenario / VDT_patient. The system is autonomous, so this rescales the primary's whole
untreated course in time by 1/m and its doubling time at 1 cm³ becomes the patient's VDT
(up to the one-day step). Metastases get the same factor on their growth rates (division
rate of small colonies, λ, b, d), which keeps a small colony's net growth below its division
rate as the scenario has it;
assumption: a patient's metastases share the kinetics of its primary (Klein 2009 Nat Rev
Cancer 9:302 discusses parallel progression; without a per-lesion spread this is the
simplest choice). The other kinetic parameters multiply one rate each (`MULTIPLIED`).
"""

from __future__ import annotations

import math

import numpy as np

from metastasis.engine.params import (
    T_ANGIO_B,
    T_ANGIO_D,
    T_DORM_CLEAR,
    T_DORM_ENTRY,
    T_EMIT_M,
    T_KEH,
    T_KHE,
    T_KHM,
    T_KMH,
    T_L_ANGIO_B,
    T_L_ANGIO_D,
    T_L_AVASC,
    T_L_BIRTH,
    T_L_IMMUNE,
    T_L_LAMBDA,
    T_LAMBDA,
    T_WAKE,
)
from metastasis.engine.primary import first_day_at_size
from metastasis.units import CELLS_PER_MM3

GROWTH_CLOCK = (T_LAMBDA, T_ANGIO_B, T_ANGIO_D, T_KEH, T_KHM, T_KHE, T_KMH,
                T_L_BIRTH, T_L_LAMBDA, T_L_ANGIO_B, T_L_ANGIO_D)
"""Theta entries multiplied by VDT_scenario / VDT_patient."""

MULTIPLIED = {
    "dissemination": T_EMIT_M,
    "dormancy_entry": T_DORM_ENTRY,
    "dormancy_clearance": T_DORM_CLEAR,
    "dormancy_wake": T_WAKE,
    "immune_control": T_L_IMMUNE,
    "angiogenic_dormancy": T_L_AVASC,
}
"""Kinetic multiplier → the theta entry it multiplies."""

CAPPED_AT_ONE = (T_DORM_ENTRY,)
"""Theta entries that are probabilities."""

REFERENCE_CELLS = 1.0e3 * CELLS_PER_MM3
"""The doubling time is measured at 1 cm³ (1e9 cells), about the size at detection."""

DOUBLING_HORIZON_DAYS = 200.0 * 365.25
"""Longest untreated course searched for the reference doubling time (days)."""


def doubling_time_days(theta: np.ndarray) -> float:
    """Volume doubling time (days) of the untreated primary of `theta` at 1 cm³; inf when it
    never reaches 2 cm³."""
    t1 = first_day_at_size(theta, REFERENCE_CELLS, DOUBLING_HORIZON_DAYS)
    t2 = first_day_at_size(theta, 2.0 * REFERENCE_CELLS, DOUBLING_HORIZON_DAYS)
    return float(t2 - t1) if np.isfinite(t2) else math.inf


def patient_thetas(theta: np.ndarray, kinetics: dict[str, np.ndarray],
                   reference_doubling_time: float) -> np.ndarray:
    """One theta row per patient (patients × len(theta)); a multiplier missing from
    `kinetics` is 1."""
    vdt = kinetics["volume_doubling_time_days"]
    rows = np.tile(theta, (len(vdt), 1))
    # a primary without a doubling time at 1 cm³ (it never grows that large) keeps its own
    # growth: `prepare_cohort` refuses a population that would set one
    clock = np.where(np.isfinite(vdt), reference_doubling_time / vdt, 1.0)
    for j in GROWTH_CLOCK:
        rows[:, j] *= clock
    for name, j in MULTIPLIED.items():
        if name in kinetics:
            rows[:, j] *= kinetics[name]
    for j in CAPPED_AT_ONE:
        rows[:, j] = np.minimum(rows[:, j], 1.0)
    return rows
