"""Compare our Boolean-network simulator with MaBoSS itself on the same .bnd/.cfg files.

Creates a virtual environment (in the system temp folder unless ``--venv`` says otherwise),
installs ``cmaboss`` (the MaBoSS engine's Python binding) from PyPI there, runs MaBoSS and
``metastasis.models.boolean.simulate`` on the bundled Cohen et al. 2015 network
(10,000 trajectories by default) and prints, side by side, the output-state probabilities of
the last time window, their total variation distance and the wall time of each simulator.

Run:  python benchmarks/maboss_compare.py [--threads 1 2] [--samples 10000] [--seed 0]

Timings exclude interpreter start-up; ours are measured after a warm-up call (Numba kernels
compiled or loaded from cache) and the one-off compile/load time is printed separately.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
import venv
from pathlib import Path

from metastasis.models.boolean import load_network, simulate
from metastasis.models.boolean.bundled import network_dir

TVD_TARGET = 0.02

# run inside the MaBoSS environment; prints one JSON line
_MABOSS_RUNNER = textwrap.dedent(
    """
    import json, sys, time
    import cmaboss
    args = json.loads(sys.argv[1])
    sim = cmaboss.MaBoSSSim(network=args["bnd"], config=args["cfg"])
    sim.update_parameters(sample_count=args["samples"], thread_count=args["threads"],
                          seed_pseudorandom=args["seed"])
    for node, value in args["mutants"].items():
        sim.mutate(node, "ON" if value else "OFF")
    best = None
    for _ in range(args["repeats"]):
        t0 = time.perf_counter()
        res = sim.run()
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    probs, times, labels, _errors = res.get_last_probtraj()
    traj, _t, traj_labels, _e = res.get_probtraj()
    print(json.dumps({"seconds": best, "time": times[0],
                      "probabilities": dict(zip(labels, map(float, probs[0]))),
                      "trajectory": {k: list(map(float, traj[:, j])) for j, k in enumerate(traj_labels)}}))
    """
)


def maboss_python(venv_dir: Path) -> Path:
    """Python of a virtual environment with cmaboss installed (created on first use)."""
    py = venv_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not py.exists():
        print(f"creating virtual environment {venv_dir} ...", flush=True)
        venv.create(venv_dir, with_pip=True)
    check = subprocess.run([str(py), "-c", "import cmaboss, numpy"], capture_output=True)
    if check.returncode != 0:
        print("installing cmaboss from PyPI ...", flush=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "cmaboss", "numpy"], check=True)
    return py


def run_maboss(
    py: Path,
    bnd: Path,
    cfg: Path,
    samples: int,
    threads: int,
    seed: int,
    mutants: dict,
    repeats: int,
) -> dict:
    """Run MaBoSS in its environment; return its last-window probabilities and best time.

    A mutant cell carries its mutation from the start, as our clamp does, so the mutant
    nodes' initial values are replaced in a copy of the configuration (MaBoSS's own
    ``mutate`` only changes the rates).
    """
    with tempfile.TemporaryDirectory() as tmp:
        text = cfg.read_text()
        for node, value in mutants.items():
            text = re.sub(rf"(?m)^\s*\[?{node}\]?\s*\.istate\s*=[^;]*;", "", text)
            text += f"\n{node}.istate = {value};\n"
        run_cfg = Path(tmp) / cfg.name
        run_cfg.write_text(text)
        args = dict(
            bnd=str(bnd),
            cfg=str(run_cfg),
            samples=samples,
            threads=threads,
            seed=seed,
            mutants=mutants,
            repeats=repeats,
        )
        out = subprocess.run(
            [str(py), "-c", _MABOSS_RUNNER, json.dumps(args)],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_ours(samples: int, threads: int, seed: int, mutants: dict, repeats: int) -> dict:
    """Run our simulator; return its last-window probabilities and best time."""
    net = load_network("cohen2015")
    best = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = simulate(net, mutants=mutants, sample_count=samples, seed=seed, threads=threads)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    last = res.last_window_probabilities
    traj = {k: list(map(float, v)) for k, v in res.window_probabilities.items()}
    return {
        "seconds": best,
        "time": float(last.name),
        "probabilities": {k: float(v) for k, v in last.items()},
        "trajectory": traj,
    }


def canonical(label: str) -> str:
    """State label with its node names sorted, so both simulators' labels compare equal."""
    return " -- ".join(sorted(label.split(" -- ")))


