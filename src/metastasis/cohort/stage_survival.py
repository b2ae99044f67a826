"""Overall survival from diagnosis by SEER summary stage (Kaplan–Meier, lifelines)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metastasis.units import DAYS_PER_YEAR

STAGES = ("localized", "regional", "distant")


@dataclass(frozen=True)
class StageSurvival:
    """Kaplan–Meier overall survival of one stage: the curve and the 5-year estimate."""

    stage: str
    n: int
    deaths: int
    years: np.ndarray  # curve times (years from diagnosis)
    survival: np.ndarray
    five_year: float  # nan where follow-up ends before 5 years
    five_year_ci: tuple[float, float]


def survival_by_stage(patients: pd.DataFrame) -> list[StageSurvival]:
    """Overall survival of the diagnosed patients of each summary stage present."""
    from lifelines import KaplanMeierFitter

    dx = patients[patients.summary_stage.isin(STAGES)]
    years = (dx.follow_up_days - dx.diagnosis_days) / DAYS_PER_YEAR
    died = ~dx.censored.astype(bool)
    out = []
    for stage in STAGES:
        sel = (dx.summary_stage == stage).to_numpy()
        if not sel.any():
            continue
        km = KaplanMeierFitter().fit(years[sel], died[sel])
        curve = km.survival_function_.iloc[:, 0]
        ci = km.confidence_interval_survival_function_
        covered = years[sel].max() >= 5.0
        at5 = float(km.predict(5.0)) if covered else float("nan")
        row = ci[ci.index <= 5.0].iloc[-1] if covered else None
        out.append(StageSurvival(
            stage, int(sel.sum()), int(died[sel].sum()), curve.index.to_numpy(),
            curve.to_numpy(), at5,
            (float(row.iloc[0]), float(row.iloc[1])) if row is not None else (np.nan, np.nan),
        ))
    return out
