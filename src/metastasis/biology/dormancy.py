"""Dormancy: disseminated cells sleep, are cleared, or wake (competing hazards)."""

from __future__ import annotations

import math

from numba import njit


@njit(cache=True)
def leave_probability(clearance_per_day: float, wake_per_day: float, dt_days: float) -> float:
    """Probability a dormant cell leaves the pool (cleared or woken) within dt."""
    return 1.0 - math.exp(-(clearance_per_day + wake_per_day) * dt_days)


@njit(cache=True)
def wake_share(clearance_per_day: float, wake_per_day: float) -> float:
    """Share of leaving cells that wake rather than die."""
    total = clearance_per_day + wake_per_day
    return wake_per_day / total if total > 0.0 else 0.0


@njit(cache=True)
def lifetime_wake_probability(clearance_per_day: float, wake_per_day: float) -> float:
    """Probability a dormant cell ever wakes, ω/(ω+δ)."""
    return wake_share(clearance_per_day, wake_per_day)
