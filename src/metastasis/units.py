"""Unit conversions: the one place where cells, volumes and diameters meet.

Conventions (DESIGN.md): time in days, tumour size in cells, 1 mm³ of tumour ≈ 1e6 cells
(1 cm³ ≈ 1e9 cells), lesions are spheres, so N = (π/6)·D³·1e6 for a diameter D in mm
(Benzekry et al. 2014, PLoS Comput Biol 10:e1003800, Methods).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

CELLS_PER_MM3: float = 1.0e6
"""Tumour cells per mm³ of tumour (1 cm³ ≈ 1e9 cells; Del Monte 2009, Cell Cycle 8:505)."""

DAYS_PER_YEAR: float = 365.25
DAYS_PER_MONTH: float = DAYS_PER_YEAR / 12.0
HOURS_PER_DAY: float = 24.0


def cells_to_mm3(cells: float | np.ndarray) -> float | np.ndarray:
    """Tumour volume in mm³ for a number of cells."""
    return cells / CELLS_PER_MM3


def mm3_to_cells(volume_mm3: float | np.ndarray) -> float | np.ndarray:
    """Number of cells in a tumour volume given in mm³."""
    return volume_mm3 * CELLS_PER_MM3


@njit(cache=True)
def diameter_mm(cells: float) -> float:
    """Diameter in mm of a spherical lesion of `cells` cells."""
    if cells <= 0.0:
        return 0.0
    return (6.0 * cells / (math.pi * CELLS_PER_MM3)) ** (1.0 / 3.0)


@njit(cache=True)
def cells_for_diameter(diameter: float) -> float:
    """Number of cells in a spherical lesion of diameter `diameter` mm."""
    return math.pi / 6.0 * diameter**3 * CELLS_PER_MM3


def years_to_days(years: float) -> float:
    """Convert years to days (Julian year)."""
    return years * DAYS_PER_YEAR
