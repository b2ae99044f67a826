"""Circulation: survival of circulating tumour cells between intravasation and arrest."""

from __future__ import annotations

import math

from numba import njit


@njit(cache=True)
def ctc_survival(
    transit_hours: float,
    shear_per_hour: float,
    nk_per_hour: float,
    platelet_cloaking: float,
    pdl1_positive_fraction: float,
    pdl1_protection: float,
    cluster_protection: float,
) -> float:
    """Probability a CTC survives its transit (dimensionless).

    Hazards: shear, plus NK killing reduced by platelet cloaking and, for the PD-L1+ share, by
    PD-L1; `cluster_protection` removes that fraction of both hazards (0 for single cells).
    """
    nk = nk_per_hour * (1.0 - platelet_cloaking)
    nk_mean = nk * (1.0 - pdl1_positive_fraction * pdl1_protection)
    hazard = (shear_per_hour + nk_mean) * (1.0 - cluster_protection)
    return math.exp(-hazard * transit_hours)
