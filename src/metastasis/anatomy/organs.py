"""Organs that can carry metastases, with sizes, blood flow and lethal burdens.

The table lives in `metastasis/data/organs.csv`, one row per organ with its source.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Organ:
    """One organ of the whole-body model.

    Attributes carry their units: `mass_g` in grams, flow as a fraction of cardiac output,
    `lethal_burden_cells` the tumour burden in this organ that kills (nan where only the
    total body burden matters).
    """

    name: str
    label: str
    msk_met_site: str
    mass_g: float
    arterial_flow_fraction: float
    drains_to: str
    capillary_arrest_fraction: float
    lethal_burden_cells: float
    source: str


@cache
def organ_table() -> tuple[Organ, ...]:
    """All organs, in the fixed order used by every array of the engine."""
    text = resources.files("metastasis.data").joinpath("organs.csv").read_text()
    rows = []
    for row in csv.DictReader(text.splitlines()):
        lethal = row["lethal_burden_cells"]
        rows.append(
            Organ(
                name=row["organ"],
                label=row["label"],
                msk_met_site=row["msk_met_site"],
                mass_g=float(row["mass_g"]),
                arterial_flow_fraction=float(row["arterial_flow_fraction"]),
                drains_to=row["drains_to"],
                capillary_arrest_fraction=float(row["capillary_arrest_fraction"]),
                lethal_burden_cells=float(lethal) if lethal else math.nan,
                source=row["source"],
            )
        )
    return tuple(rows)


ORGANS: tuple[str, ...] = tuple(o.name for o in organ_table())
"""Organ names in engine order."""

_INDEX = {name: i for i, name in enumerate(ORGANS)}


def organ_index(name: str) -> int:
    """Index of an organ in engine arrays; raises KeyError naming the valid organs."""
    try:
        return _INDEX[name]
    except KeyError:
        raise KeyError(f"unknown organ {name!r}; expected one of {', '.join(ORGANS)}") from None
