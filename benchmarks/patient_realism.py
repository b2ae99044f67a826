"""Patient realism: the clinician's checks on every preset, one line each.

What a clinician looks at first in a simulated cohort, against the bounds the project holds
itself to (`calibration_targets.csv` gives the registry shares):

- no lesion in an organ the patient's sex lacks;
- distant disease at diagnosis (SEER summary stage) beside the registry's share, and the ratio;
- node positivity at diagnosis by T category (it should rise with T);
- the spread of survival: coefficient of variation of the time from diagnosis to cancer death;
- 5-year overall survival with distant disease at diagnosis (Kaplan–Meier);
- among cancer deaths, the share with more tumour cells in metastases than in the primary at
  the last record (metastases, not the primary, should kill), and the share never diagnosed;
- deaths from other causes: how many, and their median age against cancer deaths';
- hormone-receptor-positive breast cancer (with `--years 20`): of the distant recurrences of
  years 5-20 after diagnosis, the share after year 10.

Run: python benchmarks/patient_realism.py [--patients 2000] [--years Y] [--seed S] [preset ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter

import metastasis
from metastasis.units import DAYS_PER_YEAR

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clinical_validity import TARGETS  # noqa: E402

SEX_ORGANS = {"female": "prostate", "male": "breast"}


def registry_distant_share(registry: pd.DataFrame, preset: str) -> float:
    """The canonical registry share (%) with distant disease at diagnosis, renormalised over
    staged patients as `clinical_validity.py` does."""
    rows = registry[(registry.primary == preset) & (registry.quantity == "stage_share")
                    & (registry.canonical == 1)]
    distant = rows[rows.stage == "distant"]
    if distant.empty:
        return float("nan")
    row = distant.iloc[0]
    same = rows[(rows.source == row.source) & rows.stage.isin(["localized", "regional",
                                                                "distant"])]
    return float(100 * row.value / same.value.sum() if len(same) >= 2 else row.value)


def wrong_sex_lesions(res: metastasis.SimulationResult) -> int:
    """Lesions in an organ the patient's sex lacks (prostate in women, breast in men unless
    the preset allows it)."""
    sex = res.patients.set_index("patient").sex
    les = res.lesions.assign(sex=sex.reindex(res.lesions.patient).to_numpy())
    bad = les[(les.sex == "female") & (les.organ == "prostate")]
    return len(bad)


def metastases_kill_share(res: metastasis.SimulationResult, dead: pd.DataFrame) -> float:
    """Among cancer deaths, the share whose metastases held more cells than the primary at the
    patient's last record."""
    tr = res.trajectories
    tr = tr[tr.patient.isin(dead.patient)]
    last = tr.groupby("patient").time_days.transform("max")
    tr = tr[tr.time_days == last]
    primary = tr[tr.compartment.isin(["primary_epithelial", "primary_hybrid",
                                      "primary_mesenchymal"])].groupby("patient").cells.sum()
    mets = tr[tr.compartment == "lesions"].groupby("patient").cells.sum()
    mets = mets.reindex(primary.index, fill_value=0.0)
    return float((mets > primary).mean()) if len(primary) else float("nan")


def km_5y(years: np.ndarray, event: np.ndarray) -> float:
    if len(years) < 2:
        return float("nan")
    return float(KaplanMeierFitter().fit(years, event).predict(5.0))


def late_relapse_share(dx: pd.DataFrame) -> tuple[float, int]:
    """HR+ M0 patients: share of the distant recurrences of years 5-20 that fall after year
    10, and how many recurrences that is."""
    g = dx[(dx.m_stage == "M0") & dx.hormone_receptor_positive.fillna(False).astype(bool)]
    t = (g.recurrence_days - g.diagnosis_days)[g.recurrence_type == "distant"] / DAYS_PER_YEAR
    window = t[(t > 5.0) & (t <= 20.0)]
    return (float((window > 10.0).mean()) if len(window) else float("nan")), len(window)


def check(preset: str, registry: pd.DataFrame, patients: int, years: float | None,
          seed: int) -> dict[str, object]:
    res = metastasis.simulate(preset, patients=patients, years=years, seed=seed)
    p = res.patients
    dx = p[p.diagnosis_days.notna()].copy()
    dx["years"] = (dx.follow_up_days - dx.diagnosis_days) / DAYS_PER_YEAR
    dead = p[~p.censored & p.death_cause.notna() & (p.death_cause != "")]
    cancer = dead[dead.death_cause != "other"]
    other = dead[dead.death_cause == "other"]
    cancer_dx = cancer[cancer.diagnosis_days.notna()]
    t_dx_death = (cancer_dx.death_days - cancer_dx.diagnosis_days).to_numpy()
    distant = dx[dx.summary_stage == "distant"]
    nodes = dx[dx.m_stage == "M0"].groupby("t_stage").positive_nodes.apply(
        lambda s: 100 * float((s > 0).mean()))
    row = {
        "preset": preset,
        "wrong-sex lesions": wrong_sex_lesions(res),
        "undiagnosed": f"{100 * (1 - len(dx) / len(p)):.1f}%",
        "distant at dx": f"{100 * (dx.summary_stage == 'distant').mean():.1f}%",
        "registry": f"{registry_distant_share(registry, preset):.1f}%",
        "N+ by T (M0)": " / ".join(f"{t}:{v:.0f}" for t, v in nodes.items()),
        "CV dx→cancer death": f"{t_dx_death.std() / t_dx_death.mean():.2f}"
        if len(t_dx_death) > 1 else "–",
        "5y OS distant": f"{100 * km_5y(distant.years.to_numpy(), ~distant.censored.to_numpy()):.0f}%"
        f" (n={len(distant)})",
        "mets kill": f"{100 * metastases_kill_share(res, cancer):.0f}%",
        "cancer deaths undiagnosed": f"{100 * cancer.diagnosis_days.isna().mean():.0f}%"
        if len(cancer) else "–",
        "other-cause deaths": len(other),
        "median age at death other / cancer": (
            f"{(other.age_at_first_cell_years + other.death_days / DAYS_PER_YEAR).median():.0f}"
            f" / {(cancer.age_at_first_cell_years + cancer.death_days / DAYS_PER_YEAR).median():.0f}"),
    }
    if preset == "breast":
        share, n = late_relapse_share(dx)
        row["HR+ late share (yr 10-20 of 5-20)"] = f"{100 * share:.0f}% of {n}"
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("presets", nargs="*")
    ap.add_argument("--patients", type=int, default=2000)
    ap.add_argument("--years", type=float, default=None, help="follow-up (default: preset's)")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    registry = pd.read_csv(TARGETS)
    registry["stage"] = registry["stage"].fillna("")
    presets = args.presets or list(metastasis.available_presets())
    print(f"patient realism: {args.patients} patients per preset, seed {args.seed}, "
          f"follow-up {args.years or 'as the preset'} years")
    for preset in presets:
        row = check(preset, registry, args.patients, args.years, args.seed)
        print(" | ".join(f"{k}: {v}" for k, v in row.items()), flush=True)


if __name__ == "__main__":
    main()
