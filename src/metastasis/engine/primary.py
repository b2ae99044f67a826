"""When does an untreated primary reach a size? The kernel's primary update, on its own.

Before any therapy the primary follows its ODE, which draws no random numbers and does not
depend on lesions, so the day it first reaches a size is a deterministic function of the
patient's theta row. A trial uses it to place diagnosis (and everything scheduled from it)
on each patient's own time axis. `initial_primary` and `advance_primary` are the
kernel's own primary update; here they run with every modifier at its default.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from metastasis.biology.emt import emt_step
from metastasis.biology.growth import capacity_step, gompertz_rate_per_day
from metastasis.biology.intravasation import emission_per_day, invasive_fraction
from metastasis.biology.microenvironment import hypoxic_fraction
from metastasis.engine.layout import P_CAP, P_E, P_H, P_M, P_RE, P_RH, P_RM
from metastasis.engine.params import (
    M_ANGIO,
    M_EMISSION,
    M_EMT,
    M_GROWTH,
    M_KILL,
    MODIFIER_DEFAULTS,
    T_ANGIO_B,
    T_ANGIO_D,
    T_DT,
    T_EMIT_ALPHA,
    T_EMIT_M,
    T_EMIT_STROMA,
    T_EMT_HYP,
    T_FH0,
    T_FM0,
    T_HYB_W,
    T_K0,
    T_KEH,
    T_KHE,
    T_KHM,
    T_KMH,
    T_L_BIRTH,
    T_LAMBDA,
    T_N0,
    T_PROLIF_H,
    T_PROLIF_M,
    T_RES_COST,
    T_RES_F0,
    T_RES_MU,
    T_VEGF_HYP,
)

UNTREATED = tuple(float(x) for x in MODIFIER_DEFAULTS)
"""Modifier tuple with every rate at its default (no therapy)."""


@njit(cache=True)
def initial_primary(theta: np.ndarray):
    """Primary at t = 0: (E, H, M, resistant E, H, M, capacity K), cells."""
    n0 = theta[T_N0]
    e = n0 * (1.0 - theta[T_FH0] - theta[T_FM0])
    h = n0 * theta[T_FH0]
    m = n0 * theta[T_FM0]
    f0 = theta[T_RES_F0]
    re = e * f0
    rh = h * f0
    rm = m * f0
    return e - re, h - rh, m - rm, re, rh, rm, theta[T_K0]


@njit(cache=True)
def initial_primary_array(theta: np.ndarray) -> np.ndarray:
    """`initial_primary` as an array in `layout.P_*` order."""
    p = np.empty(7)
    p[P_E], p[P_H], p[P_M], p[P_RE], p[P_RH], p[P_RM], p[P_CAP] = initial_primary(theta)
    return p


@njit(cache=True)
def resistance_settings(theta: np.ndarray):
    """(clone dimension on?, mutation rate per day of a dividing sensitive cell, fitness)."""
    mu_div = theta[T_RES_MU] * theta[T_L_BIRTH]
    return mu_div > 0.0 or theta[T_RES_F0] > 0.0, mu_div, 1.0 - theta[T_RES_COST]


@njit(cache=True)
def advance_primary(comp, theta, mods, mods_r, dt):
    """One step of dt days of the primary `comp` = (E, H, M, resistant E, H, M, K): Gompertz
    growth per phenotype under K, EMT, mutation to the resistant clone, K by Hahnfeldt's law.
    Of the modifier tuples (params.MODIFIER_NAMES order; `mods_r` for the resistant clone),
    growth, EMT and angiogenesis multiply their rates and the extra death hazard (1/day)
    kills.

    Returns (e, h, m, re, rh, rm, K, hypoxic fraction at the start of the step); a primary
    that falls below one cell is removed.
    """
    e, h, m, re, rh, rm, cap = comp
    growth, kill, emt, angio = mods[M_GROWTH], mods[M_KILL], mods[M_EMT], mods[M_ANGIO]
    growth_r, kill_r = mods_r[M_GROWTH], mods_r[M_KILL]
    res_on, mu_div, fit_r = resistance_settings(theta)
    n_p = e + h + m + re + rh + rm
    hyp = hypoxic_fraction(n_p, cap)
    r = gompertz_rate_per_day(n_p, cap, theta[T_LAMBDA] * growth)
    fwd = (1.0 + theta[T_EMT_HYP] * hyp) * emt
    if res_on:
        rr = gompertz_rate_per_day(n_p, cap, theta[T_LAMBDA] * growth_r * fit_r)
        mut = mu_div * dt
        re = re * math.exp((rr - kill_r) * dt) + mut * e
        rh = rh * math.exp((rr * theta[T_PROLIF_H] - kill_r) * dt) + mut * theta[T_PROLIF_H] * h
        rm = rm * math.exp((rr * theta[T_PROLIF_M] - kill_r) * dt) + mut * theta[T_PROLIF_M] * m
        re, rh, rm = emt_step(re, rh, rm, theta[T_KEH] * fwd, theta[T_KHM] * fwd,
                              theta[T_KHE], theta[T_KMH], dt)
    e *= math.exp((r - kill) * dt)
    h *= math.exp((r * theta[T_PROLIF_H] - kill) * dt)
    m *= math.exp((r * theta[T_PROLIF_M] - kill) * dt)
    e, h, m = emt_step(e, h, m, theta[T_KEH] * fwd, theta[T_KHM] * fwd,
                       theta[T_KHE], theta[T_KMH], dt)
    n_new = e + h + m + re + rh + rm
    if n_new < 1.0:
        e = h = m = re = rh = rm = 0.0
        n_new = 0.0
    b = theta[T_ANGIO_B] * angio * (1.0 + theta[T_VEGF_HYP] * hyp)
    cap = capacity_step(cap, n_new, b, theta[T_ANGIO_D], dt)
    return e, h, m, re, rh, rm, cap, hyp


@njit(cache=True)
def primary_step(p, body, s, mods, mods_r, step):
    """Step 2: advance the primary (array in `state.P_*` order) by one step of `s.dt` days
    under the segment's modifiers, and add its burden (cells) and shedding (cells/day, from
    a spatial run while one supplies it, else m·N^α·φ) to its organ's totals in `body`."""
    n_p = p[P_E] + p[P_H] + p[P_M] + p[P_RE] + p[P_RH] + p[P_RM]
    if n_p <= 0.0:
        return
    th = s.theta
    comp = (p[P_E], p[P_H], p[P_M], p[P_RE], p[P_RH], p[P_RM], p[P_CAP])
    e, h, m, re, rh, rm, cap, _ = advance_primary(comp, th, mods, mods_r, s.dt)
    p[P_E], p[P_H], p[P_M], p[P_RE], p[P_RH], p[P_RM], p[P_CAP] = e, h, m, re, rh, rm, cap
    n_new = e + h + m + re + rh + rm
    phi = invasive_fraction(e + re, h + rh, m + rm, th[T_HYB_W])
    if step < s.shed_override.shape[0]:
        shed_p = s.shed_override[step] * mods[M_EMISSION]
    else:
        shed_p = emission_per_day(n_new, phi, th[T_EMIT_M], th[T_EMIT_ALPHA]) \
            * th[T_EMIT_STROMA] * mods[M_EMISSION]
    body.shed[s.site] += shed_p
    if s.res_on and n_new > 0.0:
        body.shed_res[s.site] += shed_p * (re + rh + rm) / n_new
    body.burden[s.site] += n_new


