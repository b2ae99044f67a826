"""The run loop: one :class:`SpatialModel` advances all grids step by step.

Order within step ``n`` (that of Franssen et al. 2019 as implemented in MetaSpread):

1. clusters due from the circulation are disaggregated, thinned by survival and extravasated
   onto the secondary grids;
2. fields: MMP-2 and ECM on every grid; oxygen, VEGF (and sprouting) and TGF-β when on;
3. proliferation (every ``T_E``/``T_M`` steps in synchronous mode, every step otherwise);
4. E↔M switching (when any switching rate is nonzero);
5. cell motility with intravasation on the primary grid; stromal agents move;
6. one row of the time series, stamped at the end of the step, ``t = (n + 1)·Δt``.

Randomness: one ``numpy.random.SeedSequence(seed)`` is spawned into an initialisation stream
and a dynamics stream; both are ``numpy.random.Generator`` objects passed explicitly to every
kernel, so the same seed gives the same bytes out.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from metastasis.spatial import agents as ag
from metastasis.spatial import cells as ck
from metastasis.spatial import fields as fk
from metastasis.spatial import vessels as vs
from metastasis.spatial.lattice import (
    NO_VESSEL,
    Grid,
    box_expand,
    box_is_empty,
    box_union,
    new_grid,
    place_primary_vessels,
    place_secondary_vessels,
    seed_tumour,
)
from metastasis.spatial.params import SpatialParams
from metastasis.spatial.results import SpatialRun

_EMPTY_U8 = np.zeros((0, 0, 0), np.uint8)
_EMPTY_I8 = np.zeros((0, 0, 0), np.int8)
_EMPTY_F8 = np.zeros((0, 0, 0), np.float64)

MIN_EVENT_BUFFER = 1024
"""Intravasation events one grid can record per step, at least (grown with the vessel count)."""


class SpatialModel:
    """State and stepping of one spatial run.

    Parameters
    ----------
    params
        Validated parameters (see :mod:`metastasis.spatial.presets`).
    seed
        Integer seed or ``numpy.random.SeedSequence`` with integer entropy (the run records
        the entropy to be reproducible, so a sequence of integers is refused).
    """

    def __init__(self, params: SpatialParams, seed: int | np.random.SeedSequence = 0) -> None:
        self.params = params
        ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        if not isinstance(ss.entropy, int):
            raise ValueError(
                f"seed: a SeedSequence with integer entropy is needed, got {ss.entropy!r}"
            )
        self.seed_entropy: int = ss.entropy
        init_ss, dyn_ss = ss.spawn(2)
        init_rng = np.random.default_rng(init_ss)
        self.rng = np.random.default_rng(dyn_ss)
        p = params
        sec_size = p.grid.secondary_size or p.grid.size
        self.grids: list[Grid] = [new_grid(0, p.grid.size, p)]
        self.grids += [new_grid(q + 1, sec_size, p) for q in range(len(p.vessels.secondary))]
        primary = self.grids[0]
        seed_tumour(primary, p, init_rng)
        place_primary_vessels(primary, p, init_rng)
        for g, count in zip(self.grids[1:], p.vessels.secondary, strict=True):
            place_secondary_vessels(g, count, init_rng)
        self.agents = ag.place_agents(
            primary, p.agents.tam_count, p.agents.caf_count, init_rng
        )
        for g in self.grids:
            g.cell_box = g.full_box()
        self._n_vessels = int((primary.vessel != NO_VESSEL).sum())
        self._derive()
        self.step_index = 0
        self.circulation = vs.Circulation()
        self._rows: list[dict[str, float]] = []
        self._intra: list[dict[str, object]] = []
        self._extra: list[dict[str, object]] = []
        self._intravasated_total = 0
        self._extravasated_total = 0
        self._record(intra_events=0, intra_cells=0, arrived=0, extravasated=0)

    # ------------------------------------------------------------------------------------
    def _derive(self) -> None:
        p = self.params
        dt, dx2 = p.grid.dt, p.grid.dx**2
        ndim = p.grid.dim
        self.dt = dt
        self.base_E = p.cells.D_E * dt / dx2
        self.base_M = p.cells.D_M * dt / dx2
        self.hapt_E = p.cells.chi_E / 4.0 * dt / dx2
        self.hapt_M = p.cells.chi_M / 4.0 * dt / dx2
        self.r_mmp = p.mmp.D * dt / dx2
        self.n_sub_mmp = fk.explicit_substeps(self.r_mmp, ndim)
        self.steps_E = p.steps_for(p.cells.doubling_time_E)
        self.steps_M = p.steps_for(p.cells.doubling_time_M)
        self.p_div_E = 2.0 ** (dt / p.cells.doubling_time_E) - 1.0
        self.p_div_M = 2.0 ** (dt / p.cells.doubling_time_M) - 1.0
        self.transit_steps = p.steps_for(p.circulation.transit_time)
        self.switching = any(
            x > 0
            for x in (p.cells.emt_base_rate, p.cells.emt_tgf_rate, p.cells.emt_hypoxia_rate,
                      p.cells.met_rate)
        )
        n_vessels = int(sum(int((g.vessel != NO_VESSEL).sum()) for g in self.grids[:1]))
        n_ev = max(MIN_EVENT_BUFFER, 8 * n_vessels)
        self._ev_site = np.zeros(n_ev, np.int64)
        self._ev_E = np.zeros(n_ev, np.int64)
        self._ev_M = np.zeros(n_ev, np.int64)
        self._ev_kind = np.zeros(n_ev, np.int8)
        self.o2_min = p.oxygen.hypoxia_threshold if p.cells.hypoxic_quiescence else -1.0
        self.step_days = p.grid.step_days

    @property
    def latest(self) -> dict[str, float]:
        """The most recent time-series row."""
        return self._rows[-1]

    @property
    def t_days(self) -> float:
        """Time reached, in days."""
        return self.step_index * self.step_days

    # ------------------------------------------------------------------------------------
    def step(self) -> None:
        """Advance every grid by one step."""
        n = self.step_index
        arrived, extravasated = self._circulation(n)
        for g in self.grids:
            self._fields(g)
        self._proliferate(n)
        if self.switching:
            self._switch()
        intra_events, intra_cells = 0, 0
        for g in self.grids:
            e, c = self._move(g, n)
            intra_events += e
            intra_cells += c
        if self.agents.tam.shape[0] or self.agents.caf.shape[0]:
            ag.step_agents(self.agents, self.grids[0], self.params.agents.move_prob, self.rng)
        self.step_index += 1
        self._record(intra_events, intra_cells, arrived, extravasated)

    def run(
        self, steps: int, on_step: Callable[[SpatialModel], None] | None = None
    ) -> SpatialRun:
        """Advance ``steps`` steps, calling ``on_step(model)`` after each; return the results."""
        for _ in range(steps):
            self.step()
            if on_step is not None:
                on_step(self)
        return self.result()

    def result(self) -> SpatialRun:
        """Tables of the run so far."""
        return SpatialRun(
            params=self.params,
            seed_entropy=self.seed_entropy,
            steps=self.step_index,
            timeseries=pd.DataFrame(self._rows),
            intravasations=_frame(self._intra, _INTRA_COLUMNS),
            extravasations=_frame(self._extra, _EXTRA_COLUMNS),
        )

    # ------------------------------------------------------------------------------------
    def _circulation(self, n: int) -> tuple[int, int]:
        due = self.circulation.pop_due(n)
        if not due:
            return 0, 0
        c = self.params.circulation
        arrived = sum(e + m for e, m in due)
        parts = vs.disaggregate(due, c.disaggregation_prob, self.rng)
        alive = vs.survive(parts, c.single_survival, c.cluster_survival, self.rng)
        placed = vs.extravasate(
            alive, self.grids[1:], c.extravasation_probs, self.params.cells.carrying_capacity,
            self.rng,
        )
        total = 0
        for grid_index, site, e, m, lost in placed:
            total += e + m
            if site >= 0:
                g = self.grids[grid_index]
                ijk = np.array(np.unravel_index(site, g.shape), np.int64)
                around = np.array([ijk[0], ijk[0] + 1, ijk[1], ijk[1] + 1, ijk[2], ijk[2] + 1])
                g.cell_box = box_union(g.cell_box, box_expand(around, 1, g.shape))
            self._extra.append(
                dict(step=n, t_days=n * self.step_days, grid=grid_index, site=site,
                     n_E=e, n_M=m, lost=lost)
            )
        self._extravasated_total += total
        return arrived, total

    def _fields(self, g: Grid) -> None:
        tam = g.tam_density if g.tam_density.shape[0] else _EMPTY_U8
        caf = g.caf_density if g.caf_density.shape[0] else _EMPTY_U8
        if tam.shape[0] or caf.shape[0]:
            active = g.full_box()
        else:
            active = box_expand(box_union(g.mmp_box, g.cell_box), self.n_sub_mmp, g.shape)
        if not box_is_empty(active):
            g.ecm_box = box_union(g.ecm_box, active)
            self._mmp_ecm(g, tam, caf, active)  # shrinks `active` to where MMP-2 is nonzero
            g.mmp_box = active
        self._slow_fields(g, tam, caf)

    def _mmp_ecm(self, g: Grid, tam: np.ndarray, caf: np.ndarray, box: np.ndarray) -> None:
        p = self.params
        fk.mmp_ecm_step(
            g.mmp, g.ecm, g.n_E, g.n_M, tam, caf, g.scratch, self.r_mmp, self.n_sub_mmp,
            self.dt, p.mmp.production_M, p.mmp.production_E, p.agents.tam_mmp_production,
            p.mmp.decay, p.ecm.degradation_by_M, p.ecm.degradation_by_MMP,
            p.agents.caf_ecm_deposition, p.agents.caf_ecm_max, box,
        )

    def _slow_fields(self, g: Grid, tam: np.ndarray, caf: np.ndarray) -> None:
        p = self.params
        dx2 = p.grid.dx**2
        if p.oxygen.enabled:
            o = p.oxygen
            g.scratch[...] = g.oxygen
            fk.implicit_relax(
                g.oxygen, g.scratch, o.D * self.dt / dx2, self.dt, g.n_E, g.n_M, o.consumption,
                o.background_supply, 1.0, 0.0, _EMPTY_F8, g.vessel, 1.0, o.gs_sweeps,
            )
        if p.vegf.enabled:
            v = p.vegf
            src = np.zeros(g.shape) if not p.oxygen.enabled else None
            if src is None:
                src = g.scratch
                fk.hypoxic_counts(g.n_E, g.n_M, g.oxygen, p.oxygen.hypoxia_threshold, src)
                src *= v.secretion
            old = g.vegf.copy()
            fk.implicit_relax(
                g.vegf, old, v.D * self.dt / dx2, self.dt, _EMPTY_U8, _EMPTY_U8, 0.0, 0.0, 0.0,
                v.decay, src, _EMPTY_I8, 0.0, v.gs_sweeps,
            )
            if g.is_primary:
                self._n_vessels += vs.sprout(
                    g.vessel, g.vegf, v.sprout_threshold,
                    vs.sprout_probability(v.sprout_rate, self.dt), v.sprout_ruptured_fraction,
                    self.rng,
                )
        if p.tgf.enabled:
            t = p.tgf
            fk.fill_source(
                g.scratch, g.n_E, g.n_M, t.secretion_tumour, tam, caf, t.secretion_agents
            )
            old = g.tgf.copy()
            fk.implicit_relax(
                g.tgf, old, t.D * self.dt / dx2, self.dt, _EMPTY_U8, _EMPTY_U8, 0.0, 0.0, 0.0,
                t.decay, g.scratch, _EMPTY_I8, 0.0, t.gs_sweeps,
            )

    def _proliferate(self, n: int) -> None:
        p = self.params.cells
        for g in self.grids:
            o2 = g.oxygen if (g.oxygen.shape[0] and self.o2_min >= 0) else _EMPTY_F8
            if p.proliferation == "synchronous":
                if n > 0 and n % self.steps_M == 0:
                    ck.divide_synchronous(g.n_M, g.n_E, p.carrying_capacity, o2, self.o2_min)
                if n > 0 and n % self.steps_E == 0:
                    ck.divide_synchronous(g.n_E, g.n_M, p.carrying_capacity, o2, self.o2_min)
            else:
                ck.divide_stochastic(
                    g.n_E, g.n_M, p.carrying_capacity, self.p_div_E, self.p_div_M, o2,
                    self.o2_min, self.rng,
                )

    def _switch(self) -> None:
        c = self.params.cells
        for g in self.grids:
            ck.switch_phenotypes(
                g.n_E, g.n_M, g.tgf if g.tgf.shape[0] else _EMPTY_F8,
                g.oxygen if g.oxygen.shape[0] else _EMPTY_F8, self.dt, c.emt_base_rate,
                c.emt_tgf_rate, c.tgf_half_saturation, c.emt_hypoxia_rate, c.met_rate,
                self.params.oxygen.hypoxia_threshold, self.rng,
            )

    def _move(self, g: Grid, n: int) -> tuple[int, int]:
        p = self.params
        tam = g.tam_density if g.tam_density.shape[0] else _EMPTY_U8
        n_ev = ck.move_cells(
            g.n_E, g.n_M, g.arrived_E, g.arrived_M, g.vessel, g.ecm, tam, g.order, self.rng,
            self.base_E, self.base_M, self.hapt_E, self.hapt_M, p.agents.tam_motility_boost,
            p.cells.carrying_capacity, g.is_primary, p.vessels.normal_vessel_mode == "single",
            self._ev_site, self._ev_E, self._ev_M, self._ev_kind, g.cell_box,
        )
        g.cell_box = box_expand(g.cell_box, 1, g.shape)
        # every cell now sits in the arrival buffers and the count arrays are all zero
        g.n_E, g.arrived_E = g.arrived_E, g.n_E
        g.n_M, g.arrived_M = g.arrived_M, g.n_M
        cells_in = 0
        for q in range(n_ev):
            e, m = int(self._ev_E[q]), int(self._ev_M[q])
            site = int(self._ev_site[q])
            i, j, k = (int(x) for x in np.unravel_index(site, g.shape))
            self._intra.append(
                dict(step=n, t_days=(n + 1) * self.step_days, grid=g.index, x=i, y=j, z=k,
                     vessel="ruptured" if self._ev_kind[q] == 2 else "normal",
                     n_E=e, n_M=m, cells=e + m, cluster=e + m > 1)
            )
            self.circulation.add(n + self.transit_steps, e, m)
            cells_in += e + m
        self._intravasated_total += cells_in
        return n_ev, cells_in

    def _ecm_mean(self, g: Grid) -> float:
        b = g.ecm_box
        if box_is_empty(b):
            return float(self.params.ecm.initial)
        inner = g.ecm[b[0] : b[1], b[2] : b[3], b[4] : b[5]]
        n_all = g.ecm.size
        outside = (n_all - inner.size) * self.params.ecm.initial
        return float((inner.sum() + outside) / n_all)

    def _record(self, intra_events: int, intra_cells: int, arrived: int, extravasated: int) -> None:
        row: dict[str, float] = {
            "step": self.step_index,
            "t_days": self.step_index * self.step_days,
        }
        p = self.params
        dx = p.grid.dx_mm
        unit = dx**2 if p.grid.dim == 2 else dx**3
        for g in self.grids:
            fp = g.initial_footprint if g.is_primary else np.zeros((0, 0, 0), np.bool_)
            e, m, occ, inv = ck.census(g.n_E, g.n_M, fp, g.cell_box)
            tag = "primary" if g.is_primary else f"secondary{g.index}"
            row[f"{tag}_E"] = e
            row[f"{tag}_M"] = m
            if g.is_primary:
                row["occupied_sites"] = occ
                row["invaded_sites"] = inv
                row["invaded_area_mm2" if p.grid.dim == 2 else "invaded_volume_mm3"] = inv * unit
                row["ecm_mean"] = self._ecm_mean(g)
                row["vessels"] = self._n_vessels
                if g.oxygen.shape[0]:
                    hyp = fk.count_hypoxic(
                        g.n_E, g.n_M, g.oxygen, p.oxygen.hypoxia_threshold, g.cell_box
                    )
                    row["hypoxic_fraction"] = hyp / (e + m) if e + m else 0.0
        row["ctc_cells"] = self.circulation.cells()
        row["ctc_clusters"] = self.circulation.clusters()
        row["ctc_singles"] = self.circulation.singles()
        row["intravasation_events"] = intra_events
        row["intravasated_cells"] = intra_cells
        row["intravasated_cells_total"] = self._intravasated_total
        row["arrived_cells"] = arrived
        row["extravasated_cells"] = extravasated
        row["extravasated_cells_total"] = self._extravasated_total
        self._rows.append(row)


_INTRA_COLUMNS = [
    "step", "t_days", "grid", "x", "y", "z", "vessel", "n_E", "n_M", "cells", "cluster",
]
_EXTRA_COLUMNS = ["step", "t_days", "grid", "site", "n_E", "n_M", "lost"]


def _frame(rows: list[dict[str, object]], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    if df.empty:
        df = df.astype({"cluster": bool} if "cluster" in columns else {})
    return df


def run_spatial(
    params: SpatialParams,
    steps: int,
    seed: int | np.random.SeedSequence = 0,
    on_step: Callable[[SpatialModel], None] | None = None,
) -> SpatialRun:
    """Build a :class:`SpatialModel` and run it for ``steps`` steps."""
    return SpatialModel(params, seed).run(steps, on_step)
