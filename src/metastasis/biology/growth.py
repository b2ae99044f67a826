"""Primary and lesion growth: Gompertz under a vascular carrying capacity.

dN/dt = λ·N·ln(K/N) and dK/dt = b·N − d·K·N^(2/3) (Hahnfeldt et al. 1999, Cancer Res 59:4770,
with the tumour volume in cells). The plateau of the untreated system is K* = (b/d)^(3/2).
"""

from __future__ import annotations

import math

from numba import njit


@njit(cache=True)
def gompertz_rate_per_day(cells: float, capacity_cells: float, lam_per_day: float) -> float:
    """Specific growth rate λ·ln(K/N) (1/day); zero for an empty compartment."""
    if cells <= 0.0 or capacity_cells <= 0.0:
        return 0.0
    return lam_per_day * math.log(capacity_cells / cells)


@njit(cache=True)
def gompertz_closed_form(t_days: float, n0: float, capacity: float, lam_per_day: float) -> float:
    """Gompertz size at time t for a fixed capacity: N = K·exp(ln(N0/K)·e^(−λt))."""
    return capacity * math.exp(math.log(n0 / capacity) * math.exp(-lam_per_day * t_days))


@njit(cache=True)
def capacity_step(
    capacity: float, cells: float, b_per_day: float, d_per_day: float, dt_days: float
) -> float:
    """One semi-implicit step of dK/dt = b·N − d·K·N^(2/3) (stable for any dt; cells)."""
    n23 = cells ** (2.0 / 3.0) if cells > 0.0 else 0.0
    return (capacity + b_per_day * cells * dt_days) / (1.0 + d_per_day * n23 * dt_days)


@njit(cache=True)
def capacity_plateau(b_per_day: float, d_per_day: float) -> float:
    """Untreated steady state K* = N* = (b/d)^(3/2) (cells)."""
    return (b_per_day / d_per_day) ** 1.5


@njit(cache=True)
def gompertz_step(
    cells: float, capacity_cells: float, lam_per_day: float, death_per_day: float, dt_days: float
) -> float:
    """Exact solution over dt of dN/dt = λ·N·ln(K/N) − δ·N with K and δ held fixed (cells).

    With y = ln(N/K): dy/dt = −λ·y − δ, so y(dt) = (y0 + δ/λ)·e^(−λ·dt) − δ/λ. Exact for any
    step, which lets slowly varying lesions advance in long steps.
    """
    if cells <= 0.0 or capacity_cells <= 0.0:
        return 0.0
    y0 = math.log(cells / capacity_cells)
    if lam_per_day <= 0.0:
        return cells * math.exp(-death_per_day * dt_days)
    shift = death_per_day / lam_per_day
    y = (y0 + shift) * math.exp(-lam_per_day * dt_days) - shift
    return capacity_cells * math.exp(y)
