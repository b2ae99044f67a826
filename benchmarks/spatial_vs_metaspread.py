"""metastasis.spatial against MetaSpread on the same Franssen et al. (2019) configuration.

MetaSpread (PyPI ``metaspread``, Hernández-Inostroza & Gjini 2024) is the Python/Mesa
implementation of the Franssen model. This script installs it into its own virtual environment
(by default under the system temp folder), runs both programs with the same parameters, number
of steps and seeds, and prints

* wall time of the stepping loop for each, per step and in total, and their ratio;
* both models' cell counts by phenotype on the primary and secondary grids, CTCs in transit and
  intravasations over time, as means ± standard deviation over the seeds;
* whether each final summary of one model lies within the other's seed-to-seed spread.

Timing excludes start-up: MetaSpread's import and model construction, and our model's
construction and one-off Numba compilation (reported separately).

Tiers (``--tier``):

``paper101``  Franssen2019 parameters on a 101 × 101 grid, 2100 steps (one E doubling).
``dense51``   Franssen2019 parameters on a 51 × 51 grid with 40 normal and 10 ruptured vessels,
              1500 steps: intravasation, circulation and extravasation happen in every seed.
``paper201``  the published 201 × 201 grid, 300 steps: timing of the full-size configuration.

Each MetaSpread run is cached (by configuration, steps, seed and version) next to its virtual
environment, so a rerun repeats only our side; ``--no-cache`` forces a fresh run.

Usage::

    python benchmarks/spatial_vs_metaspread.py --tier dense51 --seeds 5
    python benchmarks/spatial_vs_metaspread.py --tier paper101 --seeds 5 --ours-seeds 50
    python benchmarks/spatial_vs_metaspread.py --tier paper201 --ours-only
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import tempfile
import textwrap
import time
import venv
from pathlib import Path

import numpy as np
import pandas as pd

METASPREAD_VERSION = "2024.0.6"

TIERS: dict[str, dict[str, object]] = {
    "paper101": {"steps": 2100, "overrides": {"grid.size": 101}},
    "dense51": {
        "steps": 1500,
        "overrides": {
            "grid.size": 51,
            "vessels.normal_primary": 40,
            "vessels.ruptured_primary": 10,
            "vessels.exclusion_sites": 100,
        },
    },
    "paper201": {"steps": 300, "overrides": {}},
}

METRICS = [
    "primary_E",
    "primary_M",
    "secondary_cells",
    "ctc_cells",
    "ctc_clusters",
    "intravasation_events_total",
    "intravasated_cells_total",
]

DRIVER = textwrap.dedent(
    '''
    import contextlib, io, json, os, sys, time
    import pandas as pd

    cfg = json.loads(sys.argv[1])
    names, values = zip(*cfg["configs"])
    pd.DataFrame({"Names": names, "Values": [repr(v) if isinstance(v, list) else v
                                              for v in values]}).to_csv(
        "simulations_configs.csv", index=False)
    with contextlib.redirect_stdout(io.StringIO()):
        import metaspread  # noqa: F401  (reads simulations_configs.csv from the cwd)
        from metaspread.cancermodel import CancerModel
    steps, seed, tv = cfg["steps"], cfg["seed"], cfg["transit_steps"]
    n_grids = cfg["grids"]
    os.makedirs("sim", exist_ok=True)
    with contextlib.redirect_stdout(io.StringIO()):
        model = CancerModel(cfg["initial_cells"], cfg["size"], cfg["size"], n_grids,
                            steps + 1, steps + 1, "sim", seed=seed)

    def census(m):
        c = [[0, 0] for _ in range(n_grids)]
        for a in m.schedule.agents:
            if a.agent_type == "cell":
                c[a.grid_id - 1][0 if a.phenotype == "epithelial" else 1] += 1
        clusters = [cl for v in m.vasculature.values() for cl in v]
        return c, sum(x + y for x, y in clusters), sum(1 for x, y in clusters if x + y > 1)

    rows = []
    ev_total = cells_total = 0
    c, ctc, ctc_cl = census(model)
    rows.append([0, c[0][0], c[0][1], sum(sum(g) for g in c[1:]), ctc, ctc_cl, 0, 0])
    wall = 0.0
    sink = io.StringIO()
    for n in range(steps):
        t = model.schedule.time
        with contextlib.redirect_stdout(sink):
            t0 = time.perf_counter()
            model.step()
            wall += time.perf_counter() - t0
        sink.seek(0)
        sink.truncate()
        new = model.vasculature.get(t + tv, [])
        ev_total += len(new)
        cells_total += sum(x + y for x, y in new)
        c, ctc, ctc_cl = census(model)
        rows.append([n + 1, c[0][0], c[0][1], sum(sum(g) for g in c[1:]), ctc, ctc_cl,
                     ev_total, cells_total])
    print(json.dumps({"wall_s": wall, "rows": rows}))
    '''
)


def metaspread_configs(p) -> list[tuple[str, object]]:
    """Our parameters written as MetaSpread's 31 configuration entries."""
    steps = p.steps_for
    return [
        ("th", p.grid.dt),
        ("tha", p.grid.dt),
        ("xh", p.grid.dx),
        ("xha", p.grid.dx),
        ("dM", p.cells.D_M),
        ("dE", p.cells.D_E),
        ("phiM", p.cells.chi_M),
        ("phiE", p.cells.chi_E),
        ("dmmp", p.mmp.D),
        ("theta", p.mmp.production_M),
        ("Lambda", p.mmp.decay),
        ("gamma1", p.ecm.degradation_by_M),
        ("gamma2", p.ecm.degradation_by_MMP),
        ("vasculature_time", steps(p.circulation.transit_time)),
        ("doubling_time_M", steps(p.cells.doubling_time_M)),
        ("doubling_time_E", steps(p.cells.doubling_time_E)),
        ("single_cell_survival", p.circulation.single_survival),
        ("cluster_survival", p.circulation.cluster_survival),
        ("extravasation_probs", list(p.circulation.extravasation_probs)),
        # MetaSpread keeps a cell in its cluster with this probability; ours is the complement
        ("dissagreggation_prob", 1.0 - p.circulation.disaggregation_prob),
        ("carrying_capacity", p.cells.carrying_capacity),
        ("normal_vessels_primary", p.vessels.normal_primary),
        ("ruptured_vessels_primary", p.vessels.ruptured_primary),
        ("secondary_sites_vessels", list(p.vessels.secondary)),
        ("n_center_points_for_tumor", p.cells.initial_sites),
        ("n_center_points_for_Vessels", p.vessels.exclusion_sites),
        ("gridsize", p.grid.size),
        ("grids_number", 1 + len(p.vessels.secondary)),
        ("mesenchymal_proportion", p.cells.initial_M_fraction),
        ("epithelial_proportion", round(1.0 - p.cells.initial_M_fraction, 12)),
        ("number_of_initial_cells", p.cells.initial_cells),
    ]


