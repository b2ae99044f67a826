"""Kernel or cohort throughput of this tree beside another commit, measured in one run.

    python benchmarks/engine_vs_commit.py [--ref HEAD~1] [--patients 1000] [--repeats 3]
                                          [--mode kernel|cohort]

The other commit is checked out into a temporary git worktree; each preset runs in a fresh
process per tree, alternating between the trees, after a warm-up that compiles or loads
Numba's cache. CPU time, median of the repeats, in patient-years per second per core.
`kernel`: `run_batch` on the scenario's own parameters for 10 years (nominal years: patients
stop at death). `cohort`: the whole `metastasis.simulate` call with the preset's own
follow-up, in patient-years actually simulated (the patients table's follow_up_days), so trees
whose patients are simulated for different spans compare per simulated year.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEARS = 10.0
CHILD = """
import json, sys, time
import metastasis
from metastasis.engine import build_inputs, run_batch
preset, patients, years = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
inputs = build_inputs(metastasis.load_scenario(preset), years=years)
run_batch(inputs, [0], seed=0)
t0 = time.process_time()
out = run_batch(inputs, list(range(patients)), seed=1)
print(json.dumps({"cpu_s": time.process_time() - t0, "lesions": int(len(out.les_id)),
                  "years": patients * years}))
"""
COHORT_CHILD = """
import json, sys, time
import metastasis
preset, patients = sys.argv[1], int(sys.argv[2])
metastasis.simulate(preset, patients=2, seed=0)
t0 = time.process_time()
res = metastasis.simulate(preset, patients=patients, seed=1)
print(json.dumps({"cpu_s": time.process_time() - t0, "lesions": int(len(res.lesions)),
                  "years": float(res.patients.follow_up_days.sum() / 365.25)}))
"""


def _measure(tree: Path, preset: str, patients: int, mode: str) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), NUMBA_NUM_THREADS="1")
    child = CHILD if mode == "kernel" else COHORT_CHILD
    done = subprocess.run([sys.executable, "-c", child, preset, str(patients), str(YEARS)],
                          env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", default="HEAD~1", help="commit to compare against")
    ap.add_argument("--patients", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--presets", default="breast,lung,colorectal")
    ap.add_argument("--mode", choices=("kernel", "cohort"), default="kernel")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        other = Path(tmp) / "other"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(other),
                        args.ref], check=True, capture_output=True)
        try:
            trees = {"this tree": ROOT, args.ref: other}
            what = (f"kernel only, {args.patients} patients x {YEARS:.0f} years"
                    if args.mode == "kernel" else f"simulate(), {args.patients} patients")
            print(f"{what}, CPU time, median of {args.repeats}")
            for preset in args.presets.split(","):
                cpu: dict[str, list[float]] = {name: [] for name in trees}
                lesions: dict[str, int] = {}
                years: dict[str, float] = {}
                for _ in range(args.repeats):
                    for name, tree in trees.items():
                        r = _measure(tree, preset, args.patients, args.mode)
                        cpu[name].append(r["cpu_s"])
                        lesions[name] = int(r["lesions"])
                        years[name] = r["years"]
                rate = {n: years[n] / statistics.median(v) for n, v in cpu.items()}
                base = rate[args.ref]
                for name in trees:
                    print(f"  {preset:10s} {name:12s} {rate[name]:8.0f} patient-years/s/core "
                          f"({rate[name] / base:5.2f}x)  lesions {lesions[name]:,}")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)],
                           check=False, capture_output=True)


if __name__ == "__main__":
    main()
