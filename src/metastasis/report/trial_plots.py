"""Trial plots: Kaplan–Meier per arm, cumulative incidence by organ, swimmer plot of a sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from metastasis.cohort.survival import ENDPOINTS, cumulative_incidence
from metastasis.cohort.trial_loader import TrialPlan
from metastasis.cohort.trial_summary import analysis_set
from metastasis.units import DAYS_PER_YEAR

SWIMMER_PATIENTS = 30
"""Patients shown in the swimmer plot (the lowest patient numbers of the analysis set)."""
INCIDENCE_ORGANS = 6
"""Organs shown in the cumulative-incidence plot (the most often involved)."""
_PNG_META = {"Software": None}


def _save(fig, path: Path) -> None:
    tmp = path.with_name(f".tmp-{path.name}")
    fig.savefig(tmp, dpi=110, metadata=_PNG_META, format="png")
    tmp.replace(path)


def plot_trial(plan: TrialPlan, patients: pd.DataFrame, sites: pd.DataFrame,
               courses: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Write km.png, incidence_by_organ.png and swimmer.png into `out_dir`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    df = analysis_set(plan, patients)
    arms = [a.name for a in plan.trial.arms]
    colours = {a: plt.get_cmap("tab10")(i % 10) for i, a in enumerate(arms)}
    paths = []

    from lifelines import KaplanMeierFitter

    fig, axes = plt.subplots(1, len(ENDPOINTS), figsize=(5 * len(ENDPOINTS), 4), sharey=True)
    for ax, (ep, (t_col, e_col)) in zip(axes, ENDPOINTS.items(), strict=True):
        for arm in arms:
            g = df[df.arm == arm]
            if len(g):
                kmf = KaplanMeierFitter(label=arm).fit(g[t_col] / DAYS_PER_YEAR, g[e_col].astype(bool))
                kmf.plot_survival_function(ax=ax, color=colours[arm], ci_show=True)
        ax.set_title(ep.replace("_", " "))
        ax.set_xlim(0, plan.trial.follow_up_years)
        ax.set_xlabel("years from diagnosis")
        ax.set_ylim(0, 1.02)
    axes[0].set_ylabel("probability")
    fig.tight_layout()
    paths.append(out_dir / "km.png")
    _save(fig, paths[-1])
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    top = (sites[sites.distant.astype(bool) & sites.patient.isin(df.patient)]
           .groupby("organ").size().sort_values(ascending=False, kind="stable"))
    organs = [o for o in top.index[:INCIDENCE_ORGANS]]
    grid = np.linspace(0, plan.trial.follow_up_years * DAYS_PER_YEAR, 200)
    styles = ["-", "--", ":", "-."]
    for k, arm in enumerate(arms):
        g = df[df.arm == arm]
        for j, organ in enumerate(organs):
            first = sites[sites.organ == organ].groupby("patient")["days_from_diagnosis"].min()
            t_site = g.patient.map(first).to_numpy(dtype=float)
            has = np.isfinite(t_site) & (t_site <= g.os_days.to_numpy())
            time = np.where(has, t_site, g.os_days.to_numpy())
            cause = np.where(has, 1, np.where(g.death.to_numpy(dtype=bool), 2, 0))
            ax.plot(grid / DAYS_PER_YEAR, 100 * cumulative_incidence(time, cause, grid),
                    color=plt.get_cmap("tab10")(j % 10), ls=styles[k % len(styles)],
                    label=f"{organ} ({arm})")
    ax.set_xlabel("years from diagnosis")
    ax.set_ylabel("cumulative incidence of detected metastasis (%)")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    paths.append(out_dir / "incidence_by_organ.png")
    _save(fig, paths[-1])
    plt.close(fig)

    sample = df.sort_values("patient").head(SWIMMER_PATIENTS)
    fig, ax = plt.subplots(figsize=(8, 0.25 * max(len(sample), 4) + 1.5))
    therapies = sorted(set(courses.therapy.astype(str)))
    th_col = {t: plt.get_cmap("Set2")(i % 8) for i, t in enumerate(therapies)}
    for y, row in enumerate(sample.itertuples(index=False)):
        end = row.os_days / DAYS_PER_YEAR
        ax.barh(y, end, color=colours[row.arm], alpha=0.35, height=0.8)
        for c in courses[courses.patient == row.patient].itertuples(index=False):
            ax.plot([c.start_days / DAYS_PER_YEAR, max(c.stop_days, c.start_days + 1) / DAYS_PER_YEAR],
                    [y, y], color=th_col[str(c.therapy)], lw=4, solid_capstyle="butt")
        det = sites[(sites.patient == row.patient) & sites.distant.astype(bool)]
        ax.plot(det.days_from_diagnosis / DAYS_PER_YEAR, [y] * len(det), "kx", ms=4)
        ax.plot([end], [y], "k|" if not row.death else "ko", ms=5)
    ax.set_yticks(range(len(sample)), [str(p) for p in sample.patient])
    ax.set_xlabel("years from diagnosis")
    ax.set_ylabel("patient")
    handles = [plt.Line2D([], [], color=colours[a], lw=6, alpha=0.35, label=a) for a in arms]
    handles += [plt.Line2D([], [], color=th_col[t], lw=4, label=f"course: {t}") for t in therapies]
    handles += [plt.Line2D([], [], color="k", marker="x", ls="", label="distant metastasis detected"),
                plt.Line2D([], [], color="k", marker="o", ls="", label="death")]
    ax.legend(handles=handles, fontsize=7, loc="lower right")
    fig.tight_layout()
    paths.append(out_dir / "swimmer.png")
    _save(fig, paths[-1])
    plt.close(fig)
    return paths
