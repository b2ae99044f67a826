"""`simulate`: scenario → engine → clinical read-out → result tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from metastasis._version import __version__
from metastasis.anatomy.organs import ORGANS
from metastasis.clinical.readout import SYMPTOM_NAMES, clinical_readout
from metastasis.engine.batch import BatchOutput
from metastasis.engine.events import EVENT_NAMES
from metastasis.engine.layout import N_TRAJ_FIXED
from metastasis.engine.params import (
    KILL_ALL_LESIONS,
    KILL_EVERYTHING,
    KILL_PRIMARY,
    Schedule,
    build_inputs,
)
from metastasis.patients import simulate_cohort
from metastasis.patients.recurrence import recurrences
from metastasis.patients.staging import stage_patients
from metastasis.patients.table import patient_table
from metastasis.result import SimulationResult
from metastasis.scenario.loader import load_scenario
from metastasis.scenario.schema import Scenario

EVENT_DTYPE = pd.CategoricalDtype(list(EVENT_NAMES), ordered=True)
SPECIAL_ORGANS = {
    KILL_PRIMARY: "primary",
    KILL_ALL_LESIONS: "all_lesions",
    KILL_EVERYTHING: "everything",
}
ORGAN_LABELS = list(ORGANS) + ["primary", "all_lesions", "everything", "total_burden"]
ORGAN_DTYPE = pd.CategoricalDtype(ORGAN_LABELS)
DETAIL_LABELS = ("", "kill", *SYMPTOM_NAMES)
"""Values of the events' `detail` column: empty, a treatment kill, or a symptom name."""
COMPARTMENTS = (
    "primary_epithelial", "primary_hybrid", "primary_mesenchymal", "primary_capacity",
    "lesions", "dormant",
)
COMPARTMENT_DTYPE = pd.CategoricalDtype(list(COMPARTMENTS))


def _organ_codes(codes: np.ndarray, event_codes: np.ndarray) -> np.ndarray:
    """Engine organ codes (organ index, or a negative special target) → ORGAN_LABELS codes."""
    out = codes.astype(np.int64)
    for code, name in SPECIAL_ORGANS.items():
        out[codes == code] = ORGAN_LABELS.index(name)
    death = (event_codes == EVENT_NAMES.index("death")) & (codes == -2)
    out[death] = ORGAN_LABELS.index("total_burden")
    return out


def _events_table(out: BatchOutput, clinical_events: pd.DataFrame) -> pd.DataFrame:
    """All events, ordered by patient, time, event kind, organ, lesion and detail."""
    treatment = out.ev_type == EVENT_NAMES.index("treatment")
    clin_detail = clinical_events.detail.to_numpy(dtype=object)
    unknown = sorted(set(clin_detail) - set(DETAIL_LABELS))
    labels = list(DETAIL_LABELS) + unknown
    lookup = {name: i for i, name in enumerate(labels)}
    detail_codes = np.concatenate([
        np.where(treatment, lookup["kill"], lookup[""]),
        np.fromiter((lookup[d] for d in clin_detail), dtype=np.int64, count=len(clin_detail)),
    ])
    patient = np.concatenate([out.ev_patient, clinical_events.patient.to_numpy(np.int64)])
    time = np.concatenate([out.ev_t, clinical_events.time_days.to_numpy(np.float64)])
    event = np.concatenate([out.ev_type.astype(np.int64),
                            clinical_events.event.to_numpy(np.int64)])
    organ = np.concatenate([out.ev_organ.astype(np.int64),
                            clinical_events.organ.to_numpy(np.int64)])
    lesion = np.concatenate([out.ev_lesion, clinical_events.lesion_id.to_numpy(np.int32)])
    value = np.concatenate([out.ev_value, clinical_events.value.to_numpy(np.float64)])
    organ_codes = _organ_codes(organ, event)
    order = np.lexsort((detail_codes, lesion, organ_codes, event, time, patient))
    return pd.DataFrame({
        "patient": patient[order],
        "time_days": time[order],
        "event": pd.Categorical.from_codes(event[order], dtype=EVENT_DTYPE),
        "organ": pd.Categorical.from_codes(organ_codes[order], dtype=ORGAN_DTYPE),
        "lesion_id": lesion[order].astype(np.int32),
        "value": value[order],
        "detail": pd.Categorical.from_codes(detail_codes[order], categories=labels),
    })


