"""Run a trial in chunks on an injected executor, resumably, and write its tables and summary.

Patients 0…n−1 are cut into chunks of `chunk_size`; each chunk is simulated by
`trial_run.simulate_chunk` (in this process, a process pool or on Dask) and written
atomically. Finished chunks are skipped on restart. The final tables are the chunks joined
and sorted by patient, so the output bytes depend on (trial, seed, patients) only — not on
chunk size, worker count, order of completion or interruptions.

This module writes tables and the summary only; the plots are the report layer's
(`metastasis.trial.run_trial` runs this and then `metastasis.report.trial_plots`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from metastasis._version import __version__
from metastasis.cohort.executors import Executor, SerialExecutor
from metastasis.cohort.store import ChunkStore, write_atomic_parquet, write_atomic_text
from metastasis.cohort.trial_loader import TrialPlan
from metastasis.cohort.trial_run import simulate_chunk
from metastasis.cohort.trial_summary import TrialSummary, summarise
from metastasis.cohort.trial_tables import final_table

DEFAULT_CHUNK_SIZE = 250
"""Patients per chunk: small enough for a smooth progress bar and cheap restarts."""


@dataclass
class TrialRun:
    """Tables and summary of a finished trial run."""

    out_dir: Path
    patients: pd.DataFrame
    sites: pd.DataFrame
    courses: pd.DataFrame
    summary: TrialSummary


def _fingerprint(plan: TrialPlan) -> str:
    blob = json.dumps({"trial": plan.trial.model_dump(mode="json"),
                       "scenario": plan.scenario.model_dump(mode="json")}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


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
) -> TrialRun:
    """Simulate `patients` patients of a trial into `out_dir` (resuming finished chunks).

    Writes patients, sites and courses as Parquet, summary.json, summary.txt and trial.json.
    """
    if patients < 1:
        raise ValueError(f"patients = {patients}: expected a positive integer")
    if chunk_size < 1:
        raise ValueError(f"chunk_size = {chunk_size}: expected a positive integer")
    if seed < 0:
        raise ValueError(f"seed = {seed}: expected a non-negative integer")
    out_dir = Path(out_dir)
    manifest = {"trial_sha256": _fingerprint(plan), "seed": seed, "patients": patients,
                "chunk_size": chunk_size, "metastasis_version": __version__}
    store = ChunkStore(out_dir, manifest)
    store.open(force=force)
    starts = list(range(0, patients, chunk_size))
    todo = [s for s in starts if not store.done(s)]
    if progress is not None and len(todo) < len(starts):
        progress(sum(min(chunk_size, patients - s) for s in starts if s not in todo))
    executor = executor or SerialExecutor()
    tasks = [(plan, seed, list(range(s, min(s + chunk_size, patients)))) for s in todo]
    for i, tables in executor.run(simulate_chunk, tasks):
        store.write(todo[i], tables)
        if progress is not None:
            progress(len(tasks[i][2]))
    tables = {t: final_table(t, store.read(starts, t), plan) for t in ("patients", "sites", "courses")}
    for name, df in tables.items():
        write_atomic_parquet(df, out_dir / f"{name}.parquet")
    summary = summarise(plan, tables["patients"], tables["sites"])
    write_atomic_text(out_dir / "summary.json", summary.to_json())
    write_atomic_text(out_dir / "summary.txt", summary.to_text())
    meta = {"trial": plan.trial.model_dump(mode="json"), "seed": seed, "patients": patients,
            "metastasis_version": __version__}
    write_atomic_text(out_dir / "trial.json", json.dumps(meta, indent=2, sort_keys=True))
    return TrialRun(out_dir, tables["patients"], tables["sites"], tables["courses"], summary)
