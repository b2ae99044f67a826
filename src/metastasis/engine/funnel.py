"""The dissemination funnel per shed cell: survival, arrest, extravasation, dormancy entry."""

from __future__ import annotations

import math

from numba import njit

from metastasis.biology.extravasation import extravasation_probability
from metastasis.engine.params import (
    M_NK,
    O_EXTRAV_W,
    T_CLUSTER_FRAC,
    T_CLUSTER_GAIN,
    T_DORM_ENTRY,
    T_EXTRAV_BASE,
    T_NK_SHARE_CLUSTER,
    T_NK_SHARE_SINGLE,
    T_SURV_CLUSTER,
    T_SURV_SINGLE,
)


@njit(cache=True)
def funnel_matrices(theta, organ_par, arrival, mods, dormant_v, extrav_v, arrest_v):
    """Per shed cell: P(arrested in o), P(extravasated in o), P(dormant in o), for each source."""
    n = arrival.shape[0]
    cf = theta[T_CLUSTER_FRAC]
    nk = mods[M_NK]
    s1 = theta[T_SURV_SINGLE] * math.exp(-theta[T_NK_SHARE_SINGLE] * (nk - 1.0))
    s2 = theta[T_SURV_CLUSTER] * math.exp(-theta[T_NK_SHARE_CLUSTER] * (nk - 1.0))
    s1 = min(max(s1, 0.0), 1.0)
    s2 = min(max(s2, 0.0), 1.0)
    for o in range(n):
        pe1 = extravasation_probability(theta[T_EXTRAV_BASE], organ_par[O_EXTRAV_W, o], 1.0)
        pe2 = extravasation_probability(
            theta[T_EXTRAV_BASE], organ_par[O_EXTRAV_W, o], theta[T_CLUSTER_GAIN]
        )
        for src in range(n):
            a = arrival[src, o]
            arrest_v[src, o] = a * ((1.0 - cf) * s1 + cf * s2)
            extrav_v[src, o] = a * ((1.0 - cf) * s1 * pe1 + cf * s2 * pe2)
            dormant_v[src, o] = extrav_v[src, o] * theta[T_DORM_ENTRY]


@njit(cache=True)
def fold_pending(pend_src, arrest_v, extrav_v, dormant_v, acc_arrest_fail, acc_extrav_fail):
    """Turn shed cells accumulated per source into per-organ intensities of the cells that were
    arrested but did not extravasate, and that extravasated but did not enter dormancy; returns
    the intensity of cells that died in the blood or were lost in unlisted beds."""
    n = pend_src.shape[0]
    lost = 0.0
    for src in range(n):
        sh = pend_src[src]
        if sh <= 0.0:
            continue
        arrested = 0.0
        for o in range(n):
            acc_arrest_fail[o] += sh * (arrest_v[src, o] - extrav_v[src, o])
            acc_extrav_fail[o] += sh * (extrav_v[src, o] - dormant_v[src, o])
            arrested += arrest_v[src, o]
        lost += sh * (1.0 - arrested)
        pend_src[src] = 0.0
    return lost


@njit(cache=True)
def split_count(rng, k, weights, out):
    """Split k events over categories in proportion to `weights` (a multinomial draw made of
    conditional binomials, in index order); writes the counts into `out`."""
    rest = 0.0
    for o in range(weights.shape[0]):
        rest += weights[o]
    for o in range(weights.shape[0]):
        out[o] = 0
        if k <= 0 or weights[o] <= 0.0:
            continue
        p = weights[o] / rest if rest > 0.0 else 1.0
        x = k if p >= 1.0 else rng.binomial(k, p)
        out[o] = x
        k -= x
        rest -= weights[o]
