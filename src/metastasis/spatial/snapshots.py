"""Field and cell snapshots of a running model, written as compressed NPZ files.

Each ``snapshot_<step>.npz`` holds, per grid ``g`` (0 = primary), the arrays ``g<g>_n_E``,
``g<g>_n_M`` (cells per site, uint8), ``g<g>_vessel`` (0 none, 1 normal, 2 ruptured),
``g<g>_ecm``, ``g<g>_mmp`` and, when switched on, ``g<g>_oxygen``, ``g<g>_vegf``,
``g<g>_tgf``; plus ``step`` and ``t_days``. Fields are stored as float32. Arrays are
``(nx, ny, nz)`` with ``nz = 1`` in 2D.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from metastasis.spatial.model import SpatialModel

FIELDS = ("ecm", "mmp", "oxygen", "vegf", "tgf")


def snapshot_arrays(model: SpatialModel) -> dict[str, np.ndarray]:
    """The arrays a snapshot holds (copies)."""
    out: dict[str, np.ndarray] = {
        "step": np.array(model.step_index),
        "t_days": np.array(model.t_days),
    }
    for g in model.grids:
        tag = f"g{g.index}_"
        out[tag + "n_E"] = g.n_E.copy()
        out[tag + "n_M"] = g.n_M.copy()
        out[tag + "vessel"] = g.vessel.copy()
        for name in FIELDS:
            arr = getattr(g, name)
            if arr.shape[0]:
                out[tag + name] = arr.astype(np.float32)
    return out


def save_snapshot(model: SpatialModel, out_dir: str | Path) -> Path:
    """Write ``snapshot_<step>.npz`` into ``out_dir`` and return its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"snapshot_{model.step_index:07d}.npz"
    # numpy's stub lets `**arrays` bind `allow_pickle: bool` as well, so mypy sees a bool
    # parameter fed arrays; at run time every key is an array name.
    np.savez_compressed(path, **snapshot_arrays(model))  # type: ignore[arg-type]
    return path


def load_snapshot(path: str | Path) -> dict[str, np.ndarray]:
    """Arrays of one snapshot file."""
    with np.load(path) as data:
        return {k: data[k] for k in data.files}