def ensure_metaspread(venv_dir: Path) -> Path:
    """Python of a virtual environment with MetaSpread installed (created if missing)."""
    py = venv_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    probe = [str(py), "-c", "import importlib.metadata as m; print(m.version('metaspread'))"]
    if py.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return py
    print(f"installing metaspread=={METASPREAD_VERSION} into {venv_dir} ...", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", f"metaspread=={METASPREAD_VERSION}"], check=True
    )
    return py


def run_metaspread(
    py: Path, p, steps: int, seed: int, cache: Path | None = None
) -> tuple[float, pd.DataFrame]:
    """One MetaSpread run (read from ``cache`` if this exact run was done before)."""
    cfg = {
        "configs": metaspread_configs(p),
        "steps": steps,
        "seed": seed,
        "transit_steps": p.steps_for(p.circulation.transit_time),
        "grids": 1 + len(p.vessels.secondary),
        "size": p.grid.size,
        "initial_cells": p.cells.initial_cells,
    }
    key = hashlib.sha1(json.dumps([cfg, METASPREAD_VERSION], sort_keys=True).encode()).hexdigest()
    hit = cache / f"{key}.json" if cache else None
    if hit is not None and hit.exists():
        out = json.loads(hit.read_text())
        return out["wall_s"], pd.DataFrame(out["rows"], columns=["step", *METRICS])
    with tempfile.TemporaryDirectory(prefix="metaspread-run-") as cwd:
        driver = Path(cwd) / "driver.py"
        driver.write_text(DRIVER)
        env = {**os.environ, "MPLBACKEND": "Agg"}
        res = subprocess.run(
            [str(py), str(driver), json.dumps(cfg)], cwd=cwd, capture_output=True, text=True,
            env=env,
        )
    if res.returncode != 0:
        raise RuntimeError(f"MetaSpread failed:\n{res.stderr[-3000:]}")
    out = json.loads(res.stdout.strip().splitlines()[-1])
    if hit is not None:
        hit.parent.mkdir(parents=True, exist_ok=True)
        hit.write_text(json.dumps(out))
    cols = ["step", *METRICS]
    return out["wall_s"], pd.DataFrame(out["rows"], columns=cols)


