"""Extravasation with organ preference (seed and soil, Paget 1889)."""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def extravasation_probability(base: float, organ_weight: float, potential: float) -> float:
    """Probability an arrested cell leaves the vessel in an organ, capped at 1.

    `potential` is the cell's relative metastatic potential (1 for single cells, higher for
    cells arriving in clusters).
    """
    p = base * organ_weight * potential
    return 1.0 if p > 1.0 else p
