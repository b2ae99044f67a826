"""Numba kernels for cancer cells held as counts per site: motility, proliferation, EMT/MET.

Motility follows the discretised Franssen et al. (2019) movement probabilities, per axis ``a``
and phenotype ``k``::

    P(∓a) = Δt/Δx² · (D_k ∓ Φ_k/4 · (w[+a] − w[−a])),   P(stay) = 1 − Σ P

(a central ECM difference, zero when either neighbour lies outside the grid; a probability
towards the outside is zero, so no cell leaves the grid). Every cell moves at most once per
step: sites are visited in a random order, a site's cells one at a time in random phenotype
order, and moved or staying cells are parked in ``arrived_*`` buffers until the sweep ends.
A move onto an occupied-to-capacity site fails and the cell stays.

A move onto a vessel of the primary grid is an intravasation when the vessel is ruptured (any
phenotype) or normal and the cell is mesenchymal. In ``cluster`` mode the cells on the vessel
site and its neighbours enter with it, as one cluster; in ``single`` mode a normal vessel takes
the mesenchymal cell alone.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

RUPTURED = 2
NORMAL = 1


@njit(cache=True)
def _move_probs(
    ecm: np.ndarray, i: int, j: int, k: int, base: float, hapt: float, boost: float,
    out: np.ndarray,
) -> float:
    """Fill ``out[0:6]`` with P(−x,+x,−y,+y,−z,+z); return their sum."""
    nx, ny, nz = ecm.shape
    idx = (i, j, k)
    dims = (nx, ny, nz)
    tot = 0.0
    for a in range(3):
        lo_ok = idx[a] > 0
        hi_ok = idx[a] < dims[a] - 1
        g = 0.0
        if lo_ok and hi_ok:
            if a == 0:
                g = ecm[i + 1, j, k] - ecm[i - 1, j, k]
            elif a == 1:
                g = ecm[i, j + 1, k] - ecm[i, j - 1, k]
            else:
                g = ecm[i, j, k + 1] - ecm[i, j, k - 1]
        pm = (base - hapt * g) * boost if lo_ok else 0.0
        pp = (base + hapt * g) * boost if hi_ok else 0.0
        pm = pm if pm > 0.0 else 0.0
        pp = pp if pp > 0.0 else 0.0
        out[2 * a] = pm
        out[2 * a + 1] = pp
        tot += pm + pp
    if tot > 1.0:
        for d in range(6):
            out[d] /= tot
        tot = 1.0
    return tot


@njit(cache=True)
def move_cells(
    n_E: np.ndarray,
    n_M: np.ndarray,
    arr_E: np.ndarray,
    arr_M: np.ndarray,
    vessel: np.ndarray,
    ecm: np.ndarray,
    tam: np.ndarray,
    order: np.ndarray,
    rng: np.random.Generator,
    base_E: float,
    base_M: float,
    hapt_E: float,
    hapt_M: float,
    tam_boost: float,
    capacity: int,
    allow_intravasation: bool,
    normal_single: bool,
    ev_site: np.ndarray,
    ev_E: np.ndarray,
    ev_M: np.ndarray,
    ev_kind: np.ndarray,
    box: np.ndarray,
) -> int:
    """One motility sweep; afterwards all cells are in ``arr_*`` and ``n_*`` are zero.

    ``arr_*`` must be zero on entry; every cell must lie in the half-open ``box``. Returns
    the number of intravasation events written to the ``ev_*`` buffers (at most their length;
    once they are full, a cell that would intravasate treats the vessel as an ordinary site).
    """
    nx, ny, nz = n_E.shape
    fE = n_E.reshape(-1)
    fM = n_M.reshape(-1)
    aE = arr_E.reshape(-1)
    aM = arr_M.reshape(-1)
    fV = vessel.reshape(-1)
    has_tam = tam.shape[0] > 0
    n_occ = 0
    for i in range(box[0], box[1]):
        for j in range(box[2], box[3]):
            base = (i * ny + j) * nz
            for k in range(box[4], box[5]):
                s = base + k
                if fE[s] > 0 or fM[s] > 0:
                    order[n_occ] = s
                    n_occ += 1
    for a in range(n_occ - 1, 0, -1):
        b = rng.integers(0, a + 1)
        tmp = order[a]
        order[a] = order[b]
        order[b] = tmp
    strides = (ny * nz, nz, 1)
    pE = np.empty(6)
    pM = np.empty(6)
    n_ev = 0
    max_ev = ev_site.size
    for o in range(n_occ):
        s = order[o]
        if fE[s] == 0 and fM[s] == 0:
            continue
        i = s // strides[0]
        j = (s // nz) % ny
        k = s % nz
        boost = 1.0
        if has_tam and tam[i, j, k] > 0:
            boost = tam_boost
        totE = _move_probs(ecm, i, j, k, base_E, hapt_E, boost, pE)
        totM = _move_probs(ecm, i, j, k, base_M, hapt_M, boost, pM)
        while fE[s] > 0 or fM[s] > 0:
            is_m = rng.random() * (fE[s] + fM[s]) < fM[s]
            p = pM if is_m else pE
            tot = totM if is_m else totE
            u = rng.random()
            d = -1
            if u < tot:
                acc = 0.0
                for dd in range(6):
                    acc += p[dd]
                    if u < acc:
                        d = dd
                        break
                if d < 0:
                    d = 5
            target = s
            if d >= 0:
                a = d // 2
                target = s - strides[a] if d % 2 == 0 else s + strides[a]
            if target != s and allow_intravasation and fV[target] != 0 and (
                fV[target] == RUPTURED or is_m
            ) and n_ev < max_ev:
                if fV[target] == NORMAL and normal_single:
                    fM[s] -= 1
                    ev_E[n_ev] = 0
                    ev_M[n_ev] = 1
                else:
                    cE, cM = _take_cluster(fE, fM, aE, aM, target, nx, ny, nz)
                    ev_E[n_ev] = cE
                    ev_M[n_ev] = cM
                ev_site[n_ev] = target
                ev_kind[n_ev] = fV[target]
                n_ev += 1
                continue
            if target != s:
                occ = int(fE[target]) + int(fM[target]) + int(aE[target]) + int(aM[target])
                if occ >= capacity:
                    target = s
            if is_m:
                fM[s] -= 1
                aM[target] += 1
            else:
                fE[s] -= 1
                aE[target] += 1
    return n_ev


@njit(cache=True)
def _take_cluster(
    fE: np.ndarray, fM: np.ndarray, aE: np.ndarray, aM: np.ndarray, t: int,
    nx: int, ny: int, nz: int,
) -> tuple[int, int]:
    """Remove every cell on site ``t`` and its von Neumann neighbours; return (E, M) taken."""
    i = t // (ny * nz)
    j = (t // nz) % ny
    k = t % nz
    cE = 0
    cM = 0
    for d in range(7):
        ii, jj, kk = i, j, k
        if d == 1:
            ii -= 1
        elif d == 2:
            ii += 1
        elif d == 3:
            jj -= 1
        elif d == 4:
            jj += 1
        elif d == 5:
            kk -= 1
        elif d == 6:
            kk += 1
        if ii < 0 or ii >= nx or jj < 0 or jj >= ny or kk < 0 or kk >= nz:
            continue
        q = (ii * ny + jj) * nz + kk
        cE += int(fE[q]) + int(aE[q])
        cM += int(fM[q]) + int(aM[q])
        fE[q] = 0
        aE[q] = 0
        fM[q] = 0
        aM[q] = 0
    return cE, cM


@njit(cache=True)
def divide_synchronous(
    n_div: np.ndarray, n_other: np.ndarray, capacity: int, oxygen: np.ndarray, o2_min: float
) -> int:
    """Every cell counted in ``n_div`` divides in place, capacity permitting (Franssen2019).

    Sites with oxygen below ``o2_min`` are skipped (``oxygen`` may be empty). Returns births.
    """
    fD = n_div.reshape(-1)
    fO = n_other.reshape(-1)
    has_o2 = oxygen.shape[0] > 0
    fX = oxygen.reshape(-1)
    births = 0
    for s in range(fD.size):
        n = int(fD[s])
        if n == 0:
            continue
        if has_o2 and fX[s] < o2_min:
            continue
        free = capacity - n - int(fO[s])
        add = n if n < free else free
        if add > 0:
            fD[s] = n + add
            births += add
    return births


@njit(cache=True)
def divide_stochastic(
    n_E: np.ndarray, n_M: np.ndarray, capacity: int, p_E: float, p_M: float,
    oxygen: np.ndarray, o2_min: float, rng: np.random.Generator,
) -> int:
    """Each cell divides with probability ``p_E``/``p_M`` this step, capacity permitting."""
    fE = n_E.reshape(-1)
    fM = n_M.reshape(-1)
    has_o2 = oxygen.shape[0] > 0
    fX = oxygen.reshape(-1)
    births = 0
    for s in range(fE.size):
        e = int(fE[s])
        m = int(fM[s])
        if e == 0 and m == 0:
            continue
        if has_o2 and fX[s] < o2_min:
            continue
        free = capacity - e - m
        if free <= 0:
            continue
        bE = rng.binomial(e, p_E) if e > 0 else 0
        bM = rng.binomial(m, p_M) if m > 0 else 0
        while bE + bM > free:
            if rng.random() * (bE + bM) < bE:
                bE -= 1
            else:
                bM -= 1
        fE[s] = e + bE
        fM[s] = m + bM
        births += bE + bM
    return births


@njit(cache=True)
def switch_phenotypes(
    n_E: np.ndarray, n_M: np.ndarray, tgf: np.ndarray, oxygen: np.ndarray, dt: float,
    emt_base: float, emt_tgf: float, tgf_half: float, emt_hyp: float, met: float,
    hyp_threshold: float, rng: np.random.Generator,
) -> tuple[int, int]:
    """E→M at rate base + tgf·T/(T+K) + hyp·[hypoxic]; M→E at met·K/(T+K) when normoxic."""
    fE = n_E.reshape(-1)
    fM = n_M.reshape(-1)
    fT = tgf.reshape(-1)
    fX = oxygen.reshape(-1)
    has_t = tgf.shape[0] > 0
    has_o = oxygen.shape[0] > 0
    to_m = 0
    to_e = 0
    for s in range(fE.size):
        e = int(fE[s])
        m = int(fM[s])
        if e == 0 and m == 0:
            continue
        sig = 0.0
        if has_t:
            t = fT[s] if fT[s] > 0.0 else 0.0
            sig = t / (t + tgf_half)
        hyp = has_o and fX[s] < hyp_threshold
        rate_em = emt_base + emt_tgf * sig + (emt_hyp if hyp else 0.0)
        rate_me = 0.0 if hyp else met * (1.0 - sig)
        kEM = rng.binomial(e, 1.0 - math.exp(-dt * rate_em)) if e > 0 and rate_em > 0 else 0
        kME = rng.binomial(m, 1.0 - math.exp(-dt * rate_me)) if m > 0 and rate_me > 0 else 0
        fE[s] = e - kEM + kME
        fM[s] = m - kME + kEM
        to_m += kEM
        to_e += kME
    return to_m, to_e


@njit(cache=True)
def census(
    n_E: np.ndarray, n_M: np.ndarray, footprint: np.ndarray, box: np.ndarray
) -> tuple[int, int, int, int]:
    """(E cells, M cells, occupied sites, occupied sites outside ``footprint``).

    Scans the half-open ``box`` (which must contain every cell) and shrinks it in place to the
    bounding box of the occupied sites (``i0 = i1`` when there are none).
    """
    nx, ny, nz = n_E.shape
    has_fp = footprint.shape[0] > 0
    e = 0
    m = 0
    occ = 0
    inv = 0
    lo0, hi0, lo1, hi1, lo2, hi2 = nx, 0, ny, 0, nz, 0
    for i in range(box[0], box[1]):
        for j in range(box[2], box[3]):
            for k in range(box[4], box[5]):
                a = n_E[i, j, k]
                b = n_M[i, j, k]
                if a > 0 or b > 0:
                    e += a
                    m += b
                    occ += 1
                    if has_fp and not footprint[i, j, k]:
                        inv += 1
                    lo0 = min(lo0, i)
                    hi0 = max(hi0, i + 1)
                    lo1 = min(lo1, j)
                    hi1 = max(hi1, j + 1)
                    lo2 = min(lo2, k)
                    hi2 = max(hi2, k + 1)
    if occ == 0:
        lo0, hi0, lo1, hi1, lo2, hi2 = 0, 0, 0, 0, 0, 0
    box[0], box[1], box[2], box[3], box[4], box[5] = lo0, hi0, lo1, hi1, lo2, hi2
    return e, m, occ, inv
