"""Colonisation: a woken cell founds a lesion; small lesions follow a birth–death process.

While a lesion is below the stochastic threshold its cells divide at rate b and die at rate
b − r, r the Gompertz net rate at its size, plus any immune killing; so the mean follows the
same law as the ODE used above the threshold, and small colonies can die out.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def small_lesion_death_per_day(birth_per_day: float, net_rate_per_day: float, immune: float) -> float:
    """Per-cell death rate of a small lesion (1/day), never negative."""
    d = birth_per_day - net_rate_per_day
    if d < 0.0:
        d = 0.0
    return d + immune


@njit(cache=True)
def extinction_probability(birth_per_day: float, death_per_day: float) -> float:
    """Extinction probability of a linear birth–death process from one cell, min(1, d/b)."""
    if birth_per_day <= 0.0:
        return 1.0
    q = death_per_day / birth_per_day
    return 1.0 if q > 1.0 else q
