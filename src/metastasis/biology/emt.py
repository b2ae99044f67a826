"""EMT: epithelial (E) ↔ hybrid E/M (H) ↔ mesenchymal (M) compartments.

Forward rates scale with TGF-β, Wnt and Notch (power laws in their relative levels), hypoxia,
stroma and genotype; an EMT block removes a fraction of forward flux.
"""

from __future__ import annotations

import math

from numba import njit


@njit(cache=True)
def signal_drive(
    tgf_beta: float, wnt: float, notch: float, k_tgf: float, k_wnt: float, k_notch: float
) -> float:
    """Combined EMT drive from relative signal levels (1 at reference)."""
    return tgf_beta**k_tgf * wnt**k_wnt * notch**k_notch


@njit(cache=True)
def forward_multiplier(
    drive: float, hypoxic: float, hypoxia_gain: float, stroma: float, suppression: float
) -> float:
    """Multiplier of E→H and H→M rates: signals × (1 + gain·hypoxia) × stroma × (1 − block)."""
    return max(0.0, drive * (1.0 + hypoxia_gain * hypoxic) * stroma * (1.0 - suppression))


@njit(cache=True)
def emt_step(
    e: float,
    h: float,
    m: float,
    k_eh: float,
    k_hm: float,
    k_he: float,
    k_mh: float,
    dt_days: float,
) -> tuple[float, float, float]:
    """Move cells between phenotypes over dt (cells); conserves E+H+M exactly.

    Out-flows use 1 − exp(−k·dt) so no compartment goes negative at any step size.
    """
    eh = e * (1.0 - math.exp(-k_eh * dt_days))
    h_out = h * (1.0 - math.exp(-(k_hm + k_he) * dt_days))
    hm = h_out * k_hm / (k_hm + k_he) if k_hm + k_he > 0.0 else 0.0
    he = h_out - hm
    mh = m * (1.0 - math.exp(-k_mh * dt_days))
    return e - eh + he, h + eh - h_out + mh, m + hm - mh
