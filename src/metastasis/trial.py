"""`run_trial`: a trial's cohort tables and summary (`cohort.runner`), then its plots (`report`).

The cohort layer simulates and summarises; the report layer draws. This module sits above both,
as `simulation` does for a single scenario, so that neither has to reach up to the other.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from metastasis.cohort import runner
from metastasis.cohort.executors import Executor
from metastasis.cohort.runner import DEFAULT_CHUNK_SIZE, TrialRun
from metastasis.cohort.trial_loader import TrialPlan

__all__ = ["DEFAULT_CHUNK_SIZE", "TrialRun", "run_trial"]


def run_trial(
    plan: TrialPlan,
    patients: int,
    out_dir: str | Path,
    *,
    seed: int = 0,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
    force: bool = False,
    plots: bool = True,
) -> TrialRun:
    """Simulate `patients` patients of a trial into `out_dir` (resuming finished chunks).

    Writes the tables and summary of `metastasis.cohort.runner.run_trial` and, with `plots`,
    km.png, incidence_by_organ.png and swimmer.png beside them.
    """
    run = runner.run_trial(plan, patients, out_dir, seed=seed, chunk_size=chunk_size,
                           executor=executor, progress=progress, force=force)
    if plots:
        from metastasis.report.trial_plots import plot_trial

        plot_trial(plan, run.patients, run.sites, run.courses, run.out_dir)
    return run
