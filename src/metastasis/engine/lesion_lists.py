"""Index lists and running per-organ sums of the kernel's lesions."""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def list_add(idx, pos, n, i):
    """Append lesion i to an index list; returns the new length."""
    idx[n] = i
    pos[i] = n
    return n + 1


@njit(cache=True)
def list_remove(idx, pos, n, i):
    """Remove lesion i from an index list by swapping in the last entry; returns the new length."""
    j = pos[i]
    last = idx[n - 1]
    idx[j] = last
    pos[last] = j
    return n - 1


@njit(cache=True)
def organ_sums(alive_idx, n_alive, les_organ, l_cells, l_shed, l_res, les_burden, les_shed,
                les_shed_res):
    """Recompute per-organ lesion burden and shedding from scratch (cells, cells/day)."""
    les_burden[:] = 0.0
    les_shed[:] = 0.0
    les_shed_res[:] = 0.0
    for kk in range(n_alive):
        i = alive_idx[kk]
        o = les_organ[i]
        les_burden[o] += l_cells[i]
        les_shed[o] += l_shed[i]
        if l_cells[i] > 0.0:
            les_shed_res[o] += l_shed[i] * l_res[i] / l_cells[i]
