"""Each patient's own organ preferences: lognormal multipliers on the organ weights.

Cancers of one type differ in where they spread: breast cancer subtypes favour bone, liver,
lung or brain in different proportions (Kennecke et al. 2010 J Clin Oncol 28:3271), and
genomic alterations shift organ involvement within a cancer type (Nguyen et al. 2022 Cell
185:563, MSK-MET). A patient therefore draws, from its own `TROPISM_STREAM`, one multiplier per
organ, exp(σ·z − σ²/2) with z standard normal (mean 1, so the population keeps the preset's
organ preferences on average), which scales that organ's weight (`dormancy.organ_weights`,
the kernel's wake multipliers). The primary's organ and the regional nodes, reached by local
and lymphatic spread rather than by seed and soil, keep a multiplier of 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from metastasis.anatomy.organs import ORGANS
from metastasis.engine.params import O_WAKE_MULT
from metastasis.engine.rng import LYMPHATIC_STREAM, TROPISM_STREAM, patient_generator
from metastasis.patients.sex_organs import organ_par_for_sex
from metastasis.scenario.population import Population

REGIONAL_NODES = "regional_lymph_nodes"
UNAFFECTED = (REGIONAL_NODES,)
"""Organs whose weight no patient changes (besides the primary's own)."""


def tropism_multipliers(seed: int, patients: Sequence[int], sigma: float,
                        primary_site: str) -> np.ndarray:
    """(patients, organs) multipliers of the organ weights, in `ORGANS` order
    (dimensionless; all 1 when sigma is 0)."""
    out = np.ones((len(patients), len(ORGANS)))
    if sigma == 0.0:
        return out
    keep = [ORGANS.index(o) for o in (*UNAFFECTED, primary_site)]
    for k, p in enumerate(patients):
        z = patient_generator(seed, int(p), TROPISM_STREAM).standard_normal(len(ORGANS))
        out[k] = np.exp(sigma * z - 0.5 * sigma * sigma)
    out[:, keep] = 1.0
    return out


def lymphatic_multipliers(seed: int, patients: Sequence[int], sigma: float | None,
                          dissemination: np.ndarray) -> np.ndarray:
    """Multiplier of each patient's regional-node weight (dimensionless): L/D, L its own
    lymphatic spread (lognormal, median 1, spread `sigma`, from its `LYMPHATIC_STREAM`) and D
    its dissemination multiplier, so that the nodes are colonised in proportion to L rather
    than D; all 1 when sigma is None.

    Lymphatic and blood-vessel invasion are distinct findings at pathology, each with its own
    prognostic weight (e.g. Mohammed et al. 2011 Br J Cancer 104:1296 in breast cancer)."""
    if sigma is None:
        return np.ones(len(patients))
    z = np.array([patient_generator(seed, int(p), LYMPHATIC_STREAM).standard_normal()
                  for p in patients])
    return np.exp(sigma * z) / np.asarray(dissemination, dtype=np.float64)


def patient_organ_tables(organ_par: np.ndarray, female: Sequence[bool] | np.ndarray,
                         pop: Population, multipliers: np.ndarray) -> np.ndarray:
    """(patients, rows, organs): each patient's organ table, with the organs its sex lacks
    closed (`sex_organs.organ_par_for_sex`) and its wake weights scaled by its multipliers."""
    by_sex = {f: organ_par_for_sex(organ_par, f, pop) for f in (True, False)}
    tables = np.zeros((len(female), *organ_par.shape))
    for k, f in enumerate(female):
        tables[k] = by_sex[bool(f)]
    tables[:, O_WAKE_MULT, :] *= multipliers
    return tables
