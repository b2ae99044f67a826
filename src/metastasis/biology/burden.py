"""Lethal tumour burden: the biological end of a trajectory."""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def lethal_organ(organ_burden, total_cells: float, lethal_total: float, organ_limits) -> int:
    """−1 if alive; the index of the first organ over its limit; or −2 if total burden kills.

    `organ_burden` and `organ_limits` are arrays of cells per organ (limits may be inf).
    """
    for i in range(organ_burden.shape[0]):
        if organ_burden[i] >= organ_limits[i]:
            return i
    if total_cells >= lethal_total:
        return -2
    return -1
