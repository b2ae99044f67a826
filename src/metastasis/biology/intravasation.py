"""Intravasation: size-dependent emission m·N^α (Iwata et al. 2000; Benzekry et al. 2016).

Only invasive cells (mesenchymal, and hybrid with a weight) enter vessels, so the emission of a
tumour of N cells is m·N^α·φ, φ the invasive fraction.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def invasive_fraction(e: float, h: float, m: float, hybrid_weight: float) -> float:
    """φ = (M + w·H)/N (dimensionless)."""
    n = e + h + m
    if n <= 0.0:
        return 0.0
    return (m + hybrid_weight * h) / n


@njit(cache=True)
def emission_per_day(cells: float, phi: float, m_coef: float, alpha: float) -> float:
    """Cells shed into vessels per day, m·N^α·φ."""
    if cells <= 0.0:
        return 0.0
    return m_coef * cells**alpha * phi
