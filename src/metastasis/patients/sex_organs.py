"""Organs a patient's sex lacks receive no disseminated cells."""

from __future__ import annotations

import numpy as np

from metastasis.anatomy.organs import ORGANS
from metastasis.engine.params import O_EXTRAV_W, O_WAKE_MULT
from metastasis.scenario.population import Population

ORGAN_SEX = {"prostate": "male", "breast": "female"}
"""Organs present in one sex only (the male breast is rudimentary: see `male_breast_lesions`)."""


def absent_organs(female: bool, pop: Population) -> tuple[str, ...]:
    """Organs that a patient of this sex cannot carry lesions in."""
    sex = "female" if female else "male"
    out = []
    for organ, only in ORGAN_SEX.items():
        if only == sex or (organ == "breast" and pop.male_breast_lesions):
            continue
        out.append(organ)
    return tuple(out)


def organ_par_for_sex(organ_par: np.ndarray, female: bool, pop: Population) -> np.ndarray:
    """The organ table with no extravasation into, and no waking in, the absent organs."""
    out = organ_par.copy()
    for organ in absent_organs(female, pop):
        o = ORGANS.index(organ)
        out[O_EXTRAV_W, o] = 0.0
        out[O_WAKE_MULT, o] = 0.0
    return out