def run_ours(p, steps: int, seed: int) -> tuple[float, pd.DataFrame]:
    from metastasis.spatial import SpatialModel

    model = SpatialModel(p, seed=seed)
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    wall = time.perf_counter() - t0
    ts = model.result().timeseries
    sec = [c for c in ts.columns if c.startswith("secondary") and c[-2:] in ("_E", "_M")]
    df = pd.DataFrame(
        {
            "step": ts["step"],
            "primary_E": ts["primary_E"],
            "primary_M": ts["primary_M"],
            "secondary_cells": ts[sec].sum(axis=1),
            "ctc_cells": ts["ctc_cells"],
            "ctc_clusters": ts["ctc_clusters"],
            "intravasation_events_total": ts["intravasation_events"].cumsum(),
            "intravasated_cells_total": ts["intravasated_cells_total"],
        }
    )
    return wall, df


def summarise(frames: list[pd.DataFrame], checkpoints: list[int]) -> pd.DataFrame:
    stack = np.stack([f.set_index("step").loc[checkpoints, METRICS].to_numpy(float)
                      for f in frames])
    mean, sd = stack.mean(axis=0), stack.std(axis=0, ddof=1) if len(frames) > 1 else 0 * stack[0]
    cols = {}
    for q, m in enumerate(METRICS):
        cols[m] = [f"{a:.1f}±{b:.1f}" for a, b in zip(mean[:, q], sd[:, q], strict=True)]
    return pd.DataFrame(cols, index=pd.Index(checkpoints, name="step"))


