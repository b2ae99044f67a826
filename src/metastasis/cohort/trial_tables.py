"""Column types of the trial tables, fixed so that output bytes never depend on chunking."""

from __future__ import annotations

import pandas as pd

from metastasis.cohort.trial_loader import TrialPlan

_PATIENT_TYPES = {
    "patient": "int64", "arm": "string", "genotype": "string", "sex": "string",
    "hormone_receptor_positive": "boolean", "enrolled": "boolean",
    "diagnosis_diameter_mm": "float64", "tumour_age_at_diagnosis_days": "float64",
    "surgery_diameter_mm": "float64", "t_stage": "string", "node_positive": "boolean", "metastatic_at_diagnosis": "boolean",
    "os_days": "float64", "death": "boolean", "dm_days": "float64", "dm_event": "boolean",
    "mfs_days": "float64", "mfs_event": "boolean", "first_symptom_days": "float64",
    "resistant_share_end": "float64",
}
_SITE_TYPES = {"patient": "int64", "organ": "string", "days_from_diagnosis": "float64",
               "distant": "boolean"}
_COURSE_TYPES = {"patient": "int64", "course": "int64", "therapy": "string", "drug": "string",
                 "start_days": "float64", "stop_days": "float64",
                 "stopped_on_progression": "boolean"}


def column_types(table: str, plan: TrialPlan) -> dict[str, str]:
    """Column → pandas dtype of a trial table, in output order."""
    if table == "patients":
        types = dict(_PATIENT_TYPES)
        params = {k: "float64" for k in sorted(plan.trial.population.parameters)}
        head = list(types)[:8]
        return {**{k: types[k] for k in head}, **params,
                **{k: v for k, v in types.items() if k not in head}}
    return {"sites": _SITE_TYPES, "courses": _COURSE_TYPES}[table]


def final_table(table: str, df: pd.DataFrame, plan: TrialPlan) -> pd.DataFrame:
    """A trial table with fixed columns and types, sorted as in the output."""
    types = column_types(table, plan)
    out = pd.DataFrame({c: (df[c] if c in df else pd.Series(dtype=t)).astype(t)
                        for c, t in types.items()})
    keys = {"patients": ["patient"], "sites": ["patient", "days_from_diagnosis", "organ"],
            "courses": ["patient", "course"]}[table]
    return out.sort_values(keys, kind="stable", ignore_index=True)
