"""Simulated patient-years per second for the breast preset on one core.

Batch of 1,000 patients, 10 years of follow-up, engine only (the compiled kernel) and the full
`metastasis.simulate` call (kernel, clinical read-out and result tables). Floor 2,000
patient-years/s, goal 10,000. Run: python benchmarks/throughput.py [--patients N]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import metastasis  # noqa: E402
from metastasis.engine import build_inputs, run_batch  # noqa: E402

YEARS = 10.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=1000)
    ap.add_argument("--preset", default="breast")
    args = ap.parse_args()
    sc = metastasis.load_scenario(args.preset)
    inputs = build_inputs(sc, years=YEARS)
    run_batch(inputs, [0], seed=0)  # compile (or load the cache) outside the timing
    metastasis.simulate(sc, patients=2, years=YEARS, seed=0)

    t0 = time.perf_counter()
    out = run_batch(inputs, list(range(args.patients)), seed=1)
    engine_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = metastasis.simulate(sc, patients=args.patients, years=YEARS, seed=1)
    full_s = time.perf_counter() - t0
    # patient-years actually simulated (patients stop at death)
    simulated_years = res.patients.follow_up_days.sum() / 365.25
    nominal = args.patients * YEARS
    print(f"preset {args.preset}: {args.patients} patients x {YEARS:.0f} years, one core")
    print(f"  engine only:      {engine_s:7.2f} s  {nominal / engine_s:9.0f} patient-years/s "
          f"(nominal)  {simulated_years / engine_s:9.0f} (simulated, deaths stop early)")
    print(f"  simulate() total: {full_s:7.2f} s  {nominal / full_s:9.0f} patient-years/s (nominal)")
    print(f"  lesions {len(out.les_id):,}, events {len(res.events):,}, "
          f"trajectory rows {len(res.trajectories):,}")
    print("  floor 2,000 patient-years/s, goal 10,000")


if __name__ == "__main__":
    main()
