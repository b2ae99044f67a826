"""Kaplan–Meier overall survival from diagnosis by summary stage, as a figure."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from metastasis.cohort.stage_survival import survival_by_stage  # noqa: E402

COLOURS = {"localized": "#1b7837", "regional": "#e08214", "distant": "#b2182b"}


def plot_survival_by_stage(patients: pd.DataFrame, path: Path, title: str = "") -> Path:
    """Write the Kaplan–Meier curves of each stage, with n and the 5-year estimate."""
    fig, ax = plt.subplots(figsize=(7.5, 4.8), dpi=110)
    for s in survival_by_stage(patients):
        at5 = "" if s.five_year != s.five_year else f", 5-y {100 * s.five_year:.0f}%"
        ax.step(s.years, s.survival, where="post", lw=2, color=COLOURS[s.stage],
                label=f"{s.stage} (n = {s.n}{at5})")
    ax.set_xlabel("years from diagnosis")
    ax.set_ylabel("overall survival")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=9)
    ax.set_title(title or "Overall survival by SEER summary stage at diagnosis", fontsize=11)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