@njit(cache=True)
def first_day_at_size(theta: np.ndarray, target_cells: float, t_max_days: float) -> float:
    """First step time (days) at which the untreated primary holds ≥ target_cells; inf if never."""
    return _untreated(theta, target_cells, t_max_days)[0]


@njit(cache=True)
def cells_at_day(theta: np.ndarray, t_days: float) -> float:
    """Cells of the untreated primary at the step time `t_days` (rounded to a step)."""
    return _untreated(theta, math.inf, t_days)[1]


@njit(cache=True)
def _untreated(theta: np.ndarray, target_cells: float, t_max_days: float) -> tuple[float, float]:
    """(first step day at ≥ target_cells or inf, cells at the last step ≤ t_max_days)."""
    dt = theta[T_DT]
    e, h, m, re, rh, rm, cap = initial_primary(theta)
    n_steps = int(math.floor(t_max_days / dt + 1e-9))
    n_p = e + h + m + re + rh + rm
    for step in range(n_steps + 1):
        n_p = e + h + m + re + rh + rm
        if n_p >= target_cells:
            return step * dt, n_p
        if n_p <= 0.0 or step == n_steps:
            return math.inf, n_p
        e, h, m, re, rh, rm, cap, _ = advance_primary((e, h, m, re, rh, rm, cap), theta,
                                                      UNTREATED, UNTREATED, dt)
        if e + h + m + re + rh + rm <= 0.0:
            return math.inf, 0.0
    return math.inf, n_p


def days_to_size(thetas: np.ndarray, target_cells: np.ndarray, t_max_days: float) -> np.ndarray:
    """`first_day_at_size` for each row of `thetas` (patients × theta) and its target (cells)."""
    out = np.empty(len(thetas))
    for i in range(len(thetas)):
        out[i] = first_day_at_size(thetas[i], float(target_cells[i]), t_max_days)
    return out
