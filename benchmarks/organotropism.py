"""Organ involvement of every preset beside MSK-MET (Nguyen et al. 2022, Cell 185:563).

For each preset: 2,000 simulated patients; among those who develop clinically apparent distant
metastases, the share with each organ involved, beside the published share (5-site table for
liver, bone, brain, intra-abdominal, mediastinum; the cancer type's 21-site subset for the other
organs where one exists) and the Spearman ρ of the organ ranking against the 21-site subset.
Run: python benchmarks/organotropism.py [--patients N] [preset ...]
"""

from __future__ import annotations

import argparse

import metastasis
from metastasis.cohort.organotropism import (
    FIVE_SITES,
    comparison_table,
    involvement,
    ranking_agreement,
)

SEED = 7
TOLERANCE_PTS = 10.0
RHO_FLOOR = 0.7


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("presets", nargs="*")
    ap.add_argument("--patients", type=int, default=2000)
    args = ap.parse_args()
    names = args.presets or list(metastasis.available_presets())
    verdicts = []
    for name in names:
        sc = metastasis.load_scenario(name)
        res = metastasis.simulate(sc, patients=args.patients, seed=SEED)
        inv = involvement(res, sc)
        table = comparison_table(res, sc)
        rho = ranking_agreement(table)
        print(f"\n== {name} ({sc.cancer_type}): {inv.n_metastatic}/{inv.n_patients} patients "
              f"with apparent distant metastases")
        print(f"{'organ':22s} {'simulated %':>12s} {'published %':>12s} {'diff':>7s}  table")
        for r in table.itertuples():
            pub = "" if r.published_pct != r.published_pct else f"{r.published_pct:12.1f}"
            diff = "" if r.difference_pts != r.difference_pts else f"{r.difference_pts:+7.1f}"
            print(f"{r.organ:22s} {r.simulated_pct:12.1f} {pub:>12s} {diff:>7s}  {r.table}")
        five = table[table.organ.isin(FIVE_SITES)]
        worst = five.difference_pts.abs().max()
        ok = worst <= TOLERANCE_PTS and (rho != rho or rho >= RHO_FLOOR)
        rho_text = "n/a (no 21-site subset)" if rho != rho else f"{rho:.2f}"
        print(f"five sites: worst |diff| {worst:.1f} pts (limit {TOLERANCE_PTS:.0f}); "
              f"Spearman rho vs 21-site subset: {rho_text}; {'PASS' if ok else 'FAIL'}")
        verdicts.append((name, ok))
    print("\nsummary: " + ", ".join(f"{n} {'PASS' if ok else 'FAIL'}" for n, ok in verdicts))


if __name__ == "__main__":
    main()
