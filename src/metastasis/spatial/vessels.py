"""Vessels: circulation of intravasated cells, extravasation to secondary grids, sprouting.

Circulation follows Franssen et al. (2019): a cluster that intravasates during step ``n`` spends
``T_V`` steps in the vasculature and is handled at the start of step ``n + T_V``: each cell of a
multi-cell cluster detaches as a single CTC with probability ``P_d``; every single CTC survives
with ``P_s`` and every remaining cluster with ``P_C``; a survivor picks a secondary grid with the
extravasation probabilities ``E_k`` and one of its vessels at random, and its cells (M first)
are placed on the first von Neumann neighbour of that vessel with room; a cell finding no room
is lost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from metastasis.spatial.lattice import NO_VESSEL, NORMAL_VESSEL, RUPTURED_VESSEL, Grid


@dataclass
class Circulation:
    """Clusters in transit: arrival step and phenotype counts, in intravasation order."""

    arrival_step: list[int] = field(default_factory=list)
    n_E: list[int] = field(default_factory=list)
    n_M: list[int] = field(default_factory=list)

    def add(self, arrival_step: int, n_E: int, n_M: int) -> None:
        self.arrival_step.append(arrival_step)
        self.n_E.append(n_E)
        self.n_M.append(n_M)

    def pop_due(self, step: int) -> list[tuple[int, int]]:
        """Remove and return the (E, M) clusters that arrive at ``step``."""
        due = [q for q, a in enumerate(self.arrival_step) if a <= step]
        out = [(self.n_E[q], self.n_M[q]) for q in due]
        for q in reversed(due):
            del self.arrival_step[q], self.n_E[q], self.n_M[q]
        return out

    def cells(self) -> int:
        return int(sum(self.n_E) + sum(self.n_M))

    def clusters(self) -> int:
        return sum(1 for e, m in zip(self.n_E, self.n_M, strict=True) if e + m > 1)

    def singles(self) -> int:
        return sum(1 for e, m in zip(self.n_E, self.n_M, strict=True) if e + m == 1)


def disaggregate(
    clusters: list[tuple[int, int]], p_detach: float, rng: np.random.Generator
) -> list[tuple[int, int]]:
    """Each cell of a multi-cell cluster leaves as a single CTC with probability ``p_detach``."""
    out: list[tuple[int, int]] = []
    for n_E, n_M in clusters:
        if n_E + n_M <= 1:
            out.append((n_E, n_M))
            continue
        dM = int(rng.binomial(n_M, p_detach)) if n_M else 0
        dE = int(rng.binomial(n_E, p_detach)) if n_E else 0
        out += [(0, 1)] * dM + [(1, 0)] * dE
        if n_E - dE + n_M - dM > 0:
            out.append((n_E - dE, n_M - dM))
    return out


def survive(
    clusters: list[tuple[int, int]], p_single: float, p_cluster: float, rng: np.random.Generator
) -> list[tuple[int, int]]:
    """Clusters that survive the circulation."""
    return [
        c
        for c in clusters
        if rng.random() < (p_single if c[0] + c[1] == 1 else p_cluster)
    ]


def extravasate(
    clusters: list[tuple[int, int]],
    secondaries: list[Grid],
    probs: list[float],
    capacity: int,
    rng: np.random.Generator,
) -> list[tuple[int, int, int, int, int]]:
    """Place surviving clusters on secondary grids.

    Returns one ``(grid index, vessel flat index, E placed, M placed, cells lost)`` per cluster.
    """
    out: list[tuple[int, int, int, int, int]] = []
    if not secondaries:
        return out
    p = np.asarray(probs, dtype=np.float64)
    for n_E, n_M in clusters:
        g = secondaries[int(rng.choice(len(secondaries), p=p))]
        sites = g.vessel_sites()
        if sites.size == 0:
            out.append((g.index, -1, 0, 0, n_E + n_M))
            continue
        v = int(sites[rng.integers(sites.size)])
        placed_M = _place_near(g, v, n_M, g.n_M, capacity)
        placed_E = _place_near(g, v, n_E, g.n_E, capacity)
        out.append((g.index, v, placed_E, placed_M, n_E + n_M - placed_E - placed_M))
    return out


def _place_near(g: Grid, v: int, n: int, counts: np.ndarray, capacity: int) -> int:
    nx, ny, nz = g.shape
    i, j, k = np.unravel_index(v, g.shape)
    placed = 0
    for _ in range(n):
        for di, dj, dk in ((-1, 0, 0), (1, 0, 0), (0, -1, 0), (0, 1, 0), (0, 0, -1), (0, 0, 1)):
            a, b, c = i + di, j + dj, k + dk
            if not (0 <= a < nx and 0 <= b < ny and 0 <= c < nz):
                continue
            if int(g.n_E[a, b, c]) + int(g.n_M[a, b, c]) < capacity:
                counts[a, b, c] += 1
                placed += 1
                break
    return placed


@njit(cache=True)
def sprout(
    vessel: np.ndarray, vegf: np.ndarray, threshold: float, p_sprout: float,
    ruptured_fraction: float, rng: np.random.Generator,
) -> int:
    """Sites next to a vessel with VEGF above ``threshold`` become vessels with ``p_sprout``.

    Decisions use the vessel map at the start of the call, so a sprout cannot chain across the
    grid in one step. Returns the number of new vessels.
    """
    nx, ny, nz = vessel.shape
    pending = 10
    new = 0
    for i in range(nx):
        for j in range(ny):
            for k in range(nz):
                if vessel[i, j, k] != 0 or vegf[i, j, k] <= threshold:
                    continue
                near = False
                if i > 0 and 0 < vessel[i - 1, j, k] < pending:
                    near = True
                elif i < nx - 1 and 0 < vessel[i + 1, j, k] < pending:
                    near = True
                elif j > 0 and 0 < vessel[i, j - 1, k] < pending:
                    near = True
                elif j < ny - 1 and 0 < vessel[i, j + 1, k] < pending:
                    near = True
                elif k > 0 and 0 < vessel[i, j, k - 1] < pending:
                    near = True
                elif k < nz - 1 and 0 < vessel[i, j, k + 1] < pending:
                    near = True
                if near and rng.random() < p_sprout:
                    kind = 2 if rng.random() < ruptured_fraction else 1
                    vessel[i, j, k] = pending + kind
                    new += 1
    if new:
        for i in range(nx):
            for j in range(ny):
                for k in range(nz):
                    if vessel[i, j, k] > pending:
                        vessel[i, j, k] -= pending
    return new


def sprout_probability(rate_per_tau: float, dt: float) -> float:
    """Probability per step of an event with constant rate."""
    return 1.0 - math.exp(-rate_per_tau * dt)


__all__ = [
    "NO_VESSEL",
    "NORMAL_VESSEL",
    "RUPTURED_VESSEL",
    "Circulation",
    "disaggregate",
    "extravasate",
    "sprout",
    "survive",
]