def within_spread(a: list[pd.DataFrame], b: list[pd.DataFrame], step: int) -> pd.DataFrame:
    """Is each model's mean inside the other's mean ± 2 sd (or its min–max range)?"""
    rows = []
    for m in METRICS:
        xa = np.array([f.set_index("step").loc[step, m] for f in a], float)
        xb = np.array([f.set_index("step").loc[step, m] for f in b], float)

        def inside(x: float, ys: np.ndarray) -> bool:
            sd = ys.std(ddof=1) if ys.size > 1 else 0.0
            lo, hi = min(ys.min(), ys.mean() - 2 * sd), max(ys.max(), ys.mean() + 2 * sd)
            return bool(lo - 1e-9 <= x <= hi + 1e-9)

        ok = inside(xa.mean(), xb) and inside(xb.mean(), xa)
        rows.append({"metric": m, "ours": f"{xa.mean():.1f}±{xa.std(ddof=1):.1f}",
                     "metaspread": f"{xb.mean():.1f}±{xb.std(ddof=1):.1f}",
                     "within_spread": ok})
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tier", choices=sorted(TIERS), default="dense51")
    ap.add_argument("--steps", type=int, default=None, help="override the tier's steps")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--venv", type=Path,
                    default=Path(tempfile.gettempdir()) / "metastasis-bench" / "metaspread-venv")
    ap.add_argument("--ours-seeds", type=int, default=None,
                    help="seeds for our model (default: --seeds); more seeds estimate our "
                         "spread better at little cost")
    ap.add_argument("--no-cache", action="store_true",
                    help="rerun MetaSpread even if this exact run is cached")
    ap.add_argument("--ours-only", action="store_true", help="skip MetaSpread")
    args = ap.parse_args()

    from metastasis.spatial import load_preset, with_overrides

    tier = TIERS[args.tier]
    steps = args.steps or int(tier["steps"])  # type: ignore[arg-type]
    p = with_overrides(load_preset("franssen2019"), dict(tier["overrides"]))  # type: ignore[arg-type]
    seeds = list(range(1, args.seeds + 1))
    our_seeds = list(range(1, (args.ours_seeds or args.seeds) + 1))
    cache = None if args.no_cache else args.venv.parent / "metaspread-cache"
    checkpoints = sorted({int(x) for x in np.linspace(0, steps, 6)})
    print(f"# tier {args.tier}: Franssen2019, grid {p.grid.size}x{p.grid.size} "
          f"+ {len(p.vessels.secondary)} secondary grids, {p.vessels.normal_primary} normal + "
          f"{p.vessels.ruptured_primary} ruptured vessels, {steps} steps "
          f"({steps * p.grid.step_days:.3f} days); seeds: MetaSpread {seeds[0]}..{seeds[-1]}, "
          f"ours {our_seeds[0]}..{our_seeds[-1]}")

    from metastasis.spatial import SpatialModel

    t0 = time.perf_counter()
    SpatialModel(with_overrides(p, {"grid.size": 21, "cells.initial_cells": 40,
                                    "cells.initial_sites": 20, "vessels.exclusion_sites": 30,
                                    "vessels.normal_primary": 2, "vessels.ruptured_primary": 1,
                                    "vessels.secondary": [1, 1]}), 0).run(3)
    print(f"ours: start-up incl. Numba compile/cache load {time.perf_counter() - t0:.2f} s")

    ours = [run_ours(p, steps, s) for s in our_seeds]
    ours_wall = np.array([w for w, _ in ours])
    print(f"ours:       {ours_wall.mean():9.3f} s per run (mean of {len(our_seeds)}), "
          f"{1e3 * ours_wall.mean() / steps:8.3f} ms/step")

    theirs = None
    if not args.ours_only:
        try:
            py = ensure_metaspread(args.venv)
            theirs = []
            for s in seeds:
                w, df = run_metaspread(py, p, steps, s, cache)
                print(f"metaspread seed {s}: {w:.1f} s", flush=True)
                theirs.append((w, df))
        except Exception as exc:  # report why and still print our side
            print(f"MetaSpread could not be run: {exc}")
            theirs = None
    if theirs:
        th_wall = np.array([w for w, _ in theirs])
        print(f"metaspread: {th_wall.mean():9.3f} s per run (mean of {len(seeds)}), "
              f"{1e3 * th_wall.mean() / steps:8.3f} ms/step")
        print(f"speed-up (metaspread / ours, stepping loop): {th_wall.mean() / ours_wall.mean():.0f}x")

    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print("\n## ours: mean ± sd over seeds")
        print(summarise([d for _, d in ours], checkpoints).to_string())
        if theirs:
            print("\n## metaspread: mean ± sd over seeds")
            print(summarise([d for _, d in theirs], checkpoints).to_string())
            print(f"\n## final step {steps}: each mean within the other's seed-to-seed spread "
                  "(mean ± 2 sd or min–max)")
            verdict = within_spread([d for _, d in ours], [d for _, d in theirs], steps)
            print(verdict.to_string(index=False))
            print(f"all within spread: {bool(verdict['within_spread'].all())}")


if __name__ == "__main__":
    main()
