"""Genotype → multipliers on named rates, from `data/genotype_effects.csv` (sources per row)."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

RATES = ("growth", "emt", "met", "angiogenesis", "dormancy_clearance", "wake")
"""Rates a genotype can act on."""


@cache
def effect_table() -> tuple[tuple[str, str, str, float, str], ...]:
    """(gene, state, rate, multiplier, source) rows."""
    text = resources.files("metastasis.data").joinpath("genotype_effects.csv").read_text()
    rows = []
    for r in csv.DictReader(text.splitlines()):
        if r["rate"] not in RATES:
            raise ValueError(f"genotype_effects.csv: unknown rate {r['rate']!r}")
        rows.append((r["gene"], r["state"], r["rate"], float(r["multiplier"]), r["source"]))
    return tuple(rows)


def genotype_multipliers(alleles: dict[str, str]) -> dict[str, float]:
    """Product of the multipliers that the given alleles (gene → state) apply to each rate."""
    out = {rate: 1.0 for rate in RATES}
    for gene, state, rate, mult, _ in effect_table():
        if alleles.get(gene) == state:
            out[rate] *= mult
    return out
