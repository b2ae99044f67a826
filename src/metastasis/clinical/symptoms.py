"""Site symptoms: onset hazards that rise with the tumour burden in an organ.

h(B) = h_max · B / (B + B50) per day, for each (organ, symptom) in `data/symptoms.csv`; the
onset time is where the cumulative hazard, integrated over the burden trajectory (linear
between recorded points), first exceeds an Exp(1) draw: exact for that trajectory.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np


@dataclass(frozen=True)
class SymptomRule:
    """Onset hazard of one symptom from the burden of one organ."""

    organ: str
    symptom: str
    burden50_cells: float
    max_hazard_per_day: float
    source: str


@cache
def symptom_rules() -> tuple[SymptomRule, ...]:
    """All symptom rules, from `data/symptoms.csv`."""
    text = resources.files("metastasis.data").joinpath("symptoms.csv").read_text()
    return tuple(
        SymptomRule(r["organ"], r["symptom"], float(r["burden50_cells"]),
                    float(r["max_hazard_per_day"]), r["source"])
        for r in csv.DictReader(text.splitlines())
    )


def hazard_per_day(burden_cells: np.ndarray, rule: SymptomRule) -> np.ndarray:
    """Onset hazard (1/day) at the given burdens."""
    b = np.asarray(burden_cells, dtype=np.float64)
    return rule.max_hazard_per_day * b / (b + rule.burden50_cells)


def onset_time(
    t_days: np.ndarray, burden_cells: np.ndarray, rule: SymptomRule, threshold: float
) -> float:
    """First time the cumulative hazard reaches `threshold` (an Exp(1) draw); inf if never."""
    h = hazard_per_day(burden_cells, rule)
    if len(t_days) < 2:
        return np.inf
    dt = np.diff(t_days)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (h[1:] + h[:-1]) * dt)])
    k = int(np.searchsorted(cum, threshold))
    if k >= len(cum):
        return np.inf
    if k == 0:
        return float(t_days[0])
    # invert the trapezoid within interval k−1 (hazard linear in time there)
    h0, h1, span = h[k - 1], h[k], dt[k - 1]
    need = threshold - cum[k - 1]
    slope = (h1 - h0) / span
    if abs(slope) < 1e-300:
        tau = need / h0 if h0 > 0 else span
    else:
        tau = (-h0 + np.sqrt(max(h0 * h0 + 2.0 * slope * need, 0.0))) / slope
    return float(t_days[k - 1] + min(max(tau, 0.0), span))
