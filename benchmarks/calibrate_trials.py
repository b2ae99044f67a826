"""Re-fit the two calibrated values of the trial examples after the engine changes.

1. `dormancy.wake_per_day` of examples/trials/breast_trial_scenario.toml, so that surgery at
   diagnosis (registry tumour sizes) gives Coumans et al. 2013's five-year risk of distant
   metastasis, 9.2% (bisection in log space; the risk rises with the rate).
2. `log_kill_per_cycle` of the chemotherapy course in adjuvant_chemotherapy.toml, so that the
   hazard ratio for breast cancer death is 0.7, the middle of the EBCTCG 2012 range 0.6-0.8
   (bisection; the ratio falls as the kill rises).

Both use the same seed at every step (common random numbers), so steps differ by the
parameter, not by sampling noise. The script prints the fitted values; it edits no file.

Run: python benchmarks/calibrate_trials.py [--patients 3000] [--steps 6]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import tempfile
import tomllib
from pathlib import Path

from metastasis.cohort.executors import PoolExecutor, SerialExecutor
from metastasis.cohort.runner import run_trial
from metastasis.cohort.trial_loader import trial_from_dict
from metastasis.cohort.trial_summary import analysis_set
from metastasis.units import DAYS_PER_YEAR

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "trials"
TARGET_DM5_PERCENT = 9.2
TARGET_HR = 0.7
WAKE_BRACKET = (1e-9, 1e-7)
LOG_KILL_BRACKET = (0.3, 2.0)


def _trial(wake: float, log_kill: float | None) -> dict:
    data = tomllib.loads((EXAMPLES / "adjuvant_chemotherapy.toml").read_text())
    data["scenario_overrides"] = {"dormancy": {"wake_per_day": wake}}
    if log_kill is None:
        data["arms"] = data["arms"][:1]
        data["randomisation"] = {"block_size": 1}
    else:
        for course in data["arms"][1]["courses"]:
            if course["therapy"] == "chemotherapy":
                course["log_kill_per_cycle"] = log_kill
    return data


def _evaluate(data: dict, patients: int, workers: int, root: Path) -> tuple[float, float]:
    plan = trial_from_dict(data, "calibration", EXAMPLES)
    out = Path(tempfile.mkdtemp(dir=root))
    ex = PoolExecutor(workers) if workers > 1 else SerialExecutor()
    try:
        res = run_trial(plan, patients, out, seed=0, executor=ex)
    finally:
        ex.close()
    df = analysis_set(plan, res.patients)
    obs = df[df.arm == plan.trial.arms[0].name]
    dm5 = 100.0 * float(((obs.dm_event.astype(bool)) & (obs.dm_days <= 5 * DAYS_PER_YEAR)).mean())
    hrs = res.summary.data["endpoints"]["overall_survival"]["hazard_ratios"]
    return dm5, (hrs[0]["hr"] if hrs else math.nan)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=3000)
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="calibrate-trials-"))
    try:
        lo, hi = (math.log10(w) for w in WAKE_BRACKET)
        for _ in range(args.steps):
            mid = 0.5 * (lo + hi)
            dm5, _ = _evaluate(_trial(10**mid, None), args.patients, args.workers, root)
            print(f"wake_per_day {10**mid:.3g}: five-year distant metastasis {dm5:.1f}% "
                  f"(target {TARGET_DM5_PERCENT}%)", flush=True)
            lo, hi = (mid, hi) if dm5 < TARGET_DM5_PERCENT else (lo, mid)
        wake = 10 ** (0.5 * (lo + hi))
        lo, hi = LOG_KILL_BRACKET
        for _ in range(args.steps):
            mid = 0.5 * (lo + hi)
            _, hr = _evaluate(_trial(wake, mid), args.patients, args.workers, root)
            print(f"log_kill_per_cycle {mid:.3f}: HR {hr:.3f} (target {TARGET_HR})", flush=True)
            lo, hi = (mid, hi) if hr > TARGET_HR else (lo, mid)
        print(f"\nfitted: dormancy.wake_per_day = {wake:.3g}; "
              f"log_kill_per_cycle = {0.5 * (lo + hi):.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
