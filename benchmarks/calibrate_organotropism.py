"""Calibrate each preset's seed-and-soil organ weights against MSK-MET, and write them back.

Targets, per organ and cancer type: the 5-site MSK-MET share among metastatic patients; else
the cancer type's 21-site subset share; else the pan-cancer median of the 21-site subsets
(`metastasis.cohort.organotropism`). Each round simulates a cohort and moves every weight by
(target / simulated)^GAIN, then rescales the moved weights together so that their sum weighted
by each organ's mean dormant pool is what it was: the targets are shares among metastatic
patients, which say where metastases go and not how many there are, so a round changes only
the relative weights and leaves the overall rate of founding colonies (set by the preset's
wake_per_day) alone. With --free-sum the weights move alone: where every organ is
over its target (too many organs per metastatic patient) only lowering them all can reach
the targets, at the cost of fewer metastases overall.
Run: python benchmarks/calibrate_organotropism.py [--rounds R] [--patients N] [--free-sum]
     [preset ...]
"""

from __future__ import annotations

import argparse
import re
from importlib import resources

import numpy as np

import metastasis
from metastasis.anatomy.organs import ORGANS
from metastasis.cohort.organotropism import (
    NOT_DISTANT,
    comparison_table,
    msk_five_site_targets,
    msk_pan_cancer_prior,
    msk_subset_targets,
)
from metastasis.scenario.loader import scenario_from_dict

PATIENTS = 1000
ROUNDS = 8
GAIN = 0.8
STEP_LIMIT = (0.2, 5.0)
SEED = 2024
PSEUDO_PCT = 1.0  # keeps ratios finite for organs at 0%


def targets_for(cancer_type: str, primary_site: str) -> dict[str, float]:
    out = dict(msk_pan_cancer_prior())
    out.update(msk_subset_targets(cancer_type))
    out.update(msk_five_site_targets(cancer_type))
    return {o: v for o, v in out.items() if o not in NOT_DISTANT and o != primary_site}


def mean_dormant_pools(result: metastasis.SimulationResult) -> dict[str, float]:
    """Mean dormant cells per organ over every patient's trajectory records (cells)."""
    tr = result.trajectories
    dormant = tr[tr.compartment == "dormant"]
    records = max(len(tr[["patient", "time_days"]].drop_duplicates()), 1)
    sums = dormant.groupby("organ", observed=False).cells.sum()
    return {o: float(sums.get(o, 0.0)) / records for o in ORGANS}


def write_weights(preset: str, weights: dict[str, float]) -> None:
    path = resources.files("metastasis.scenario.presets").joinpath(f"{preset}.toml")
    text = path.read_text()
    body = "\n".join(f"{o} = {weights[o]:.4g}" for o in ORGANS)
    table = ("[dormancy.organ_weights]\n"
             "# calibrated against MSK-MET by benchmarks/calibrate_organotropism.py\n" + body + "\n")
    text = re.sub(r"\[dormancy\.organ_weights\]\n(?:#.*\n)?(?:[a-z_]+ = [^\n]*\n?)*", table, text)
    if "[dormancy.organ_weights]" not in text:
        text = text.rstrip("\n") + "\n\n" + table
    path.write_text(text)


def calibrate(preset: str, rounds: int = ROUNDS, patients: int = PATIENTS,
              hold_sum: bool = True) -> None:
    base = metastasis.load_scenario(preset)
    targets = targets_for(base.cancer_type, base.primary_site)
    weights = dict(base.dormancy.organ_weights)
    for rnd in range(rounds):
        sc = scenario_from_dict({"extends": preset, "dormancy": {"organ_weights": weights}})
        res = metastasis.simulate(sc, patients=patients, seed=SEED + rnd)
        table = comparison_table(res, sc).set_index("organ")
        pools = mean_dormant_pools(res)
        before = sum(weights[o] * pools[o] for o in targets)
        err = []
        for organ, target in targets.items():
            sim = table.simulated_pct[organ]
            step = ((target + PSEUDO_PCT) / (sim + PSEUDO_PCT)) ** GAIN
            weights[organ] *= float(np.clip(step, *STEP_LIMIT))
            err.append(abs(sim - target))
        after = sum(weights[o] * pools[o] for o in targets)
        if hold_sum and after > 0:
            for organ in targets:
                weights[organ] *= before / after
        print(f"{preset} round {rnd}: mean |error| {np.mean(err):.1f} pts, max {np.max(err):.1f}")
    write_weights(preset, weights)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("presets", nargs="*")
    ap.add_argument("--rounds", type=int, default=ROUNDS)
    ap.add_argument("--patients", type=int, default=PATIENTS)
    ap.add_argument("--free-sum", action="store_true",
                    help="let the pool-weighted sum of the weights move")
    args = ap.parse_args()
    for name in args.presets or list(metastasis.available_presets()):
        calibrate(name, args.rounds, args.patients, hold_sum=not args.free_sum)
