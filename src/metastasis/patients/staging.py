"""TNM and SEER summary stage of each diagnosed patient (rules: `scenario.staging`).

The work-up is the first scan after diagnosis (`clinical.imaging.start_day`, 0: on the day of
diagnosis). At it:

- T is the band of `t_limits_mm` holding the primary's diameter at diagnosis;
- N counts the regional-node lesions of at least `node_deposit_min_mm`; if there are any,
  they are found with probability `node_sensitivity` (one uniform per patient from its
  `STAGING_STREAM`), and the count gives the band of `n_limits`;
- M1 if a distant lesion (any organ but the primary's own and the regional nodes) is
  detected on that scan, or if a symptom of a metastasis led to the diagnosis; the organs
  with a detected distant lesion (`m1_sites`) and how many such lesions (`m1_lesions`) are
  what a pathway's metastasectomy asks of its candidates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metastasis.anatomy.organs import ORGANS
from metastasis.engine.batch import BatchOutput
from metastasis.engine.events import PRIMARY_LESION_ID
from metastasis.engine.rng import STAGING_STREAM, patient_generator
from metastasis.patients.cohort import PreparedCohort
from metastasis.patients.presentation import R_METASTASIS
from metastasis.scenario.schema import Scenario
from metastasis.units import cells_for_diameter

REGIONAL = "regional_lymph_nodes"
"""The organ whose lesions are regional-node deposits rather than distant metastases."""
STAGE_COLUMNS = ("t_stage", "n_stage", "m_stage", "summary_stage", "positive_nodes",
                 "m1_sites", "m1_lesions")


def _bands(values: np.ndarray, limits: list, prefix: str, first: int) -> np.ndarray:
    k = np.searchsorted(np.asarray(limits, dtype=np.float64), values, side="left")
    return np.array([f"{prefix}{first + int(i)}" for i in k], dtype=object)


def stage_patients(out: BatchOutput, lesions: pd.DataFrame, cohort: PreparedCohort,
                   sc: Scenario, seed: int) -> pd.DataFrame:
    """Stage columns per patient (in cohort order; "" and NA where never diagnosed).

    `lesions` is the clinical read-out's lesion table (with `detected_days`).
    """
    st = sc.staging
    pres = cohort.presentation
    patients = cohort.draws.patient
    work_up = pres.days + sc.clinical.imaging.start_day
    at = pd.Series(work_up, index=patients)
    regional, own = ORGANS.index(REGIONAL), ORGANS.index(sc.primary_site)

    min_cells = cells_for_diameter(st.node_deposit_min_mm)
    obs = pd.DataFrame({"patient": out.obs_patient, "t": out.obs_t, "organ": out.obs_organ,
                        "cells": out.obs_cells})
    obs = obs[(obs.organ == regional) & (obs.cells >= min_cells)]
    obs = obs[np.abs(obs.t.to_numpy() - at.reindex(obs.patient).to_numpy()) < 1e-6]
    nodes = obs.groupby("patient").size().reindex(patients).fillna(0).to_numpy(dtype=np.int64)
    found = np.array([patient_generator(seed, int(p), STAGING_STREAM).random()
                      for p in patients]) < st.node_sensitivity
    positive = np.where(found, nodes, 0)

    distant = lesions[(lesions.lesion_id != PRIMARY_LESION_ID) & ~lesions.organ.isin([regional, own])
                      & lesions.detected_days.notna()]
    distant = distant[distant.detected_days.to_numpy()
                      <= at.reindex(distant.patient).to_numpy() + 1e-6]
    m1 = np.isin(patients, distant.patient.unique()) | (pres.route == R_METASTASIS)
    m1_sites, m1_lesions = _m1_findings(distant, patients)

    dx = np.isfinite(pres.days)
    t_stage = _bands(np.nan_to_num(pres.diameter_mm), st.t_limits_mm, "T", 1)
    n_stage = np.where(positive > 0, _bands(positive, st.n_limits, "N", 1), "N0")
    summary = np.where(m1, "distant", np.where(positive > 0, "regional", "localized"))
    return pd.DataFrame({
        "t_stage": np.where(dx, t_stage, ""),
        "n_stage": np.where(dx, n_stage, ""),
        "m_stage": np.where(dx, np.where(m1, "M1", "M0"), ""),
        "summary_stage": np.where(dx, summary, ""),
        "positive_nodes": pd.Series(positive, dtype="Int64").where(dx, pd.NA),
        "m1_sites": np.where(dx, m1_sites, ""),
        "m1_lesions": pd.Series(m1_lesions, dtype="Int64").where(dx, pd.NA),
    })


def _m1_findings(distant: pd.DataFrame, patients: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per patient: the organs of the distant lesions found at the work-up (names joined by
    ";" in organ order, "" if none) and how many lesions were found."""
    names = np.asarray(ORGANS, dtype=object)
    sites = distant.groupby("patient").organ.apply(
        lambda o: ";".join(names[np.unique(o.to_numpy())]))
    counts = distant.groupby("patient").size()
    return (sites.reindex(patients).fillna("").to_numpy(dtype=object),
            counts.reindex(patients).fillna(0).to_numpy(dtype=np.int64))
