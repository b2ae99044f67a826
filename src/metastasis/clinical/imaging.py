"""Imaging detection by modality, organ and lesion diameter.

p(D) = s_max / (1 + (D50/D)^k): the plateau s_max is a published per-lesion sensitivity
(meta-analyses in `data/imaging_detection_performance.csv`); the diameter curve (D50, k) is an
assumption stated per row of `data/imaging_modalities.csv`, as the published figures carry no
size thresholds. The Hill form makes lesions far below the resolution practically invisible
(p ≈ s_max·(D/D50)^k), so hundreds of micrometastases do not add up to chance detections.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

ORGAN_GROUPS = {"bone": "bone", "liver": "liver"}
"""Organs with their own rows; every other organ uses the modality's `other` row."""


@dataclass(frozen=True)
class DetectionCurve:
    """Detection probability curve of one modality in one organ group."""

    modality: str
    organ_group: str
    max_sensitivity: float
    diameter50_mm: float
    hill_exponent: float
    source: str


@cache
def detection_curves() -> dict[tuple[str, str], DetectionCurve]:
    """(modality, organ group) → curve."""
    text = resources.files("metastasis.data").joinpath("imaging_modalities.csv").read_text()
    out = {}
    for r in csv.DictReader(text.splitlines()):
        c = DetectionCurve(
            r["modality"], r["organ_group"], float(r["max_sensitivity"]),
            float(r["diameter50_mm"]), float(r["hill_exponent"]), r["source"],
        )
        out[(c.modality, c.organ_group)] = c
    return out


def curve_for(modality: str, organ: str) -> DetectionCurve:
    """The curve used for a lesion in `organ` imaged with `modality`."""
    curves = detection_curves()
    key = (modality, ORGAN_GROUPS.get(organ, "other"))
    if key not in curves:
        known = sorted({m for m, _ in curves})
        raise KeyError(f"unknown imaging modality {modality!r}; expected one of {known}")
    return curves[key]


def detection_probability(diameter_mm: np.ndarray, curve: DetectionCurve) -> np.ndarray:
    """Per-lesion detection probability at a scan for lesions of the given diameters (mm)."""
    d = np.asarray(diameter_mm, dtype=np.float64)
    ratio = np.divide(curve.diameter50_mm, d, out=np.full_like(d, np.inf), where=d > 0.0)
    with np.errstate(over="ignore"):
        return curve.max_sensitivity / (1.0 + ratio**curve.hill_exponent)
