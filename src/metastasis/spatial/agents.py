"""Stromal agents: tumour-associated macrophages (TAMs) and cancer-associated fibroblasts (CAFs).

Each agent is a lattice position; per-site agent counts (``uint8``) are what the other kernels
read. TAMs secrete MMP-2 and TGF-β and make nearby cancer cells more motile; CAFs secrete
TGF-β and deposit matrix. Both random-walk; TAMs, when VEGF is on, step up its gradient with
probability ``CHEMOTAXIS_BIAS`` (hypoxic tumour regions recruit macrophages, Murdoch et al.
2004, Blood 104:2224).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from metastasis.spatial.lattice import Grid

CHEMOTAXIS_BIAS = 0.5
"""assumption: half of a TAM's moves follow the VEGF gradient when VEGF is on."""

PLACEMENT_RADIUS_FACTOR = 3.0
"""assumption: agents start within three initial-tumour radii of the centre, outside it."""


@dataclass
class Agents:
    """Positions ``(n, 3)`` of the TAMs and CAFs on the primary grid."""

    tam: np.ndarray
    caf: np.ndarray


def place_agents(g: Grid, n_tam: int, n_caf: int, rng: np.random.Generator) -> Agents:
    """Scatter agents in a shell around the initial tumour footprint."""
    ndim = 3 if g.shape[2] > 1 else 2
    footprint = g.initial_footprint
    n_fp = max(1, int(footprint.sum()))
    r0 = (n_fp / np.pi) ** 0.5 if ndim == 2 else (3 * n_fp / (4 * np.pi)) ** (1 / 3)
    r1 = max(r0 + 2.0, PLACEMENT_RADIUS_FACTOR * r0)
    centre = np.array([(s - 1) / 2.0 for s in g.shape])

    def draw(n: int) -> np.ndarray:
        pos = np.zeros((n, 3), np.int64)
        got = 0
        while got < n:
            p = np.rint(centre + rng.uniform(-r1, r1, 3) * ([1, 1, 1] if ndim == 3 else [1, 1, 0]))
            p = np.clip(p, 0, np.array(g.shape) - 1).astype(np.int64)
            d = np.linalg.norm(p - centre)
            if r0 <= d <= r1 and not footprint[tuple(p)]:
                pos[got] = p
                got += 1
        return pos

    a = Agents(tam=draw(n_tam), caf=draw(n_caf))
    rasterise(a.tam, g.tam_density)
    rasterise(a.caf, g.caf_density)
    return a


@njit(cache=True)
def rasterise(pos: np.ndarray, density: np.ndarray) -> None:
    """Per-site agent counts (saturating at 255)."""
    if density.shape[0] == 0:
        return
    density[:, :, :] = 0
    for q in range(pos.shape[0]):
        i, j, k = pos[q, 0], pos[q, 1], pos[q, 2]
        if density[i, j, k] < 255:
            density[i, j, k] += 1


@njit(cache=True)
def walk(
    pos: np.ndarray, move_prob: float, vegf: np.ndarray, bias: float, n_dirs: int,
    rng: np.random.Generator,
) -> None:
    """Move each agent to a random von Neumann neighbour with ``move_prob``; with ``bias`` (and
    a non-empty ``vegf``) to the neighbour of highest VEGF instead. Agents never leave the grid."""
    nx, ny, nz = vegf.shape if vegf.shape[0] > 0 else (0, 0, 0)
    for q in range(pos.shape[0]):
        if rng.random() >= move_prob:
            continue
        i, j, k = pos[q, 0], pos[q, 1], pos[q, 2]
        best = -1
        if nx > 0 and rng.random() < bias:
            top = vegf[i, j, k]
            for d in range(n_dirs):
                a, b, c = _nb(i, j, k, d)
                if 0 <= a < nx and 0 <= b < ny and 0 <= c < nz and vegf[a, b, c] > top:
                    top = vegf[a, b, c]
                    best = d
        d = best if best >= 0 else int(rng.integers(0, n_dirs))
        a, b, c = _nb(i, j, k, d)
        pos[q, 0], pos[q, 1], pos[q, 2] = a, b, c


@njit(cache=True)
def _nb(i: int, j: int, k: int, d: int) -> tuple[int, int, int]:
    if d == 0:
        return i - 1, j, k
    if d == 1:
        return i + 1, j, k
    if d == 2:
        return i, j - 1, k
    if d == 3:
        return i, j + 1, k
    if d == 4:
        return i, j, k - 1
    return i, j, k + 1


def step_agents(
    agents: Agents, g: Grid, move_prob: float, rng: np.random.Generator
) -> None:
    """Move TAMs and CAFs one step and refresh the density maps of ``g``."""
    shape = np.array(g.shape)
    for pos, density, bias in (
        (agents.tam, g.tam_density, CHEMOTAXIS_BIAS),
        (agents.caf, g.caf_density, 0.0),
    ):
        if pos.shape[0] == 0:
            continue
        vegf = g.vegf if g.vegf.shape[0] > 0 else np.zeros((0, 0, 0))
        old = pos.copy()
        walk(pos, move_prob, vegf, bias, 6 if g.shape[2] > 1 else 4, rng)
        outside = np.any((pos < 0) | (pos >= shape), axis=1)
        pos[outside] = old[outside]
        rasterise(pos, density)
