"""Quick start: one breast-cancer patient, then a small cohort with and without TP53 loss.

Run: python examples/quickstart.py [--patients N]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import metastasis
from metastasis.scenario.loader import scenario_from_dict

HERE = Path(__file__).parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=200)
    args = ap.parse_args()

    one = metastasis.simulate("breast", seed=4)
    print(one.summary())

    for label, over in (("wild type", {}), ("TP53 loss", {"genotype": {"TP53": "loss"}})):
        sc = scenario_from_dict({"extends": "breast", **over})
        res = metastasis.simulate(sc, patients=args.patients, seed=1)
        p = res.patients
        print(f"\n{label}: median first metastasis day {p.first_metastasis_days.median():.0f}, "
              f"median death day {p.death_days.median():.0f}, "
              f"{(p.sites != '').mean():.0%} with clinically apparent sites")

    custom = metastasis.load_scenario(HERE / "scenarios" / "breast_tp53_tgfb.toml")
    res = metastasis.simulate(custom, patients=min(args.patients, 50), seed=2)
    print(f"\n{custom.name}: first detection of a metastasis at day "
          f"{res.patients.first_detection_days.median():.0f} (median)")


if __name__ == "__main__":
    main()
