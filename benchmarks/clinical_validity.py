"""Clinical validity: every preset against the registry and trial rows that apply to it.

For each row of `shared/data/calibration_targets.csv` (or `--targets PATH`) that a simulated
cohort can answer, prints the published value, the simulated value with its 95% sampling
interval, and the difference. Rows it cannot answer yet (trial rate ratios, screening
sensitivity, which are inputs) are counted and listed by quantity at the end.

How each quantity is read from the cohort (diagnosed patients only):
Stage-specific rows are those with a normalised `stage` (the canonical set).

- stage_share: share of each SEER summary stage; the registry's unstaged group is left out
  and the staged shares renormalised (simulated patients are always staged); Wilson interval;
- 5y_relative_survival / 10y_relative_survival: net survival from diagnosis by stage,
  Kaplan–Meier with cancer deaths as events and deaths from other causes censored (the
  relative-survival analogue when other-cause mortality is independent);
- median_age_at_diagnosis: median, with a bootstrap interval;
- node_positive_share (breast, T1-T2 M0): share with positive nodes;
- small_tumour_share (breast): share under 20 mm at diagnosis;
- synchronous_liver_metastasis_share (colorectal): liver lesion found at the work-up;
- 3y_cumulative_recurrence (colorectal, stage I-III by TNM; the colon side is not modelled,
  so every side's row is compared with the same cohort): 1 − Kaplan–Meier of recurrence;
- distant_recurrence_years_5_to_20 (breast, by T and N, needs --years 20): among patients
  free of distant recurrence at year 5, the Kaplan–Meier risk of one by year 20;
- tumour_size_at_diagnosis (kidney): mean diameter at diagnosis.

Run: python benchmarks/clinical_validity.py [--patients 5000] [--years Y] [--seed S] [preset ...]
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter

import metastasis
from metastasis.units import DAYS_PER_YEAR

TARGETS = Path(__file__).resolve().parents[2] / "shared" / "data" / "calibration_targets.csv"
Z95 = 1.959964


def wilson(k: int, n: int) -> tuple[float, float, float]:
    """Share and its 95% Wilson interval, in percent."""
    if n == 0:
        return np.nan, np.nan, np.nan
    p = k / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * np.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return 100 * p, max(0.0, 100 * (centre - half)), min(100.0, 100 * (centre + half))


def km_at(years: np.ndarray, event: np.ndarray, at: float, risk: bool = False):
    """Kaplan–Meier survival (or risk, 1 − S) at `at` years with its 95% interval, percent."""
    if len(years) < 2 or years.max() < at:
        return np.nan, np.nan, np.nan
    km = KaplanMeierFitter().fit(years, event)
    s = float(km.predict(at))
    ci = km.confidence_interval_survival_function_
    lo, hi = ci[ci.index <= at].iloc[-1]
    if risk:
        return 100 * (1 - s), 100 * (1 - hi), 100 * (1 - lo)
    return 100 * s, 100 * lo, 100 * hi


class Cohort:
    """The diagnosed patients of one simulated preset, and the read-outs the targets need."""

    def __init__(self, result: metastasis.SimulationResult) -> None:
        p = result.patients
        self.result = result
        self.dx = p[p.diagnosis_days.notna()].copy()
        self.dx["years"] = (self.dx.follow_up_days - self.dx.diagnosis_days) / DAYS_PER_YEAR
        self.dx["cancer_death"] = ~self.dx.censored & (self.dx.death_cause != "other")

    def stage_share(self, row: pd.Series, registry: pd.DataFrame):
        stage = row.stage
        if stage not in ("localized", "regional", "distant"):
            return None
        same = registry[(registry.quantity == "stage_share") & (registry.source == row.source)
                        & registry.stage.isin(["localized", "regional", "distant"])]
        target = 100 * row.value / same.value.sum() if len(same) >= 2 else row.value
        k = int((self.dx.summary_stage == stage).sum())
        return target, wilson(k, len(self.dx))

    def survival(self, row: pd.Series, years: float):
        if row.stage not in ("localized", "regional", "distant"):
            return None
        g = self.dx[self.dx.summary_stage == row.stage]
        return row.value, km_at(g.years.to_numpy(), g.cancer_death.to_numpy(), years)

    def median_age(self, row: pd.Series):
        age = self.dx.age_at_diagnosis_years.dropna().to_numpy()
        rng = np.random.default_rng(0)
        boot = np.median(rng.choice(age, (400, len(age))), axis=1)
        return row.value, (float(np.median(age)), *np.percentile(boot, [2.5, 97.5]))

    def node_positive(self, row: pd.Series):
        g = self.dx[self.dx.t_stage.isin(["T1", "T2"]) & (self.dx.m_stage == "M0")]
        return row.value, wilson(int((g.positive_nodes > 0).sum()), len(g))

    def small_tumours(self, row: pd.Series):
        d = self.dx.diagnosis_diameter_mm
        return row.value, wilson(int((d < 20.0).sum()), len(d))

    def synchronous_liver(self, row: pd.Series):
        les = self.result.lesions
        at = self.dx.set_index("patient").diagnosis_days
        liver = les[(les.organ == "liver") & les.detected_days.notna()]
        found = liver[liver.detected_days <= at.reindex(liver.patient).to_numpy() + 1e-6]
        return row.value, wilson(int(found.patient.nunique()), len(self.dx))

    def colorectal_recurrence(self, row: pd.Series):
        m = re.search(r"stage (I{1,3})\b", row.subgroup)
        if not m:
            return None
        g = self.dx[self.dx.m_stage == "M0"]
        n0 = g.n_stage == "N0"
        t12 = g.t_stage.isin(["T1", "T2"])
        sel = {"I": n0 & t12, "II": n0 & ~t12, "III": ~n0}[m.group(1)]
        g = g[sel]
        rec = (g.recurrence_days - g.diagnosis_days) / DAYS_PER_YEAR
        t = np.where(rec.notna(), rec, g.years)
        return row.value, km_at(t, rec.notna().to_numpy(), 3.0, risk=True)

    def late_distant(self, row: pd.Series):
        m = re.match(r"T(\d)N(\d)(?:-(\d))?", row.subgroup)
        if not m:
            return None
        t, lo = m.group(1), int(m.group(2))
        hi = int(m.group(3)) if m.group(3) else lo
        g = self.dx[(self.dx.t_stage == f"T{t}") & (self.dx.m_stage == "M0")
                    & self.dx.positive_nodes.between(lo, hi)]
        if "hormone_receptor_positive" in g:
            g = g[g.hormone_receptor_positive.fillna(False).astype(bool)]
        rec = np.where(g.recurrence_type == "distant",
                       (g.recurrence_days - g.diagnosis_days) / DAYS_PER_YEAR, np.nan)
        t_ev = np.where(np.isfinite(rec), rec, g.years)
        keep = t_ev > 5.0
        if keep.sum() < 2:
            return None
        return row.value, km_at(t_ev[keep] - 5.0, np.isfinite(rec)[keep], 15.0, risk=True)

    def kidney_size(self, row: pd.Series):
        if "stage I" in row.subgroup:
            return None
        d = self.dx.diagnosis_diameter_mm.to_numpy()
        se = d.std(ddof=1) / np.sqrt(len(d))
        return row.value, (d.mean(), d.mean() - Z95 * se, d.mean() + Z95 * se)


READERS: dict[str, Callable[[Cohort, pd.Series, pd.DataFrame], object]] = {
    "stage_share": lambda c, r, reg: c.stage_share(r, reg),
    "5y_relative_survival": lambda c, r, reg: c.survival(r, 5.0),
    "10y_relative_survival": lambda c, r, reg: c.survival(r, 10.0),
    "median_age_at_diagnosis": lambda c, r, reg: c.median_age(r),
    "node_positive_share": lambda c, r, reg: c.node_positive(r),
    "small_tumour_share": lambda c, r, reg: c.small_tumours(r) if "after" in r.subgroup else None,
    "synchronous_liver_metastasis_share": lambda c, r, reg: c.synchronous_liver(r),
    "3y_cumulative_recurrence": lambda c, r, reg: c.colorectal_recurrence(r),
    "distant_recurrence_years_5_to_20": lambda c, r, reg: c.late_distant(r),
    "tumour_size_at_diagnosis": lambda c, r, reg: c.kidney_size(r),
}


def compare(preset: str, registry: pd.DataFrame, patients: int, years: float | None,
            seed: int) -> tuple[list[dict], list[str]]:
    """Rows of the comparison for one preset, and the quantities it could not answer."""
    cohort = Cohort(metastasis.simulate(preset, patients=patients, years=years, seed=seed))
    rows, skipped = [], []
    mine = registry[registry.primary == preset]
    for _, row in mine.iterrows():
        reader = READERS.get(row.quantity)
        got = reader(cohort, row, registry) if reader else None
        if got is None or not np.isfinite(got[1][0]):
            skipped.append(row.quantity)
            continue
        target, (sim, lo, hi) = got
        rows.append({"preset": preset, "quantity": row.quantity, "subgroup": row.subgroup,
                     "canonical": int(row.canonical), "published": target, "simulated": sim,
                     "low": lo, "high": hi, "difference": sim - target, "unit": row.unit,
                     "source": str(row.source)[:60]})
    return rows, skipped


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("presets", nargs="*")
    ap.add_argument("--patients", type=int, default=5000)
    ap.add_argument("--years", type=float, default=None, help="follow-up (default: preset's)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--targets", type=Path, default=TARGETS)
    args = ap.parse_args()
    if not args.targets.exists():
        raise SystemExit(f"--targets {args.targets}: file not found; expected "
                         "calibration_targets.csv")
    registry = pd.read_csv(args.targets)
    registry["stage"] = registry["stage"].fillna("")  # set on the canonical stage rows
    presets = args.presets or list(metastasis.available_presets())
    print(f"clinical validity: {args.patients} patients per preset, seed {args.seed}, "
          f"follow-up {args.years or 'as the preset'} years")
    print("| preset | quantity | subgroup | canonical | published | simulated (95% interval) "
          "| difference |")
    print("|---|---|---|---|---|---|---|")
    for preset in presets:
        rows, skipped = compare(preset, registry, args.patients, args.years, args.seed)
        for r in rows:
            print(f"| {r['preset']} | {r['quantity']} | {r['subgroup']} | {r['canonical']} | "
                  f"{r['published']:.1f} {r['unit']} | {r['simulated']:.1f} "
                  f"({r['low']:.1f}-{r['high']:.1f}) | {r['difference']:+.1f} |")
        if skipped:
            counts = pd.Series(skipped).value_counts()
            print(f"| {preset} | not answered: " + ", ".join(f"{q} ({n})" for q, n in
                                                           counts.items()) + " | | | | | |")


if __name__ == "__main__":
    main()
