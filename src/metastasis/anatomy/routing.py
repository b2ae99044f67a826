"""Where a tumour cell shed from a site is arrested: the blood and lymph routing graph.

A cell leaving a source organ takes one of four routes:

* **venous blood** to the source's first capillary bed: systemic venous drainage reaches the
  lung; gut, pancreas and peritoneum drain through the portal vein to the liver; a lung source
  reaches the systemic arteries directly;
* the **vertebral venous plexus** to the spine (Batson 1940), for breast and prostate;
* **lymph**, through the source's chain of lymph-node stations and on into the venous blood
  through the thoracic duct;
* **serosal** spread over an adjacent cavity (peritoneum, pleura).

In every capillary bed a cell is arrested with the organ's capillary arrest fraction; one that
passes flows on: systemic organs back to the lung, portal organs to the liver. The systemic
arteries distribute cells by share of cardiac output; the share no listed organ takes (muscle,
fat, gut and spleen) is lumped into two hidden beds whose arrested cells are lost (skeletal
muscle is a notoriously poor soil). The absorption probabilities of this Markov chain are
solved exactly with one linear solve.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from metastasis.anatomy.organs import ORGANS, organ_index, organ_table

SPLANCHNIC_OTHER_FLOW_FRACTION: float = 0.14
"""Cardiac-output share of stomach, small intestine and spleen, which drain through the portal
vein (ICRP Publication 89, 2002, reference values, approximate)."""

HIDDEN_ARREST_FRACTION: float = 0.9
"""Arrest fraction in the hidden beds (assumption: capillary beds of muscle and gut trap most
tumour cells, like the lung)."""

VENOUS_BEDS = ("lung", "liver", "arterial")


@dataclass(frozen=True)
class Drainage:
    """How cells leave one source organ (fractions of shed cells, dimensionless)."""

    source: str
    venous_bed: str
    vertebral_plexus_fraction: float
    lymph_fraction: float
    lymph_path: tuple[str, ...]
    serosal_target: str | None
    serosal_fraction: float


@cache
def drainage_table() -> dict[str, Drainage]:
    """Drainage of every organ, from `data/drainage.csv`."""
    text = resources.files("metastasis.data").joinpath("drainage.csv").read_text()
    table: dict[str, Drainage] = {}
    for row in csv.DictReader(text.splitlines()):
        path = tuple(p for p in row["lymph_path"].split(";") if p)
        for organ in path:
            organ_index(organ)
        target = row["serosal_target"] or None
        if target is not None:
            organ_index(target)
        if row["venous_bed"] not in VENOUS_BEDS:
            raise ValueError(f"drainage.csv: venous_bed {row['venous_bed']!r} not in {VENOUS_BEDS}")
        table[row["source"]] = Drainage(
            source=row["source"],
            venous_bed=row["venous_bed"],
            vertebral_plexus_fraction=float(row["vertebral_plexus_fraction"]),
            lymph_fraction=float(row["lymph_fraction"]),
            lymph_path=path,
            serosal_target=target,
            serosal_fraction=float(row["serosal_fraction"]),
        )
    missing = set(ORGANS) - set(table)
    if missing:
        raise ValueError(f"drainage.csv has no row for {sorted(missing)}")
    return table


@cache
def _blood_absorption() -> np.ndarray:
    """Arrest probabilities for a cell entering each venous bed.

    Returns an array of shape (3, n_organs): rows are entry at the lung bed, the liver bed
    (portal vein) and the systemic arteries; columns are organs. Rows sum to less than one;
    the remainder is lost in the hidden beds.
    """
    organs = organ_table()
    n = len(organs)
    # transient states: 0 lung-bed entry (caval), 1 liver-bed entry (portal), 2 arterial,
    # 3..3+n organ beds entered from the arteries, then two hidden beds.
    lung, liver = organ_index("lung"), organ_index("liver")
    hid_sys, hid_spl = 3 + n, 4 + n
    m = 5 + n
    q = np.zeros((m, m))  # transient -> transient
    r = np.zeros((m, n))  # transient -> arrested in organ
    a = np.array([o.capillary_arrest_fraction for o in organs])
    flow = np.array([o.arterial_flow_fraction for o in organs])
    flow[lung] = 0.0  # bronchial flow is small and the lung bed is entered from the veins
    systemic_other = 1.0 - flow.sum() - SPLANCHNIC_OTHER_FLOW_FRACTION
    if systemic_other < 0:
        raise ValueError("organ blood-flow fractions exceed the cardiac output")
    r[0, lung] = a[lung]
    q[0, 2] = 1.0 - a[lung]
    r[1, liver] = a[liver]
    q[1, 0] = 1.0 - a[liver]
    for i, organ in enumerate(organs):
        q[2, 3 + i] = flow[i]
        if i == lung:
            continue
        r[3 + i, i] = a[i]
        back = 1 if organ.drains_to == "portal" else 0
        q[3 + i, back] = 1.0 - a[i]
    q[2, hid_sys] = systemic_other
    q[2, hid_spl] = SPLANCHNIC_OTHER_FLOW_FRACTION
    q[hid_sys, 0] = 1.0 - HIDDEN_ARREST_FRACTION
    q[hid_spl, 1] = 1.0 - HIDDEN_ARREST_FRACTION
    absorbed = np.linalg.solve(np.eye(m) - q, r)
    return absorbed[:3]


def _blood(bed: str) -> np.ndarray:
    return _blood_absorption()[VENOUS_BEDS.index(bed)]


@cache
def arrival_vector(source: str) -> np.ndarray:
    """Probability that a cell shed from `source` is arrested in each organ (engine order)."""
    d = drainage_table()[source]
    organs = organ_table()
    n = len(organs)
    blood_fraction = 1.0 - d.vertebral_plexus_fraction - d.lymph_fraction - d.serosal_fraction
    if blood_fraction < 0:
        raise ValueError(f"drainage of {source}: route fractions exceed 1")
    out = blood_fraction * _blood(d.venous_bed)
    if d.vertebral_plexus_fraction:
        bone = organ_index("bone")
        a_bone = organs[bone].capillary_arrest_fraction
        out = out + d.vertebral_plexus_fraction * (
            a_bone * np.eye(n)[bone] + (1 - a_bone) * _blood("lung")
        )
    if d.lymph_fraction:
        remaining = d.lymph_fraction
        lymph = np.zeros(n)
        for station in d.lymph_path:
            k = organ_index(station)
            arrest = organs[k].capillary_arrest_fraction
            lymph[k] += remaining * arrest
            remaining *= 1.0 - arrest
        out = out + lymph + remaining * _blood("lung")
    if d.serosal_fraction and d.serosal_target:
        out = out + d.serosal_fraction * np.eye(n)[organ_index(d.serosal_target)]
    out.setflags(write=False)
    return out


def arrival_matrix() -> np.ndarray:
    """Arrival probabilities for every source organ: shape (n_organs source, n_organs target)."""
    return np.stack([arrival_vector(s) for s in ORGANS])
