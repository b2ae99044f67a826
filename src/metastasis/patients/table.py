"""The `patients` table: who each patient was, when it was diagnosed, how it ended."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metastasis.anatomy.organs import ORGANS
from metastasis.patients.cohort import PreparedCohort
from metastasis.patients.presentation import ROUTES
from metastasis.scenario.population import KINETIC_PARAMETERS, Population
from metastasis.units import DAYS_PER_YEAR

OTHER_CAUSE = "other"
"""`death_cause` of a death from other causes (life table)."""


def _status(pop: Population, names: tuple[str, ...], subtype: np.ndarray,
            field: str) -> pd.array:
    values = [getattr(pop.subtypes[n], field) for n in names]
    return pd.array([values[i] for i in subtype], dtype="boolean")


def patient_table(clinical: pd.DataFrame, cohort: PreparedCohort, pop: Population,
                  stages: pd.DataFrame, treatment: np.ndarray, *, arm: str,
                  genotype: str) -> pd.DataFrame:
    """One row per patient: characteristics, kinetics, diagnosis, clinical columns, outcome.

    `clinical` is the clinical read-out's per-patient columns, `stages` the staging and
    recurrence columns and `treatment` the pathway steps each patient received (all in patient order). A patient
    is diagnosed on the day of its presentation if it is alive then; a patient
    alive at the end of its simulation that ends on its other-cause death day died of other
    causes.
    """
    d = cohort.draws
    cancer_death = clinical.death_days.to_numpy(dtype=np.float64)
    other = cohort.other_cause_death_days
    died_other = np.isnan(cancer_death) & np.isfinite(other) & (cohort.end_days >= other - 1e-9)
    death = np.where(died_other, other, cancer_death)
    pres = cohort.presentation
    t_dx = pres.days
    diagnosed = np.isfinite(t_dx) & ~(death <= t_dx)
    out = pd.DataFrame({
        "patient": d.patient,
        "arm": arm,
        "genotype": genotype,
        "sex": np.where(d.female, "female", "male"),
        "subtype": np.asarray(d.subtype_names, dtype=object)[d.subtype],
        "hormone_receptor_positive": _status(pop, d.subtype_names, d.subtype,
                                             "hormone_receptor_positive"),
        "her2_positive": _status(pop, d.subtype_names, d.subtype, "her2_positive"),
        "age_at_first_cell_years": cohort.age_at_first_cell_years,
        "age_at_diagnosis_years": np.where(
            diagnosed, cohort.age_at_first_cell_years + t_dx / DAYS_PER_YEAR, np.nan),
        "presentation": np.where(diagnosed, np.asarray(ROUTES, dtype=object)[pres.route], ""),
        "presentation_detail": np.where(diagnosed, pres.detail, ""),
        "diagnosis_days": np.where(diagnosed, t_dx, np.nan),
        "diagnosis_diameter_mm": np.where(diagnosed, pres.diameter_mm, np.nan),
    })
    shown = pd.Series(diagnosed, index=out.index)
    for name in stages.columns:
        col = stages[name].set_axis(out.index)
        blank = pd.NA if col.dtype == "Int64" else (np.nan if col.dtype.kind == "f" else "")
        out[name] = col.where(shown, blank)
    out["treatment"] = np.where(diagnosed, treatment, "")
    for name in KINETIC_PARAMETERS:
        out[name] = d.kinetics[name]
    for j, organ in enumerate(ORGANS):
        out[f"tropism_{organ}"] = cohort.tropism[:, j]
    rest = clinical.drop(columns=["patient", "death_days", "death_cause"])
    out = pd.concat([out, rest.reset_index(drop=True)], axis=1)
    out["death_days"] = np.where(np.isfinite(death), death, np.nan)
    out["death_cause"] = np.where(died_other, OTHER_CAUSE, clinical.death_cause.to_numpy())
    out["censored"] = out.death_days.isna()
    out["follow_up_days"] = np.where(out.censored, cohort.end_days, out.death_days)
    return out
