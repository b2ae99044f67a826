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


@njit(cache=True)
def _h(n: float, q: float) -> float:
    """Harmonic function of the linear birth–death chain: P(reach a level before 0) ∝ h(n)."""
    if abs(q - 1.0) < 1e-12:
        return n
    return (1.0 - q**n) / (1.0 - q)


@njit(cache=True)
def establishment_probability(q: float, threshold: float) -> float:
    """Probability that a colony founded by one cell reaches `threshold` cells before dying out.

    Gambler's ruin for a linear birth–death process with death/birth ratio q:
    (1 − q)/(1 − q^T), or 1/T when q = 1.
    """
    if threshold <= 1.0:
        return 1.0
    return _h(1.0, q) / _h(threshold, q)


@njit(cache=True)
def conditioned_rates(n: float, birth: float, death: float, q: float) -> tuple[float, float]:
    """Per-colony birth and death rates (1/day) of a colony of n cells conditioned to reach
    its threshold before dying out (Doob h-transform with h(n) ∝ 1 − q^n)."""
    if abs(q - 1.0) < 1e-12:
        return birth * (n + 1.0), death * (n - 1.0)
    if q <= 0.0:
        # no deaths (net growth at or above the division rate): every colony reaches it
        return birth * n, 0.0
    qn = q**n
    hn = 1.0 - qn
    return birth * n * (1.0 - qn * q) / hn, death * n * (1.0 - qn / q) / hn
