"""Figures for Boolean-network simulations."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from metastasis.models.boolean.simulator import BooleanSimulation


def plot_probabilities(
    result: BooleanSimulation,
    path: str | Path | None = None,
    *,
    title: str | None = None,
    min_probability: float = 0.01,
) -> Figure:
    """Output-state probabilities against time, one line per state that ever exceeds
    ``min_probability``; saved as an image to ``path`` when given."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    probs = result.window_probabilities
    keep = [c for c in probs.columns if probs[c].max() >= min_probability]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    cmap = plt.get_cmap("tab20")
    colours = [cmap(i) for i in range(cmap.N)]
    for k, col in enumerate(sorted(keep, key=lambda c: -probs[c].iloc[-1])):
        ax.plot(probs.index, probs[col], label=col, color=colours[k % len(colours)])
    ax.set_xlabel("time (model units)")
    ax.set_ylabel("probability")
    ax.set_ylim(0, 1)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
        plt.close(fig)
    return fig
