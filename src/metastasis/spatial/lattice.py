"""Lattice state: cell counts per site, vessels and continuous fields of one grid.

Every grid is stored as 3-D arrays of shape ``(nx, ny, nz)``; a 2-D grid has ``nz = 1``, and
because borders are no-flux, the missing z-neighbours simply drop out of every stencil. Cells
are counts per site and phenotype (``uint8``, at most ``carrying_capacity`` ≤ 255), never Python
objects, so a 200³ grid holding a million cells needs a few hundred MB.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from metastasis.spatial.params import SpatialParams

NO_VESSEL = 0
NORMAL_VESSEL = 1
RUPTURED_VESSEL = 2

_EMPTY = np.zeros((0, 0, 0))


@dataclass
class Grid:
    """State of one grid (index 0 is the primary site)."""

    index: int
    shape: tuple[int, int, int]
    n_E: np.ndarray
    n_M: np.ndarray
    vessel: np.ndarray
    ecm: np.ndarray
    mmp: np.ndarray
    oxygen: np.ndarray = field(default_factory=lambda: _EMPTY)
    vegf: np.ndarray = field(default_factory=lambda: _EMPTY)
    tgf: np.ndarray = field(default_factory=lambda: _EMPTY)
    caf_density: np.ndarray = field(default_factory=lambda: _EMPTY)
    tam_density: np.ndarray = field(default_factory=lambda: _EMPTY)
    initial_footprint: np.ndarray = field(default_factory=lambda: _EMPTY)
    # scratch buffers reused every step
    arrived_E: np.ndarray = field(default_factory=lambda: _EMPTY)
    arrived_M: np.ndarray = field(default_factory=lambda: _EMPTY)
    scratch: np.ndarray = field(default_factory=lambda: _EMPTY)
    order: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # half-open bounding boxes (i0, i1, j0, j1, k0, k1) of the cells and of nonzero MMP-2
    cell_box: np.ndarray = field(default_factory=lambda: np.zeros(6, np.int64))
    mmp_box: np.ndarray = field(default_factory=lambda: np.zeros(6, np.int64))
    # every site whose ECM may differ from its initial value lies in this box
    ecm_box: np.ndarray = field(default_factory=lambda: np.zeros(6, np.int64))

    @property
    def is_primary(self) -> bool:
        return self.index == 0

    def vessel_sites(self) -> np.ndarray:
        """Flat indices of the vessel sites."""
        return np.flatnonzero(self.vessel.ravel() != NO_VESSEL)

    def full_box(self) -> np.ndarray:
        return np.array([0, self.shape[0], 0, self.shape[1], 0, self.shape[2]], np.int64)

    def cells(self) -> tuple[int, int]:
        """Total (E, M) cells on this grid."""
        return int(self.n_E.sum(dtype=np.int64)), int(self.n_M.sum(dtype=np.int64))


def grid_shape(size: int, dim: int) -> tuple[int, int, int]:
    return (size, size, size if dim == 3 else 1)


def new_grid(index: int, size: int, params: SpatialParams) -> Grid:
    """An empty grid with intact ECM and the fields that ``params`` switches on."""
    shape = grid_shape(size, params.grid.dim)
    n_sites = int(np.prod(shape))
    g = Grid(
        index=index,
        shape=shape,
        n_E=np.zeros(shape, np.uint8),
        n_M=np.zeros(shape, np.uint8),
        vessel=np.zeros(shape, np.int8),
        ecm=np.full(shape, params.ecm.initial, np.float64),
        mmp=np.zeros(shape, np.float64),
        arrived_E=np.zeros(shape, np.uint8),
        arrived_M=np.zeros(shape, np.uint8),
        scratch=np.zeros(shape, np.float64),
        order=np.zeros(n_sites, np.int64),
    )
    if params.oxygen.enabled:
        g.oxygen = np.ones(shape, np.float64)
    if params.vegf.enabled:
        g.vegf = np.zeros(shape, np.float64)
    if params.tgf.enabled:
        g.tgf = np.zeros(shape, np.float64)
    g.caf_density = np.zeros(shape, np.uint8) if params.agents.caf_count else np.zeros((0, 0, 0), np.uint8)
    g.tam_density = np.zeros(shape, np.uint8) if params.agents.tam_count else np.zeros((0, 0, 0), np.uint8)
    return g


def centre_most_sites(shape: tuple[int, int, int], n: int) -> np.ndarray:
    """Flat indices of the ``n`` sites closest to the grid centre (ties by index)."""
    ndim = 3 if shape[2] > 1 else 2
    half = int(np.ceil((n / (np.pi if ndim == 2 else 4.0 / 3.0 * np.pi)) ** (1.0 / ndim))) + 2
    axes = []
    for s in shape[:ndim]:
        c = (s - 1) / 2.0
        lo, hi = max(0, int(np.floor(c - half))), min(s, int(np.ceil(c + half)) + 1)
        axes.append(np.arange(lo, hi))
    if ndim == 2:
        axes.append(np.zeros(1, np.int64))
    ii, jj, kk = np.meshgrid(*axes, indexing="ij")
    centre = [(s - 1) / 2.0 for s in shape]
    d2 = (ii - centre[0]) ** 2 + (jj - centre[1]) ** 2 + (kk - centre[2]) ** 2
    flat = np.ravel_multi_index((ii.ravel(), jj.ravel(), kk.ravel()), shape)
    order = np.lexsort((flat, d2.ravel()))
    if n > order.size:
        raise ValueError(f"cannot take {n} centre-most sites from a box of {order.size}")
    return flat[order[:n]]


def seed_tumour(g: Grid, params: SpatialParams, rng: np.random.Generator) -> None:
    """Place the initial cells on the centre-most sites at random, capacity permitting."""
    c = params.cells
    sites = centre_most_sites(g.shape, c.initial_sites)
    slots = np.repeat(sites, c.carrying_capacity)
    chosen = slots[rng.choice(slots.size, size=c.initial_cells, replace=False)]
    n_mes = int(round(c.initial_cells * c.initial_M_fraction))
    is_m = np.zeros(c.initial_cells, bool)
    is_m[:n_mes] = True
    rng.shuffle(is_m)
    flat_E, flat_M = g.n_E.reshape(-1), g.n_M.reshape(-1)
    np.add.at(flat_M, chosen[is_m], 1)
    np.add.at(flat_E, chosen[~is_m], 1)
    footprint = np.zeros(g.shape, bool)
    footprint.reshape(-1)[sites] = True
    g.initial_footprint = footprint


def place_primary_vessels(g: Grid, params: SpatialParams, rng: np.random.Generator) -> None:
    """Ruptured then normal vessels at random sites away from the tumour and the borders."""
    v = params.vessels
    excluded = np.zeros(g.shape, bool)
    if v.exclusion_sites:
        excluded.reshape(-1)[centre_most_sites(g.shape, v.exclusion_sites)] = True
    m = v.border_margin
    ndim = params.grid.dim
    for axis in range(ndim):
        lo = [slice(None)] * 3
        hi = [slice(None)] * 3
        lo[axis] = slice(0, m)
        hi[axis] = slice(g.shape[axis] - m, None)
        excluded[tuple(lo)] = True
        excluded[tuple(hi)] = True
    _place_random(g, excluded, v.ruptured_primary, RUPTURED_VESSEL, rng)
    _place_random(g, excluded, v.normal_primary, NORMAL_VESSEL, rng)


def place_secondary_vessels(g: Grid, count: int, rng: np.random.Generator) -> None:
    """Normal vessels anywhere on a secondary grid (Franssen2019: secondary sites are normal)."""
    _place_random(g, np.zeros(g.shape, bool), count, NORMAL_VESSEL, rng)


def _place_random(
    g: Grid, excluded: np.ndarray, count: int, kind: int, rng: np.random.Generator
) -> None:
    free = (~excluded) & (g.vessel == NO_VESSEL)
    n_free = int(free.sum())
    if count > n_free:
        raise ValueError(f"cannot place {count} vessels on {n_free} free sites of grid {g.index}")
    placed = 0
    flat_v, flat_free = g.vessel.reshape(-1), free.reshape(-1)
    size = flat_v.size
    while placed < count:
        s = int(rng.integers(size))
        if flat_free[s]:
            flat_v[s] = kind
            flat_free[s] = False
            placed += 1


def box_is_empty(box: np.ndarray) -> bool:
    return bool(box[0] >= box[1] or box[2] >= box[3] or box[4] >= box[5])


def box_union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Smallest box holding both (an empty box is ignored)."""
    if box_is_empty(a):
        return b.copy()
    if box_is_empty(b):
        return a.copy()
    out = a.copy()
    out[0::2] = np.minimum(a[0::2], b[0::2])
    out[1::2] = np.maximum(a[1::2], b[1::2])
    return out


def box_expand(box: np.ndarray, r: int, shape: tuple[int, int, int]) -> np.ndarray:
    """``box`` grown by ``r`` sites on every side, clipped to the grid."""
    if box_is_empty(box):
        return box.copy()
    out = box.copy()
    for a in range(3):
        out[2 * a] = max(0, box[2 * a] - r)
        out[2 * a + 1] = min(shape[a], box[2 * a + 1] + r)
    return out