def compare(theirs: dict, ours: dict) -> tuple[list[tuple[str, float, float]], float]:
    a = {canonical(k): v for k, v in theirs["probabilities"].items()}
    b = {canonical(k): v for k, v in ours["probabilities"].items()}
    rows = sorted(
        ((k, a.get(k, 0.0), b.get(k, 0.0)) for k in set(a) | set(b)), key=lambda r: -max(r[1], r[2])
    )
    tvd = 0.5 * sum(abs(x - y) for _, x, y in rows)
    return rows, tvd


def max_tvd_over_time(theirs: dict, ours: dict) -> float:
    """Largest total variation distance over all time windows."""
    a = {canonical(k): v for k, v in theirs["trajectory"].items()}
    b = {canonical(k): v for k, v in ours["trajectory"].items()}
    n = len(next(iter(b.values())))
    zero = [0.0] * n
    return max(
        0.5 * sum(abs(a.get(k, zero)[w] - b.get(k, zero)[w]) for k in set(a) | set(b))
        for w in range(n)
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=3, help="timed runs; the best is reported")
    ap.add_argument(
        "--venv", type=Path, default=Path(tempfile.gettempdir()) / "metastasis-maboss-venv"
    )
    args = ap.parse_args(argv)

    bnd, cfg = network_dir() / "cohen2015.bnd", network_dir() / "cohen2015.cfg"
    py = maboss_python(args.venv)
    version = subprocess.run(
        [str(py), "-c", "import importlib.metadata as m; print(m.version('cmaboss'))"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    t0 = time.perf_counter()
    simulate(load_network("cohen2015"), sample_count=10, seed=0)
    warmup = time.perf_counter() - t0
    print(
        f"network: {bnd.name} + {cfg.name} (Cohen et al. 2015), {args.samples} trajectories, seed {args.seed}"
    )
    print(
        f"MaBoSS: cmaboss {version}; ours: Numba kernels (first call incl. compile/cache load: {warmup:.2f} s)"
    )
    print(f"machine: {os.cpu_count()} logical CPUs, Python {sys.version.split()[0]}")
    worst = 0.0
    cases = [("wild type", {}), ("NICD=1, p53=0", {"NICD": 1, "p53": 0})]
    for name, mutants in cases:
        for threads in args.threads:
            theirs = run_maboss(
                py, bnd, cfg, args.samples, threads, args.seed, mutants, args.repeats
            )
            ours = run_ours(args.samples, threads, args.seed, mutants, args.repeats)
            rows, tvd = compare(theirs, ours)
            worst = max(worst, tvd)
            print(f"\n== {name}, {threads} thread(s): last window t = {ours['time']} ==")
            print(f"{'output state':<62} {'MaBoSS':>8} {'ours':>8}")
            for label, x, y in rows:
                print(f"{label:<62} {x:8.4f} {y:8.4f}")
            verdict = "ok" if tvd <= TVD_TARGET else "ABOVE TARGET"
            print(f"total variation distance: {tvd:.4f} (target <= {TVD_TARGET}: {verdict})")
            print(f"largest distance over all time windows: {max_tvd_over_time(theirs, ours):.4f}")
            if not mutants and threads == args.threads[0]:
                again = run_maboss(
                    py, bnd, cfg, args.samples, threads, args.seed + 10**6, mutants, 1
                )
                _, noise = compare(theirs, again)
                print(
                    f"sampling noise, MaBoSS against itself (seed +10^6): {noise:.4f} last window, "
                    f"{max_tvd_over_time(theirs, again):.4f} over all windows"
                )
            speed = theirs["seconds"] / ours["seconds"]
            print(
                f"time: MaBoSS {theirs['seconds']:.3f} s, ours {ours['seconds']:.3f} s ({speed:.1f}x)"
            )
    return 0 if worst <= TVD_TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
