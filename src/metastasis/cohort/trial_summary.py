"""The trial summary: per endpoint Kaplan–Meier by arm, log-rank p, Cox HR; site incidence."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from metastasis.anatomy.organs import ORGANS
from metastasis.cohort.survival import (
    ENDPOINTS,
    cox_hazard_ratios,
    kaplan_meier,
    logrank_p,
    site_incidence,
)
from metastasis.cohort.trial_loader import TrialPlan
from metastasis.units import DAYS_PER_YEAR

SIGNIFICANT_DIGITS = 6
"""Floats in summary.json are rounded to this many significant digits."""


def _r(x: float) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return float(f"{x:.{SIGNIFICANT_DIGITS}g}")


def analysis_set(plan: TrialPlan, patients: pd.DataFrame) -> pd.DataFrame:
    """Enrolled patients, less M1 at diagnosis if the endpoints say so."""
    df = patients[patients.enrolled.fillna(False).astype(bool)]
    if plan.trial.endpoints.exclude_metastatic_at_diagnosis:
        df = df[~df.metastatic_at_diagnosis.fillna(False).astype(bool)]
    order = [a.name for a in plan.trial.arms]
    return df.assign(arm=pd.Categorical(df.arm.astype(str), categories=order)).sort_values(
        ["arm", "patient"], kind="stable")


@dataclass
class TrialSummary:
    """Summary numbers of a trial, as nested plain data."""

    data: dict[str, Any]

    def to_json(self) -> str:
        """Deterministic JSON text."""
        return json.dumps(self.data, indent=2, sort_keys=True) + "\n"

    def to_text(self) -> str:
        """A readable report."""
        d = self.data
        lines = [f"trial: {d['trial']}", f"patients: {d['patients']} simulated, "
                 f"{d['enrolled']} enrolled, {d['analysed']} analysed "
                 f"({d['metastatic_at_diagnosis']} M1 at diagnosis)", ""]
        for name, ep in d["endpoints"].items():
            lines.append(f"{name.replace('_', ' ')}:")
            for arm in ep["arms"]:
                med = arm["median_years"]
                lo, hi = arm["median_ci_years"]
                med_s = "not reached" if med is None else f"{med:.2f} y"
                ci_s = f"[{_fmt(lo)}, {_fmt(hi)}]"
                land = ", ".join(f"{y} y: {100 * v:.1f}%" for y, v in arm["landmarks"].items())
                lines.append(f"  {arm['arm']:<24} n={arm['n']:<6} events={arm['events']:<6} "
                             f"median {med_s} 95% CI {ci_s}; {land}")
            lines.append(f"  log-rank p = {_fmt(ep['logrank_p'], '.3g')}")
            for c in ep["hazard_ratios"]:
                lines.append(f"  HR {c['arm']} vs {d['reference_arm']}: {_fmt(c['hr'], '.3f')} "
                             f"(95% CI {_fmt(c['ci'][0], '.3f')}-{_fmt(c['ci'][1], '.3f')}, "
                             f"p = {_fmt(c['p'], '.3g')})")
            lines.append("")
        lines.append(f"cumulative incidence of detected metastasis at {d['incidence_years']} y (%):")
        table = pd.DataFrame(d["site_incidence"])
        lines.append(table.round(2).to_string())
        return "\n".join(lines) + "\n"


def _fmt(x: float | None, spec: str = ".2f") -> str:
    return "NA" if x is None else format(x, spec)


def summarise(plan: TrialPlan, patients: pd.DataFrame, sites: pd.DataFrame) -> TrialSummary:
    """All summary numbers of a finished trial."""
    trial = plan.trial
    df = analysis_set(plan, patients)
    land = list(trial.endpoints.landmark_years)
    endpoints = {}
    names = [trial.endpoints.primary] + [e for e in ENDPOINTS if e != trial.endpoints.primary]
    for ep in names:
        arms = kaplan_meier(df, ep, land) if len(df) else []
        endpoints[ep] = {
            "arms": [{
                "arm": a.arm, "n": a.n, "events": a.events,
                "median_years": _r(a.median_days / DAYS_PER_YEAR),
                "median_ci_years": [_r(a.median_ci_days[0] / DAYS_PER_YEAR),
                                    _r(a.median_ci_days[1] / DAYS_PER_YEAR)],
                "landmarks": {str(y): _r(v) for y, v in a.landmark.items()},
            } for a in arms],
            "logrank_p": _r(logrank_p(df, ep)) if len(df) else None,
            "hazard_ratios": [{"arm": c.arm, "hr": _r(c.hazard_ratio),
                               "ci": [_r(c.ci[0]), _r(c.ci[1])], "p": _r(c.p)}
                              for c in (cox_hazard_ratios(df, ep, trial.reference()) if len(df) else [])],
        }
    organs = [o for o in ORGANS if o in set(sites.organ.astype(str))]
    years = land[0]
    inc = site_incidence(df, sites, organs, years) if organs and len(df) else pd.DataFrame()
    enrolled = patients.enrolled.fillna(False).astype(bool)
    data = {
        "trial": trial.name,
        "patients": int(len(patients)),
        "enrolled": int(enrolled.sum()),
        "analysed": int(len(df)),
        "metastatic_at_diagnosis": int(patients.metastatic_at_diagnosis.fillna(False).sum()),
        "reference_arm": trial.reference(),
        "primary_endpoint": trial.endpoints.primary,
        "endpoints": endpoints,
        "incidence_years": years,
        "site_incidence": {str(arm): {o: _r(float(v)) for o, v in inc[arm].items()}
                           for arm in inc.columns},
        "stage_at_diagnosis": {str(k): int(v) for k, v in
                               df.t_stage.value_counts().sort_index().items()},
        "node_positive_percent": _r(100.0 * float(df.node_positive.fillna(False).mean()))
        if len(df) else None,
    }
    return TrialSummary(data)
