"""Trial throughput: patients per second in this process, on a local process pool, on Dask.

Runs the adjuvant-chemotherapy example (two arms, 10 years of follow-up after diagnosis, on
top of each patient's natural history before it) for `--patients` patients with each
executor, into a fresh folder each time, and checks that every run wrote the same bytes.
Scaling efficiency = (rate with w workers) / (w × rate with one).

Run: python benchmarks/cohort.py [--patients 10000] [--workers 2] [--chunk-size 250]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from metastasis.cohort.executors import DaskExecutor, PoolExecutor, SerialExecutor
from metastasis.cohort.runner import run_trial
from metastasis.cohort.trial_loader import load_trial
from metastasis.cohort.trial_run import simulate_chunk

TRIAL = Path(__file__).resolve().parents[1] / "examples" / "trials" / "adjuvant_chemotherapy.toml"
FLOOR_S = 180.0
GOAL_S = 30.0
OUTPUTS = ("patients.parquet", "sites.parquet", "courses.parquet", "summary.json")


def _timed(plan, patients, out, chunk, executor) -> float:
    t0 = time.perf_counter()
    try:
        run_trial(plan, patients, out, seed=0, chunk_size=chunk, executor=executor)
    finally:
        executor.close()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--chunk-size", type=int, default=250)
    ap.add_argument("--skip-serial", action="store_true", help="only the parallel runs")
    args = ap.parse_args()
    plan = load_trial(TRIAL)
    simulate_chunk(plan, 0, [0])  # compile / load the Numba cache outside the timings
    print(f"trial: {TRIAL.name} ({len(plan.trial.arms)} arms, {plan.trial.follow_up_years:g} "
          f"years follow-up), {args.patients} patients, chunks of {args.chunk_size}")
    print(f"machine: {os.cpu_count()} logical CPUs, {platform.python_implementation()} "
          f"{platform.python_version()}, {platform.system()}")
    root = Path(tempfile.mkdtemp(prefix="cohort-bench-"))
    rows = []
    try:
        runs = [] if args.skip_serial else [("1 worker (in process)", 1, SerialExecutor)]
        runs += [
            (f"{args.workers} workers (process pool)", args.workers,
             lambda: PoolExecutor(args.workers)),
            (f"{args.workers} workers (Dask LocalCluster)", args.workers,
             lambda: DaskExecutor.local(args.workers)),
        ]
        for label, w, make in runs:
            out = root / label.split()[0] / label.split("(")[1].split()[0]
            seconds = _timed(plan, args.patients, out, args.chunk_size, make())
            rows.append((label, w, seconds, args.patients / seconds, out))
            print(f"  {label:<36} {seconds:8.1f} s  {args.patients / seconds:8.1f} patients/s",
                  flush=True)
        first = rows[0][4]
        same = all((r[4] / n).read_bytes() == (first / n).read_bytes()
                   for r in rows[1:] for n in OUTPUTS)
        print(f"identical output bytes across executors: {'yes' if same else 'NO'}")
        serial = next((r for r in rows if r[1] == 1), None)
        if serial is not None:
            for label, w, _, rate, _ in rows[1:]:
                print(f"scaling efficiency, {label}: {rate / (w * serial[3]):.2f}")
        best = min(r[2] for r in rows)
        verdict = "goal met" if best < GOAL_S else ("floor met" if best < FLOOR_S else "FLOOR MISSED")
        print(f"fastest: {best:.1f} s for {args.patients} patients "
              f"(floor {FLOOR_S:.0f} s, goal {GOAL_S:.0f} s: {verdict})")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
