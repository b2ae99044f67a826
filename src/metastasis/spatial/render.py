"""PNG frames and a GIF animation of a spatial run, drawn from snapshots.

A frame has six panels for the primary grid — cells by phenotype with vessels marked, ECM,
MMP-2, oxygen, VEGF with vessels — and the cells of the first secondary grid. 3-D grids are
shown as their middle z-slice.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.animation import PillowWriter  # noqa: E402

COLOUR_E = np.array([1.0, 0.55, 0.1])
"""Epithelial cells: orange."""
COLOUR_M = np.array([0.15, 0.35, 1.0])
"""Mesenchymal cells: blue."""
FRAME_DPI = 80


def _slice(a: np.ndarray) -> np.ndarray:
    return a[:, :, a.shape[2] // 2].T


def cell_rgb(n_E: np.ndarray, n_M: np.ndarray, capacity: int) -> np.ndarray:
    """RGB image (white background) of E and M counts per site."""
    e = np.clip(_slice(n_E) / capacity, 0, 1)[..., None]
    m = np.clip(_slice(n_M) / capacity, 0, 1)[..., None]
    tot = np.clip(e + m, 0, 1)
    mix = (e * COLOUR_E + m * COLOUR_M) / np.maximum(e + m, 1e-9)
    return 1.0 - tot * (1.0 - mix)


def _vessels(ax: plt.Axes, vessel: np.ndarray) -> None:
    v = _slice(vessel)
    ys, xs = np.nonzero(v == 1)
    ax.scatter(xs, ys, s=14, marker="o", facecolors="none", edgecolors="red", linewidths=1.0)
    ys, xs = np.nonzero(v == 2)
    ax.scatter(xs, ys, s=14, marker="x", c="red", linewidths=1.0)


def render_frame(
    snap: dict[str, np.ndarray], path: str | Path, capacity: int, title: str = ""
) -> Path:
    """Draw one snapshot (see :mod:`metastasis.spatial.snapshots`) to a PNG file."""
    fig, axes = plt.subplots(2, 3, figsize=(12, 8), dpi=FRAME_DPI)
    ax = axes.ravel()
    ax[0].imshow(cell_rgb(snap["g0_n_E"], snap["g0_n_M"], capacity), origin="lower")
    _vessels(ax[0], snap["g0_vessel"])
    ax[0].set_title("cells (orange E, blue M); vessels ○ normal × ruptured", fontsize=8)
    panels = (
        (1, "g0_ecm", "ECM density", "viridis", (0, None)),
        (2, "g0_mmp", "MMP-2", "magma", (0, None)),
        (3, "g0_oxygen", "oxygen (vessel = 1)", "Blues_r", (0, 1)),
        (4, "g0_vegf", "VEGF and vessels", "Greens", (0, None)),
    )
    for q, key, label, cmap, (lo, hi) in panels:
        if key in snap:
            img = _slice(snap[key])
            top = hi if hi is not None else max(float(img.max()), 1e-12)
            im = ax[q].imshow(img, origin="lower", cmap=cmap, vmin=lo, vmax=top)
            fig.colorbar(im, ax=ax[q], fraction=0.046, pad=0.04)
            ax[q].set_title(label, fontsize=9)
        else:
            ax[q].imshow(np.zeros_like(_slice(snap["g0_ecm"])), origin="lower", cmap="Greys",
                         vmin=0, vmax=1)
            ax[q].text(0.5, 0.5, f"{label}\n(off in this preset)", ha="center", va="center",
                       transform=ax[q].transAxes)
    _vessels(ax[4], snap["g0_vessel"])
    if "g1_n_E" in snap:
        ax[5].imshow(cell_rgb(snap["g1_n_E"], snap["g1_n_M"], capacity), origin="lower")
        _vessels(ax[5], snap["g1_vessel"])
        ax[5].set_title("secondary site 1: cells", fontsize=9)
    else:
        ax[5].axis("off")
    for a in ax:
        a.set_xticks([])
        a.set_yticks([])
    title = title or f"day {float(snap['t_days']):.2f} (step {int(snap['step'])})"
    nz = snap["g0_n_E"].shape[2]
    if nz > 1:
        title += f" — 3D, slice z = {nz // 2} of {nz}"
    fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


def make_gif(frames: Sequence[str | Path], out: str | Path, fps: int = 4) -> Path:
    """Join PNG frames into a GIF with matplotlib's Pillow writer."""
    out = Path(out)
    if not frames:
        raise ValueError("no frames to animate")
    first = plt.imread(frames[0])
    h, w = first.shape[:2]
    fig = plt.figure(figsize=(w / FRAME_DPI, h / FRAME_DPI), dpi=FRAME_DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.axis("off")
    im = ax.imshow(first)
    writer = PillowWriter(fps=fps)
    with writer.saving(fig, str(out), dpi=FRAME_DPI):
        for f in frames:
            im.set_data(plt.imread(f))
            writer.grab_frame()
    plt.close(fig)
    return out


def plot_timeseries(df: pd.DataFrame, out: str | Path) -> Path:
    """Cell counts by phenotype, invaded extent and intravasations against time (PNG)."""
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.8), dpi=FRAME_DPI)
    ax[0].plot(df["t_days"], df["primary_E"], color=COLOUR_E, label="primary E")
    ax[0].plot(df["t_days"], df["primary_M"], color=COLOUR_M, label="primary M")
    sec = [c for c in df.columns if c.startswith("secondary") and c[-2:] in ("_E", "_M")]
    if sec:
        ax[0].plot(df["t_days"], df[sec].sum(axis=1), color="k", ls="--", label="secondary")
    ax[0].set_ylabel("cells")
    ax[0].legend(fontsize=8)
    col = "invaded_area_mm2" if "invaded_area_mm2" in df else "invaded_volume_mm3"
    ax[1].plot(df["t_days"], df[col], color="purple")
    ax[1].set_ylabel(col.replace("_", " "))
    ax[2].plot(df["t_days"], df["intravasated_cells_total"], label="intravasated (total)")
    ax[2].plot(df["t_days"], df["ctc_cells"], label="CTCs in transit")
    ax[2].legend(fontsize=8)
    for a in ax:
        a.set_xlabel("days")
    fig.tight_layout()
    out = Path(out)
    fig.savefig(out)
    plt.close(fig)
    return out
