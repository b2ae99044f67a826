"""Results of a spatial run: tables, saving, and the emission series for the whole-body engine."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from metastasis.spatial.params import SpatialParams

INTRAVASATION_SERIES_COLUMNS = ["t_days", "cells", "n_E", "n_M", "cluster"]


@dataclass
class SpatialRun:
    """What a spatial run produced.

    Attributes
    ----------
    params
        The parameters it ran with.
    seed_entropy
        Entropy of the root ``SeedSequence`` (reproduces the run with the same parameters).
    steps
        Steps taken; each is ``params.grid.step_days`` days.
    timeseries
        One row per step (plus the initial state): ``step``, ``t_days``, cells by grid and
        phenotype (``primary_E``, ``primary_M``, ``secondary1_E``, …), ``occupied_sites``,
        ``invaded_sites`` and ``invaded_area_mm2`` (2D) or ``invaded_volume_mm3`` (3D) — sites
        occupied outside the initial tumour — ``ecm_mean``, ``vessels``, CTCs in transit
        (``ctc_cells``, ``ctc_clusters``, ``ctc_singles``), intravasations and extravasations
        in the step and in total.
    intravasations
        One row per intravasation event: ``step``, ``t_days``, ``grid``, ``x``, ``y``, ``z``,
        ``vessel`` (normal/ruptured), ``n_E``, ``n_M``, ``cells``, ``cluster``.
    extravasations
        One row per surviving cluster placed on a secondary grid.
    """

    params: SpatialParams
    seed_entropy: int
    steps: int
    timeseries: pd.DataFrame
    intravasations: pd.DataFrame
    extravasations: pd.DataFrame

    def save(self, out_dir: str | Path) -> Path:
        """Write ``timeseries``, ``intravasations`` and ``extravasations`` as Parquet and CSV,
        and ``params.json``; returns the folder."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for name in ("timeseries", "intravasations", "extravasations"):
            df: pd.DataFrame = getattr(self, name)
            df.to_parquet(out / f"{name}.parquet", index=False)
            df.to_csv(out / f"{name}.csv", index=False)
        meta = {
            "params": self.params.model_dump(),
            "seed_entropy": str(self.seed_entropy),
            "steps": self.steps,
            "step_days": self.params.grid.step_days,
        }
        (out / "params.json").write_text(json.dumps(meta, indent=2))
        return out

    def plot_timeseries(self, path: str | Path) -> Path:
        """Cell counts, invaded extent and intravasations against time, as a PNG."""
        from metastasis.spatial.render import plot_timeseries

        return plot_timeseries(self.timeseries, path)

    @classmethod
    def load(cls, out_dir: str | Path) -> SpatialRun:
        """Read a run written by :meth:`save`."""
        out = Path(out_dir)
        meta = json.loads((out / "params.json").read_text())
        return cls(
            params=SpatialParams.model_validate(meta["params"]),
            seed_entropy=int(meta["seed_entropy"]),
            steps=int(meta["steps"]),
            timeseries=pd.read_parquet(out / "timeseries.parquet"),
            intravasations=pd.read_parquet(out / "intravasations.parquet"),
            extravasations=pd.read_parquet(out / "extravasations.parquet"),
        )


def intravasation_series(run: SpatialRun | str | Path) -> pd.DataFrame:
    """Every intravasation of a run, in time order, as the whole-body engine consumes it.

    Columns: ``t_days`` (float, days since the start of the spatial run; an event of step
    ``n`` is stamped at the end of that step, ``(n + 1)·Δt``), ``cells`` (int, cells that
    entered together), ``n_E`` and ``n_M`` (int, by phenotype) and ``cluster`` (bool, more than
    one cell). Accepts a :class:`SpatialRun` or a folder written by :meth:`SpatialRun.save`.
    """
    if not isinstance(run, SpatialRun):
        run = SpatialRun.load(run)
    df = run.intravasations
    out = pd.DataFrame(
        {
            "t_days": df["t_days"].astype("float64"),
            "cells": df["cells"].astype("int64"),
            "n_E": df["n_E"].astype("int64"),
            "n_M": df["n_M"].astype("int64"),
            "cluster": df["cluster"].astype(bool),
        },
        columns=INTRAVASATION_SERIES_COLUMNS,
    )
    return out.sort_values("t_days", kind="stable").reset_index(drop=True)
