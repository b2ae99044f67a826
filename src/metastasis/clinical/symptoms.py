"""Site symptoms of metastases: onset hazards that rise with the metastatic burden in an organ.

h(B) = h_max · B / (B + B50) per day, for each (organ, symptom) in `data/symptoms.csv`; the
onset time is where the cumulative hazard, integrated over the recorded burden trajectory
(hazard held from each record to the next), first exceeds an Exp(1) draw. B is the
burden of metastases only: the primary's own symptoms are presentation routes
(`scenario.presentation`). The thresholds come from the patient's `SYMPTOM_STREAM`, so
presentation and the read-out see the same onsets.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from metastasis.engine.batch import BatchOutput
from metastasis.engine.layout import N_TRAJ_FIXED
from metastasis.engine.rng import CONSTITUTIONAL_STREAM, SYMPTOM_STREAM, patient_generator


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
    return float(onset_times(t_days, np.asarray(burden_cells, dtype=np.float64)[None, :],
                             np.array([rule.burden50_cells]), np.array([rule.max_hazard_per_day]),
                             np.array([threshold]))[0])


def onset_times(
    t_days: np.ndarray,
    burden_cells: np.ndarray,
    burden50_cells: np.ndarray,
    max_hazard_per_day: np.ndarray,
    thresholds: np.ndarray,
    hill: np.ndarray | None = None,
) -> np.ndarray:
    """Onset day of each rule: burden_cells has one row per rule (R × T), on the recorded days.

    The hazard of a rule is max·Bⁿ/(Bⁿ + B50ⁿ), n its Hill coefficient (`hill`, 1 if not
    given).

    The hazard is held at its value at each record until the next one (a causal rule: an
    onset depends only on what was recorded up to it, so treatment begun after it cannot move
    it). Returns inf where the cumulative hazard never reaches the rule's threshold.
    """
    n_rules = burden_cells.shape[0]
    out = np.full(n_rules, np.inf)
    if len(t_days) < 2 or n_rules == 0:
        return out
    n = np.ones(n_rules) if hill is None else np.asarray(hill, dtype=np.float64)
    x = (burden_cells / burden50_cells[:, None]) ** n[:, None]
    h = max_hazard_per_day[:, None] * x / (x + 1.0)
    dt = np.diff(t_days)
    cum = np.concatenate([np.zeros((n_rules, 1)), np.cumsum(h[:, :-1] * dt, axis=1)], axis=1)
    reached = cum >= thresholds[:, None]
    hit = reached.any(axis=1)
    k = reached.argmax(axis=1)
    out[hit & (k == 0)] = t_days[0]
    rows = np.nonzero(hit & (k > 0))[0]
    if len(rows):
        kk = k[rows]
        need = thresholds[rows] - cum[rows, kk - 1]
        out[rows] = t_days[kk - 1] + need / h[rows, kk - 1]
    return out


def symptom_thresholds(seed: int, patient: int) -> np.ndarray:
    """The patient's Exp(1) threshold of each rule of `symptom_rules()`, in order."""
    return patient_generator(seed, patient, SYMPTOM_STREAM).standard_exponential(
        len(symptom_rules()))


def onsets_by_patient(out: BatchOutput, seed: int, organs: Sequence[str]) -> dict[int, np.ndarray]:
    """Onset day of every symptom rule for every patient of a batch (inf where none).

    `organs` names the organ columns of the trajectories (`anatomy.organs.ORGANS`).
    """
    rules = symptom_rules()
    rule_organ = np.array([list(organs).index(r.organ) for r in rules], dtype=np.int64)
    b50 = np.array([r.burden50_cells for r in rules])
    hmax = np.array([r.max_hazard_per_day for r in rules])
    result = {}
    for p, tr in _patient_rows(out).items():
        burden = tr[:, 1 + N_TRAJ_FIXED: 1 + N_TRAJ_FIXED + out.n_organs]
        result[p] = onset_times(tr[:, 0], burden[:, rule_organ].T, b50, hmax,
                                symptom_thresholds(seed, p))
    return result


def _patient_rows(out: BatchOutput) -> dict[int, np.ndarray]:
    """Each patient's trajectory rows, in record order."""
    order = np.argsort(out.tr_patient, kind="stable")
    tr_sorted = out.tr_patient[order]
    rows = {}
    for p in out.patients.tolist():
        a, b = np.searchsorted(tr_sorted, [p, p + 1])
        rows[int(p)] = out.traj[order[a:b]]
    return rows


def total_burden(tr: np.ndarray, n_organs: int) -> np.ndarray:
    """Whole-body tumour cells on each trajectory row: the primary's E, H and M cells and
    every organ's lesions."""
    lesions = tr[:, 1 + N_TRAJ_FIXED: 1 + N_TRAJ_FIXED + n_organs].sum(axis=1)
    return tr[:, 1:4].sum(axis=1) + lesions


def constitutional_onsets(out: BatchOutput, seed: int, burden50_cells: float,
                          max_per_day: float, hill: float = 1.0) -> dict[int, float]:
    """Onset day of constitutional symptoms of the whole tumour burden for every patient of a
    batch (inf where none): hazard max_per_day·Bⁿ/(Bⁿ + burden50_cellsⁿ), B the total burden
    and n `hill`, held from record to record; the threshold is the patient's
    `CONSTITUTIONAL_STREAM`."""
    result = {}
    for p, tr in _patient_rows(out).items():
        threshold = patient_generator(seed, p, CONSTITUTIONAL_STREAM).standard_exponential(1)
        result[p] = float(onset_times(tr[:, 0], total_burden(tr, out.n_organs)[None, :],
                                      np.array([burden50_cells]), np.array([max_per_day]),
                                      threshold, np.array([hill]))[0])
    return result
