"""Organ involvement of a simulated cohort beside MSK-MET (Nguyen et al. 2022, Cell 185:563).

A patient counts as metastatic once a lesion outside the regional lymph nodes and the
primary's own organ reaches the clinically apparent diameter (`clinical.apparent_diameter_mm`)
before death or the end of follow-up; an organ counts as involved for that patient on the
same rule. This mirrors the MSK-MET flags, which record clinically documented sites.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from metastasis.anatomy.organs import ORGANS, organ_table
from metastasis.scenario.schema import Scenario
from metastasis.units import cells_for_diameter

if TYPE_CHECKING:
    # The result object sits above the cohort layer (it delegates its plots to report);
    # here it is only the type of an argument.
    from metastasis.result import SimulationResult

FIVE_SITES = ("liver", "bone", "brain", "peritoneum", "mediastinum")
"""Organs of the 5-site MSK-MET table (Intra-Abdominal is the peritoneum here)."""

SUBSET_FOR = {
    "Colorectal Cancer": "Colorectal Cancer [APC-mutant subset]",
    "Non-Small Cell Lung Cancer": "Non-Small Cell Lung Cancer [KRAS-mutant subset]",
    "Pancreatic Cancer": "Pancreatic Cancer [KRAS-mutant subset]",
    "Prostate Cancer": "Prostate Cancer [APC-mutant subset]",
    "Melanoma": "Melanoma [APC-mutant subset]",
}
"""21-site MSK-MET subset used for each cancer type's organ ranking (the largest subset)."""

NOT_DISTANT = ("regional_lymph_nodes",)


@dataclass(frozen=True)
class Involvement:
    """Simulated share (%) of metastatic patients with each organ involved."""

    share_pct: pd.Series
    n_metastatic: int
    n_patients: int


def _site_to_organ() -> dict[str, str]:
    return {o.msk_met_site: o.name for o in organ_table() if o.msk_met_site}


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("metastasis.data").joinpath(name).read_text()
    return list(csv.DictReader(text.splitlines()))


@cache
def msk_five_site_targets(cancer_type: str) -> dict[str, float]:
    """% of metastatic patients with each of the five sites (organ name → %)."""
    rows = [r for r in _read("organ_by_primary_mskmet_metpts_5sites.csv") if r["primary"] == cancer_type]
    if not rows:
        raise KeyError(f"no MSK-MET 5-site row for cancer type {cancer_type!r}")
    mapping = _site_to_organ()
    return {mapping[r["site"]]: float(r["pct"]) for r in rows if r["site"] in mapping}


@cache
def msk_subset_targets(cancer_type: str) -> dict[str, float]:
    """% of metastatic patients per organ in the 21-site subset (converted from all patients)."""
    subset = SUBSET_FOR.get(cancer_type)
    if subset is None:
        return {}
    rows = [r for r in _read("organ_by_primary_mskmet_genotype_subsets_21sites.csv") if r["primary"] == subset]
    any_pct = next(float(r["pct"]) for r in rows if r["site"].startswith("ANY"))
    mapping = _site_to_organ()
    return {
        mapping[r["site"]]: 100.0 * float(r["pct"]) / any_pct
        for r in rows if r["site"] in mapping
    }


@cache
def msk_pan_cancer_prior() -> dict[str, float]:
    """Median % of metastatic patients per organ over every 21-site subset cancer type.

    Used as the target of organs for which a cancer type has no figure of its own.
    """
    rows = _read("organ_by_primary_mskmet_genotype_subsets_21sites.csv")
    mapping = _site_to_organ()
    by_type: dict[str, dict[str, float]] = {}
    for r in rows:
        by_type.setdefault(r["primary"], {})[r["site"]] = float(r["pct"])
    shares: dict[str, list[float]] = {}
    for sites in by_type.values():
        any_pct = next(v for k, v in sites.items() if k.startswith("ANY"))
        for site, pct in sites.items():
            if site in mapping:
                shares.setdefault(mapping[site], []).append(100.0 * pct / any_pct)
    return {organ: float(np.median(v)) for organ, v in shares.items()}


def involvement(result: SimulationResult, scenario: Scenario) -> Involvement:
    """Share of metastatic patients with a clinically apparent lesion in each organ."""
    les = result.lesions
    apparent = cells_for_diameter(scenario.clinical.apparent_diameter_mm)
    distant = les[(les.max_cells >= apparent)
                  & ~les.organ.astype(str).isin((*NOT_DISTANT, scenario.primary_site))]
    hits = distant.groupby(["patient", "organ"], observed=True).size().unstack(fill_value=0) > 0
    hits = hits.reindex(columns=list(ORGANS), fill_value=False)
    n_met = len(hits)
    share = 100.0 * hits.mean(axis=0) if n_met else pd.Series(0.0, index=list(ORGANS))
    return Involvement(share_pct=share, n_metastatic=n_met, n_patients=len(result.patients))


def comparison_table(result: SimulationResult, scenario: Scenario) -> pd.DataFrame:
    """Simulated beside published share per organ, with the difference in points."""
    inv = involvement(result, scenario)
    five = msk_five_site_targets(scenario.cancer_type)
    sub = msk_subset_targets(scenario.cancer_type)
    rows = []
    for organ in ORGANS:
        if organ in NOT_DISTANT or organ == scenario.primary_site:
            continue
        pub = five.get(organ, sub.get(organ, np.nan))
        table = "5-site" if organ in five else ("21-site subset" if organ in sub else "")
        rows.append((organ, inv.share_pct[organ], pub, table, sub.get(organ, np.nan)))
    df = pd.DataFrame(
        rows, columns=["organ", "simulated_pct", "published_pct", "table", "subset_pct"]
    )
    df["difference_pts"] = df.simulated_pct - df.published_pct
    return df


def ranking_agreement(table: pd.DataFrame) -> float:
    """Spearman ρ between simulated shares and the 21-site subset's, over the organs it covers.

    NaN when the cancer type has no 21-site subset.
    """
    known = table.dropna(subset=["subset_pct"])
    if len(known) < 3:
        return float("nan")
    return float(spearmanr(known.simulated_pct, known.subset_pct).statistic)
