"""Numba kernels for the continuous fields: diffusion, MMP-2, ECM, oxygen, VEGF, TGF-β.

Two schemes, both with no-flux borders written in finite-volume form (a missing neighbour
contributes no flux, so the discrete total is conserved exactly by diffusion):

* explicit Euler with as many substeps as the CFL bound ``r = D·Δt/Δx² ≤ 1/(2·ndim)`` needs
  (MMP-2, as in Franssen et al. 2019);
* backward Euler solved approximately by a few warm-started red–black Gauss–Seidel sweeps,
  stable for any step (oxygen, VEGF and TGF-β, whose diffusion is 10³–10⁵ times faster than
  the cells' time step resolves; they are effectively quasi-steady).

Arrays are ``(nx, ny, nz)``; a 2-D grid has ``nz = 1``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

MMP_FLOOR = 1e-12
"""MMP-2 below this (in units of the reference level) is set to zero, so the region where the
field lives stays finite and no time is spent on denormal numbers; its effect on the ECM,
Γ₂·m·Δt ≤ 10⁻¹⁵ per step, is far below any other error of the scheme."""

CFL_SAFETY = 0.95
"""Fraction of the explicit stability bound 1/(2·ndim) that one substep may use."""


def explicit_substeps(coef: float, ndim: int) -> int:
    """Substeps so that each uses at most ``CFL_SAFETY`` of the stability bound."""
    bound = CFL_SAFETY / (2.0 * ndim)
    return max(1, int(math.ceil(coef / bound)))


@njit(cache=True)
def _diffuse_once(u: np.ndarray, out: np.ndarray, r: float) -> None:
    nx, ny, nz = u.shape
    for i in range(nx):
        for j in range(ny):
            for k in range(nz):
                c = u[i, j, k]
                s = 0.0
                if i > 0:
                    s += u[i - 1, j, k] - c
                if i < nx - 1:
                    s += u[i + 1, j, k] - c
                if j > 0:
                    s += u[i, j - 1, k] - c
                if j < ny - 1:
                    s += u[i, j + 1, k] - c
                if k > 0:
                    s += u[i, j, k - 1] - c
                if k < nz - 1:
                    s += u[i, j, k + 1] - c
                out[i, j, k] = c + r * s


@njit(cache=True)
def diffuse_explicit(u: np.ndarray, scratch: np.ndarray, r_total: float, n_sub: int) -> None:
    """Advance pure diffusion in place by ``n_sub`` explicit substeps of ``r_total / n_sub``."""
    r = r_total / n_sub
    for _ in range(n_sub):
        _diffuse_once(u, scratch, r)
        u[:, :, :] = scratch


@njit(cache=True)
def mmp_ecm_step(
    mmp: np.ndarray,
    ecm: np.ndarray,
    n_E: np.ndarray,
    n_M: np.ndarray,
    tam: np.ndarray,
    caf: np.ndarray,
    scratch: np.ndarray,
    r_total: float,
    n_sub: int,
    dt: float,
    prod_M: float,
    prod_E: float,
    prod_tam: float,
    decay: float,
    gamma_M: float,
    gamma_mmp: float,
    caf_deposit: float,
    caf_max: float,
    box: np.ndarray,
) -> None:
    """One step of MMP-2 (diffusion, production, decay) then ECM (degradation, CAF deposition).

    Franssen et al. (2019) scheme: m ← m + r·Δm + Δt(Θ c_M − Λ m); w ← w·(1 − Δt(Γ₁ c_M + Γ₂ m)),
    with the new m, as MetaSpread does. Empty ``tam``/``caf`` arrays mean no agents.

    Only the half-open box ``(i0, i1, j0, j1, k0, k1)`` is updated: the caller guarantees that
    outside it MMP-2 is zero and there are no cells or agents, so nothing changes there. On
    return ``box`` is shrunk to the bounding box of nonzero MMP-2 (``i0 = i1`` if none).
    """
    if n_sub > 1:
        diffuse_explicit(mmp, scratch, r_total * (n_sub - 1) / n_sub, n_sub - 1)
        r = r_total / n_sub
    else:
        r = r_total
    nx, ny, nz = mmp.shape
    i0, i1, j0, j1, k0, k1 = box[0], box[1], box[2], box[3], box[4], box[5]
    has_tam = tam.shape[0] > 0
    has_caf = caf.shape[0] > 0
    for i in range(i0, i1):
        for j in range(j0, j1):
            for k in range(k0, k1):
                c = mmp[i, j, k]
                s = 0.0
                if i > 0:
                    s += mmp[i - 1, j, k] - c
                if i < nx - 1:
                    s += mmp[i + 1, j, k] - c
                if j > 0:
                    s += mmp[i, j - 1, k] - c
                if j < ny - 1:
                    s += mmp[i, j + 1, k] - c
                if k > 0:
                    s += mmp[i, j, k - 1] - c
                if k < nz - 1:
                    s += mmp[i, j, k + 1] - c
                src = prod_M * n_M[i, j, k] + prod_E * n_E[i, j, k]
                if has_tam:
                    src += prod_tam * tam[i, j, k]
                scratch[i, j, k] = c + r * s + dt * (src - decay * c)
    lo0, hi0, lo1, hi1, lo2, hi2 = nx, 0, ny, 0, nz, 0
    for i in range(i0, i1):
        for j in range(j0, j1):
            for k in range(k0, k1):
                m = scratch[i, j, k]
                if m < MMP_FLOOR:
                    m = 0.0
                else:
                    lo0 = min(lo0, i)
                    hi0 = max(hi0, i + 1)
                    lo1 = min(lo1, j)
                    hi1 = max(hi1, j + 1)
                    lo2 = min(lo2, k)
                    hi2 = max(hi2, k + 1)
                mmp[i, j, k] = m
                w = ecm[i, j, k]
                loss = dt * (gamma_M * n_M[i, j, k] + gamma_mmp * m)
                w = w * (1.0 - loss) if loss < 1.0 else 0.0
                if has_caf and caf[i, j, k] > 0 and w < caf_max:
                    w = min(caf_max, w + dt * caf_deposit * caf[i, j, k])
                ecm[i, j, k] = w
    if hi0 == 0:
        lo0, hi0, lo1, hi1, lo2, hi2 = 0, 0, 0, 0, 0, 0
    box[0], box[1], box[2], box[3], box[4], box[5] = lo0, hi0, lo1, hi1, lo2, hi2


@njit(cache=True, parallel=True)
def implicit_relax(
    u: np.ndarray,
    u_old: np.ndarray,
    r: float,
    dt: float,
    cells_a: np.ndarray,
    cells_b: np.ndarray,
    uptake_coef: float,
    relax_rate: float,
    relax_target: float,
    decay: float,
    source: np.ndarray,
    fixed: np.ndarray,
    fixed_value: float,
    sweeps: int,
) -> None:
    """Backward-Euler step of ``∂u/∂t = DΔu − (κ(a+b) + μ + λ)u + μ·u* + s``.

    ``cells_a + cells_b`` is the per-site uptake count (uint8, e.g. E and M cells; may be
    empty), ``source`` the per-site production rate (may be empty). Sites where ``fixed`` is
    nonzero are held at ``fixed_value`` (vessels for oxygen; may be empty). ``u`` holds the
    initial guess (warm start) and receives the result; ``u_old`` is the previous step. Solved
    by ``sweeps`` red–black Gauss–Seidel sweeps.
    """
    nx, ny, nz = u.shape
    has_fixed = fixed.shape[0] > 0
    has_uptake = cells_a.shape[0] > 0
    has_source = source.shape[0] > 0
    for _ in range(sweeps):
        for colour in range(2):
            # sites of one colour only read the other colour: the rows are independent, so
            # the result does not depend on the number of threads
            for i in prange(nx):
                for j in range(ny):
                    # sites of this colour only (in 2D, nz = 1, the range may be empty)
                    for k in range((i + j + colour) % 2, nz, 2):
                        if has_fixed and fixed[i, j, k] != 0:
                            u[i, j, k] = fixed_value
                            continue
                        s = 0.0
                        nb = 0
                        if i > 0:
                            s += u[i - 1, j, k]
                            nb += 1
                        if i < nx - 1:
                            s += u[i + 1, j, k]
                            nb += 1
                        if j > 0:
                            s += u[i, j - 1, k]
                            nb += 1
                        if j < ny - 1:
                            s += u[i, j + 1, k]
                            nb += 1
                        if k > 0:
                            s += u[i, j, k - 1]
                            nb += 1
                        if k < nz - 1:
                            s += u[i, j, k + 1]
                            nb += 1
                        sink = relax_rate + decay
                        if has_uptake:
                            sink += uptake_coef * (int(cells_a[i, j, k]) + int(cells_b[i, j, k]))
                        rhs = u_old[i, j, k] + dt * relax_rate * relax_target + r * s
                        if has_source:
                            rhs += dt * source[i, j, k]
                        u[i, j, k] = rhs / (1.0 + dt * sink + r * nb)


@njit(cache=True)
def fill_source(
    out: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    coef_ab: float,
    c: np.ndarray,
    d: np.ndarray,
    coef_cd: float,
) -> None:
    """``out = coef_ab·(a + b) + coef_cd·(c + d)`` for uint8 count arrays (c, d may be empty)."""
    nx, ny, nz = out.shape
    has_c = c.shape[0] > 0
    has_d = d.shape[0] > 0
    for i in range(nx):
        for j in range(ny):
            for k in range(nz):
                v = coef_ab * (int(a[i, j, k]) + int(b[i, j, k]))
                if has_c:
                    v += coef_cd * c[i, j, k]
                if has_d:
                    v += coef_cd * d[i, j, k]
                out[i, j, k] = v


@njit(cache=True)
def hypoxic_counts(
    n_E: np.ndarray, n_M: np.ndarray, oxygen: np.ndarray, threshold: float, out: np.ndarray
) -> None:
    """``out`` (float64) = tumour cells on sites whose oxygen is below ``threshold``."""
    nx, ny, nz = n_E.shape
    for i in range(nx):
        for j in range(ny):
            for k in range(nz):
                if oxygen[i, j, k] < threshold:
                    out[i, j, k] = n_E[i, j, k] + n_M[i, j, k]
                else:
                    out[i, j, k] = 0


@njit(cache=True)
def count_hypoxic(
    n_E: np.ndarray, n_M: np.ndarray, oxygen: np.ndarray, threshold: float, box: np.ndarray
) -> int:
    """Tumour cells on sites of the half-open ``box`` whose oxygen is below ``threshold``."""
    out = 0
    for i in range(box[0], box[1]):
        for j in range(box[2], box[3]):
            for k in range(box[4], box[5]):
                if oxygen[i, j, k] < threshold:
                    out += int(n_E[i, j, k]) + int(n_M[i, j, k])
    return out


def total(u: np.ndarray) -> float:
    """Discrete integral of a field in site units."""
    return float(np.sum(u))


def point_source_variance(u: np.ndarray, axis: int) -> float:
    """Variance, in sites², of a field's distribution along ``axis`` (for spreading tests)."""
    mass = u.sum()
    x = np.arange(u.shape[axis], dtype=np.float64)
    shape = [1, 1, 1]
    shape[axis] = -1
    x = x.reshape(shape)
    mean = (u * x).sum() / mass
    return float((u * (x - mean) ** 2).sum() / mass)
