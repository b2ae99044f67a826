"""Microenvironment: hypoxia from the vascular capacity, and stromal pushes on invasion."""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def hypoxic_fraction(cells: float, capacity_cells: float) -> float:
    """Share of hypoxic cells, N/(N+K): none in a well-vascularised tumour, half at N = K.

    Assumption: a saturating form standing in for the oxygen-diffusion limit; the spatial model
    (`metastasis.spatial`) resolves it explicitly.
    """
    if cells <= 0.0:
        return 0.0
    return cells / (cells + capacity_cells)


@njit(cache=True)
def stromal_invasion_multiplier(
    tam_density: float, caf_density: float, tam_gain: float, caf_gain: float
) -> float:
    """Multiplier of EMT and intravasation from TAM and CAF densities (dimensionless, ≥ 1 − gains)."""
    return 1.0 + tam_gain * (tam_density - 1.0) + caf_gain * (caf_density - 1.0)