def _trajectory_table(out: BatchOutput, site: str) -> pd.DataFrame:
    n_org = out.n_organs
    tr = out.traj
    t = tr[:, 0]
    frames = []
    for j, comp in enumerate(COMPARTMENTS[:4]):
        frames.append(pd.DataFrame({
            "patient": out.tr_patient, "time_days": t, "compartment": comp, "organ": site,
            "cells": tr[:, 1 + j],
        }))
    for k, comp in enumerate(("lesions", "dormant")):
        block = tr[:, 1 + N_TRAJ_FIXED + k * n_org: 1 + N_TRAJ_FIXED + (k + 1) * n_org]
        rows, cols = np.nonzero(block > 0)
        frames.append(pd.DataFrame({
            "patient": out.tr_patient[rows], "time_days": t[rows], "compartment": comp,
            "organ": np.asarray(ORGANS, dtype=object)[cols], "cells": block[rows, cols],
        }))
    df = pd.concat(frames, ignore_index=True)
    df = df.sort_values(["patient", "time_days", "compartment", "organ"], kind="stable",
                        ignore_index=True)
    df["compartment"] = pd.Categorical(df.compartment, dtype=COMPARTMENT_DTYPE)
    df["organ"] = pd.Categorical(df.organ, dtype=pd.CategoricalDtype(list(ORGANS)))
    return df


def simulate(
    scenario: Scenario | str | Path,
    *,
    patients: int = 1,
    years: float | None = None,
    seed: int = 0,
    first_patient: int = 0,
    schedules: Sequence[Schedule] | None = None,
    arm: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Simulate `patients` virtual patients of a scenario (preset name, TOML path or Scenario).

    Each patient is drawn from the scenario's population (sex, age, subtype, kinetics), is
    simulated from its first malignant cell, diagnosed by the first route of its
    `presentation` (symptoms, screening, incidental imaging, metastatic symptoms), and
    followed for `years` after diagnosis (the scenario's `time.years` unless
    given), or until death. Patients are numbered `first_patient …`; patient i's randomness
    comes from (seed, i) only, so any split of a cohort into calls gives the same rows.
    """
    sc = load_scenario(scenario)
    if arm is None:
        arm = "standard of care" if sc.history == "standard_of_care" else "natural history"
    if patients < 0:
        raise ValueError(f"patients = {patients}: expected a non-negative integer")
    if years is not None and not years > 0:
        raise ValueError(f"years = {years}: expected a positive number")
    if seed < 0:
        raise ValueError(f"seed = {seed}: expected a non-negative integer")
    inputs = build_inputs(sc, years=years)
    ids = list(range(first_patient, first_patient + patients))
    cohort, out, treatment = simulate_cohort(sc, inputs, seed, ids, inputs.years,
                                             schedules=schedules, progress=progress)
    clin = clinical_readout(out, sc, seed)
    stages = stage_patients(out, clin.lesions, cohort, sc, seed)
    stages = pd.concat([stages, recurrences(clin.lesions, cohort, stages, sc)], axis=1)
    pats = patient_table(clin.patient_columns, cohort, sc.population, stages, treatment,
                         arm=arm, genotype=sc.genotype.label())
    lesions = clin.lesions.copy()
    lesions["organ"] = pd.Categorical(
        np.asarray(ORGANS, dtype=object)[lesions.organ.to_numpy()],
        dtype=pd.CategoricalDtype(list(ORGANS)),
    )
    meta = {
        "scenario": sc.name, "cancer_type": sc.cancer_type, "primary_site": sc.primary_site,
        "patients": patients, "first_patient": first_patient, "years": inputs.years,
        "seed": seed, "metastasis_version": __version__, "arm": arm, "history": sc.history,
        "scenario_json": sc.model_dump(mode="json"),
    }
    return SimulationResult(
        events=_events_table(out, clin.events),
        trajectories=_trajectory_table(out, sc.primary_site),
        patients=pats,
        lesions=lesions,
        metadata=meta,
    )
