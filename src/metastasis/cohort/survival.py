"""Survival analysis of trial tables: Kaplan–Meier, log-rank, Cox, cumulative incidence.

Kaplan–Meier, log-rank and Cox come from lifelines; the cumulative incidence of metastasis
by organ (death without it a competing risk) is the Aalen–Johansen estimator, written out
here so that ties are handled deterministically.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metastasis.units import DAYS_PER_YEAR

ENDPOINTS = {
    "overall_survival": ("os_days", "death"),
    "metastasis_free_survival": ("mfs_days", "mfs_event"),
    "time_to_detected_metastasis": ("dm_days", "dm_event"),
}
"""Endpoint → (time column in days from diagnosis, event column)."""
CONFIDENCE = 0.95


@dataclass(frozen=True)
class ArmSurvival:
    """Kaplan–Meier read-out of one arm for one endpoint (times in days)."""

    arm: str
    n: int
    events: int
    median_days: float
    median_ci_days: tuple[float, float]
    landmark: dict[float, float]  # years → survival probability


@dataclass(frozen=True)
class Comparison:
    """One arm against the reference: Cox hazard ratio with CI."""

    arm: str
    hazard_ratio: float
    ci: tuple[float, float]
    p: float


def kaplan_meier(df: pd.DataFrame, endpoint: str, landmarks: list[float]) -> list[ArmSurvival]:
    """Per-arm Kaplan–Meier medians with CI and landmark survival."""
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    t_col, e_col = ENDPOINTS[endpoint]
    out = []
    for arm, g in df.groupby("arm", sort=False, observed=True):
        kmf = KaplanMeierFitter(alpha=1 - CONFIDENCE).fit(g[t_col], g[e_col].astype(bool))
        ci = median_survival_times(kmf.confidence_interval_).to_numpy().ravel()
        land = {y: float(kmf.survival_function_at_times(y * DAYS_PER_YEAR).iloc[0])
                for y in landmarks}
        out.append(ArmSurvival(str(arm), len(g), int(g[e_col].sum()),
                               float(kmf.median_survival_time_), (float(ci[0]), float(ci[1])), land))
    return out


def logrank_p(df: pd.DataFrame, endpoint: str) -> float:
    """Log-rank p-value across arms (nan with one arm)."""
    from lifelines.statistics import multivariate_logrank_test

    t_col, e_col = ENDPOINTS[endpoint]
    if df.arm.nunique() < 2:
        return math.nan
    res = multivariate_logrank_test(df[t_col], df.arm.astype(str), df[e_col].astype(bool))
    return float(res.p_value)


def cox_hazard_ratios(df: pd.DataFrame, endpoint: str, reference: str) -> list[Comparison]:
    """Cox hazard ratio of each arm against `reference` (one model with arm indicators)."""
    from lifelines import CoxPHFitter

    t_col, e_col = ENDPOINTS[endpoint]
    arms = [a for a in pd.unique(df.arm.astype(str)) if a != reference]
    if not arms or df[e_col].sum() == 0:
        return []
    x = pd.DataFrame({"T": df[t_col].to_numpy(), "E": df[e_col].astype(bool).to_numpy()})
    for a in arms:
        x[f"arm={a}"] = (df.arm.astype(str) == a).to_numpy().astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cph = CoxPHFitter(alpha=1 - CONFIDENCE).fit(x, "T", "E")
    s = cph.summary
    lo = f"exp(coef) lower {round(CONFIDENCE * 100)}%"
    hi = f"exp(coef) upper {round(CONFIDENCE * 100)}%"
    return [Comparison(a, float(s.loc[f"arm={a}", "exp(coef)"]),
                       (float(s.loc[f"arm={a}", lo]), float(s.loc[f"arm={a}", hi])),
                       float(s.loc[f"arm={a}", "p"])) for a in arms]


def cumulative_incidence(time: np.ndarray, cause: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Aalen–Johansen cumulative incidence of cause 1 on `grid`, cause 2 competing, 0 censored.

    At tied times events precede censoring; all causes at a time share its risk set.
    """
    order = np.lexsort((cause == 0, time))
    t, c = time[order], cause[order]
    uniq, idx = np.unique(t, return_index=True)
    at_risk = len(t) - idx
    d1 = np.add.reduceat((c == 1).astype(float), idx) if len(t) else np.zeros(0)
    d_any = np.add.reduceat((c > 0).astype(float), idx) if len(t) else np.zeros(0)
    surv_before = np.concatenate([[1.0], np.cumprod(1.0 - d_any / at_risk)[:-1]])
    cif = np.cumsum(surv_before * d1 / at_risk)
    pos = np.searchsorted(uniq, grid, side="right") - 1
    return np.where(pos >= 0, cif[np.clip(pos, 0, None)] if len(cif) else 0.0, 0.0)


def site_incidence(patients: pd.DataFrame, sites: pd.DataFrame, organs: list[str],
                   years: float) -> pd.DataFrame:
    """Cumulative incidence (%) of detected metastasis per organ and arm at `years`."""
    grid = np.array([years * DAYS_PER_YEAR])
    rows = []
    for arm, g in patients.groupby("arm", sort=False, observed=True):
        for organ in organs:
            s = sites[(sites.organ == organ) & sites.patient.isin(g.patient)]
            first = s.groupby("patient")["days_from_diagnosis"].min()
            t_site = g.patient.map(first).to_numpy(dtype=float)
            has = np.isfinite(t_site) & (t_site <= g.os_days.to_numpy())
            time = np.where(has, t_site, g.os_days.to_numpy())
            cause = np.where(has, 1, np.where(g.death.to_numpy(dtype=bool), 2, 0))
            rows.append((str(arm), organ, 100.0 * float(cumulative_incidence(time, cause, grid)[0])))
    return pd.DataFrame(rows, columns=["arm", "organ", "percent"]).pivot(
        index="organ", columns="arm", values="percent").loc[organs]
