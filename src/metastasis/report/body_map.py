"""Body map: a schematic figure with one disc per organ, sized by its tumour burden."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, Ellipse, FancyBboxPatch  # noqa: E402

if TYPE_CHECKING:
    from metastasis.result import SimulationResult

ORGAN_XY = {
    "brain": (0.0, 9.2),
    "mediastinum": (0.0, 6.4),
    "lung": (-0.9, 6.2),
    "pleura": (1.05, 6.0),
    "breast": (0.75, 5.5),
    "liver": (-0.7, 4.6),
    "adrenal": (0.55, 4.3),
    "pancreas": (0.2, 4.0),
    "kidney": (0.85, 3.8),
    "peritoneum": (-0.2, 3.2),
    "colon": (0.5, 2.6),
    "prostate": (0.0, 1.6),
    "regional_lymph_nodes": (-1.6, 7.0),
    "distant_lymph_nodes": (-0.55, 7.6),
    "bone": (1.6, 1.2),
    "skin_soft_tissue": (-1.9, 2.2),
}
"""Schematic positions (arbitrary units) of each organ on the body outline."""

MIN_CELLS_SHOWN = 1.0e3
DISC_SCALE = 0.045  # disc radius per decade of cells above MIN_CELLS_SHOWN


def _outline(ax) -> None:
    grey: dict[str, Any] = {"facecolor": "#f2efe9", "edgecolor": "#9a948a", "lw": 1.2}
    ax.add_patch(Circle((0, 9.2), 0.8, **grey))
    ax.add_patch(FancyBboxPatch((-1.4, 1.2), 2.8, 6.9, boxstyle="round,pad=0.2,rounding_size=0.6",
                                **grey))
    for side in (-1, 1):
        ax.add_patch(Ellipse((side * 2.0, 5.0), 0.6, 4.4, angle=side * 8, **grey))
        ax.add_patch(Ellipse((side * 0.7, -1.2), 0.8, 4.6, **grey))


def plot_body_map(result: SimulationResult, path: Path, patient: int | None = None) -> Path:
    """Discs per organ sized by log burden at the last record (primary in its own organ)."""
    tr = result.trajectories
    pid = int(tr.patient.iloc[0]) if patient is None else patient
    tr = tr[tr.patient == pid]
    t_last = tr.time_days.max()
    last = tr[tr.time_days == t_last]
    burden = last[last.compartment == "lesions"].groupby("organ", observed=True).cells.sum()
    prim = last[last.compartment.astype(str).str.startswith("primary_")
                & (last.compartment != "primary_capacity")]
    site = str(prim.organ.iloc[0]) if len(prim) else ""
    fig, ax = plt.subplots(figsize=(4.6, 7.2), dpi=110)
    _outline(ax)
    cmap = plt.get_cmap("inferno_r")
    for organ, (x, y) in ORGAN_XY.items():
        cells = float(burden.get(organ, 0.0))
        is_site = organ == site
        if is_site:
            cells += float(prim.cells.sum())
        if cells < MIN_CELLS_SHOWN:
            ax.plot(x, y, marker="o", ms=3, color="#bdb6aa")
            continue
        decades = math.log10(cells / MIN_CELLS_SHOWN)
        ax.add_patch(Circle((x, y), 0.12 + DISC_SCALE * decades, color=cmap(min(decades / 9, 1)),
                            alpha=0.85, ec="black" if is_site else "none", lw=1.5))
        ax.text(x, y - 0.3 - DISC_SCALE * decades, f"{organ.replace('_', ' ')}\n{cells:.1e}",
                ha="center", va="top", fontsize=6)
    ax.set_xlim(-3, 3)
    ax.set_ylim(-3.8, 10.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"patient {pid}: tumour cells by organ at day {t_last:,.0f}\n"
                 "(outlined: primary site; disc radius grows with log burden)", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
