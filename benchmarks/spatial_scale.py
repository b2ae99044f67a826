"""Seconds per step of metastasis.spatial against cell count, in 2D and 3D, up to 10⁶ cells.

Each case seeds a tumour of N cells at full capacity (4 per site) in the centre of the primary
grid — 2D grids are sized so the tumour covers about a quarter of the grid, 3D grids are
200 × 200 × 200 — with the Franssen vessel layout around it and two small (21-site) secondary
grids. Each case runs in its own process, which reports the time to build the model, the mean
seconds per step over ``--steps`` steps after two warm-up steps (Numba compilation excluded),
and the process's peak resident memory.

Presets: ``franssen2019`` (cells, MMP-2, ECM) and ``invasion`` (adds oxygen, VEGF and vessel
sprouting, TGF-β, E↔M switching, stochastic proliferation, TAMs and CAFs; its fields are solved
over the whole grid every step).

Usage::

    python benchmarks/spatial_scale.py                 # all cases
    python benchmarks/spatial_scale.py --max-cells 1e5 --steps 5
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time

CELL_COUNTS = [1_000, 10_000, 100_000, 1_000_000]
GRID_3D = 200
CAPACITY = 4
COVERAGE_2D = 0.25


def case_overrides(dim: int, cells: int, preset: str) -> dict[str, object]:
    sites = cells // CAPACITY
    size = (
        max(41, int(math.ceil(math.sqrt(sites / COVERAGE_2D))))
        if dim == 2
        else GRID_3D
    )
    over: dict[str, object] = {
        "grid.dim": dim,
        "grid.size": size,
        "grid.secondary_size": 21,
        "cells.initial_cells": cells,
        "cells.initial_sites": sites,
        "vessels.exclusion_sites": int(sites * 1.3) + 100,
        "vessels.secondary": [4, 4],
    }
    if preset == "invasion":
        over.update({"agents.tam_count": max(10, cells // 1000),
                     "agents.caf_count": max(10, cells // 1500)})
    return over


def run_case(dim: int, cells: int, preset: str, steps: int) -> dict[str, float]:
    from metastasis.spatial import SpatialModel, load_preset, with_overrides

    p = with_overrides(load_preset(preset), case_overrides(dim, cells, preset))
    t0 = time.perf_counter()
    model = SpatialModel(p, seed=1)
    build = time.perf_counter() - t0
    model.step()
    model.step()
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    per_step = (time.perf_counter() - t0) / steps
    row = model.latest
    return {
        "dim": dim,
        "preset": preset,
        "grid": p.grid.size,
        "sites": p.grid.size ** dim,
        "cells": int(row["primary_E"] + row["primary_M"]),
        "build_s": build,
        "s_per_step": per_step,
        "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--max-cells", type=float, default=1e6)
    ap.add_argument("--presets", default="franssen2019,invasion")
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        dim, cells, preset = args.one.split(":")
        print(json.dumps(run_case(int(dim), int(cells), preset, args.steps)))
        return

    # compile (or load cached) kernels once, outside the timed cases
    subprocess.run([sys.executable, __file__, "--one", "2:1000:invasion", "--steps", "1"],
                   check=True, capture_output=True)
    print(f"{'dim':>3} {'preset':>13} {'grid':>6} {'sites':>10} {'cells':>9} "
          f"{'build s':>8} {'s/step':>9} {'peak GiB':>8}")
    for preset in args.presets.split(","):
        for dim in (2, 3):
            for cells in CELL_COUNTS:
                if cells > args.max_cells:
                    continue
                res = subprocess.run(
                    [sys.executable, __file__, "--one", f"{dim}:{cells}:{preset}",
                     "--steps", str(args.steps)],
                    capture_output=True, text=True,
                )
                if res.returncode != 0:
                    print(f"{dim:>3} {preset:>13} failed: {res.stderr.strip()[-300:]}")
                    continue
                r = json.loads(res.stdout.strip().splitlines()[-1])
                print(f"{r['dim']:>3} {r['preset']:>13} {r['grid']:>6} {r['sites']:>10} "
                      f"{r['cells']:>9} {r['build_s']:>8.2f} {r['s_per_step']:>9.4f} "
                      f"{r['peak_rss_gib']:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
