"""Burden per organ over time, with detection and symptom marks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from metastasis.units import DAYS_PER_YEAR  # noqa: E402

if TYPE_CHECKING:
    from metastasis.result import SimulationResult

MIN_CELLS_SHOWN = 1.0


def plot_burden(result: SimulationResult, path: Path, patient: int | None = None) -> Path:
    """Write a log-scale plot of primary and per-organ lesion burden for one patient."""
    tr = result.trajectories
    pid = int(tr.patient.iloc[0]) if patient is None else patient
    tr = tr[tr.patient == pid]
    ev = result.events[result.events.patient == pid]
    fig, ax = plt.subplots(figsize=(10, 5.5), dpi=110)
    prim = tr[tr.compartment.astype(str).str.startswith("primary_")
              & (tr.compartment != "primary_capacity")]
    prim_total = prim.groupby("time_days")["cells"].sum()
    ax.plot(prim_total.index / DAYS_PER_YEAR, prim_total.to_numpy(), lw=2.5, color="black",
            label="primary")
    les = tr[tr.compartment == "lesions"]
    cmap = plt.get_cmap("tab20")
    for k, (organ, g) in enumerate(les.groupby("organ", observed=True)):
        ax.plot(g.time_days / DAYS_PER_YEAR, g.cells, lw=1.5, color=cmap(k % 20), label=str(organ))
    det = ev[ev.event == "detected"]
    if len(det):
        ax.scatter(det.time_days / DAYS_PER_YEAR, np.full(len(det), 1e12), marker="v",
                   color="tab:blue", s=18, label="detected (scan)")
    sym = ev[ev.event == "symptom"]
    if len(sym):
        ax.scatter(sym.time_days / DAYS_PER_YEAR, np.full(len(sym), 3e12), marker="*",
                   color="tab:red", s=40, label="symptom onset")
    death = ev[ev.event == "death"]
    for t in death.time_days:
        ax.axvline(t / DAYS_PER_YEAR, color="grey", ls="--", lw=1)
    ax.set_yscale("log")
    ax.set_ylim(MIN_CELLS_SHOWN, 1e13)
    ax.set_xlabel("time since first malignant cell (years)")
    ax.set_ylabel("tumour cells")
    ax.set_title(f"{result.metadata.get('scenario', '')}: patient {pid}, burden per organ")
    ax.legend(fontsize=7, ncol=3, loc="upper left", framealpha=0.85)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
