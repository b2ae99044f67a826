"""Flatten a Scenario into the numeric arrays the compiled kernel reads.

The kernel takes a vector `theta` of scalars (indices below), an organ table `organ_par`
(rows below, one column per organ), the arrival matrix of the routing graph, and a piecewise
constant schedule of rate modifiers through which therapies act.

`Schedule` and `KernelInputs` check themselves when built (dtypes, shapes, value ranges; a
`KernelInputError` names the array, the value and what was expected), and `check_theta`,
`check_thetas` and `check_observation_days` do the same for the per-patient arrays of a batch.
`build_inputs` is pure once a scenario's Boolean-network propensities and spatial run have
been computed: both are cached per process (`boolean_propensity`, `spatial_series`).
"""

from __future__ import annotations

import json
import math
import numbers
import operator
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from metastasis.anatomy.organs import ORGANS, organ_index, organ_table
from metastasis.anatomy.routing import arrival_matrix
from metastasis.biology.circulation import ctc_survival
from metastasis.biology.emt import signal_drive
from metastasis.biology.genetics import genotype_multipliers
from metastasis.biology.microenvironment import stromal_invasion_multiplier
from metastasis.scenario.schema import Scenario
from metastasis.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    import pandas as pd

THETA_NAMES = (
    "dt_days",
    "t_end_days",
    "record_interval_days",
    "initial_cells",
    "initial_capacity_cells",
    "initial_fraction_hybrid",
    "initial_fraction_mesenchymal",
    "gompertz_rate_per_day",
    "angio_b_per_day",
    "angio_d_per_day",
    "vegf_hypoxia_gain",
    "proliferation_hybrid",
    "proliferation_mesenchymal",
    "k_eh_per_day",
    "k_hm_per_day",
    "k_he_per_day",
    "k_mh_per_day",
    "emt_hypoxia_gain",
    "emission_coefficient",
    "emission_exponent",
    "hybrid_weight",
    "emission_stroma_multiplier",
    "cluster_cell_fraction",
    "ctc_survival_single",
    "ctc_survival_cluster",
    "cluster_colonisation_gain",
    "extravasation_base",
    "dormancy_entry",
    "dormancy_clearance_per_day",
    "wake_per_day",
    "lesion_birth_per_day",
    "lesion_gompertz_rate_per_day",
    "lesion_initial_capacity_cells",
    "lesion_angio_b_per_day",
    "lesion_angio_d_per_day",
    "stochastic_threshold_cells",
    "lesion_immune_kill_per_day",
    "lesion_invasive_fraction",
    "lethal_total_cells",
    "max_lesions",
    "ctc_nk_share_single",
    "ctc_nk_share_cluster",
    "dormancy_ode_threshold",
    "lesion_ode_step_days",
    "resistance_mutation_per_division",
    "resistance_fitness_cost",
    "initial_resistant_fraction",
    "cascade_step_days",
    "lesion_avascular_mean_days",
    "lesion_escape_probability",
)
(
    T_DT,
    T_END,
    T_RECORD,
    T_N0,
    T_K0,
    T_FH0,
    T_FM0,
    T_LAMBDA,
    T_ANGIO_B,
    T_ANGIO_D,
    T_VEGF_HYP,
    T_PROLIF_H,
    T_PROLIF_M,
    T_KEH,
    T_KHM,
    T_KHE,
    T_KMH,
    T_EMT_HYP,
    T_EMIT_M,
    T_EMIT_ALPHA,
    T_HYB_W,
    T_EMIT_STROMA,
    T_CLUSTER_FRAC,
    T_SURV_SINGLE,
    T_SURV_CLUSTER,
    T_CLUSTER_GAIN,
    T_EXTRAV_BASE,
    T_DORM_ENTRY,
    T_DORM_CLEAR,
    T_WAKE,
    T_L_BIRTH,
    T_L_LAMBDA,
    T_L_K0,
    T_L_ANGIO_B,
    T_L_ANGIO_D,
    T_STOCH_THR,
    T_L_IMMUNE,
    T_L_PHI,
    T_LETHAL_TOTAL,
    T_MAX_LESIONS,
    T_NK_SHARE_SINGLE,
    T_NK_SHARE_CLUSTER,
    T_DORM_ODE,
    T_L_ODE_STEP,
    T_RES_MU,
    T_RES_COST,
    T_RES_F0,
    T_CASCADE_STEP,
    T_L_AVASC,
    T_L_ESCAPE,
) = range(len(THETA_NAMES))

ORGAN_PAR_NAMES = ("extravasation_weight", "wake_multiplier", "growth_multiplier", "lethal_cells")
(O_EXTRAV_W, O_WAKE_MULT, O_GROWTH_MULT, O_LETHAL) = range(len(ORGAN_PAR_NAMES))

MODIFIER_NAMES = (
    "growth",
    "angiogenesis",
    "emt_forward",
    "emission",
    "nk_kill",
    "dormancy_clearance",
    "wake",
    "extra_death_per_day",
    "lesion_immune_per_day",
)
"""Named rates therapies act on: multipliers (default 1), then additive hazards (default 0)."""
(
    M_GROWTH,
    M_ANGIO,
    M_EMT,
    M_EMISSION,
    M_NK,
    M_CLEAR,
    M_WAKE,
    M_KILL,
    M_IMMUNE,
) = range(len(MODIFIER_NAMES))
MODIFIER_DEFAULTS = np.array([1, 1, 1, 1, 1, 1, 1, 0, 0], dtype=np.float64)

KILL_PRIMARY = -1
KILL_ALL_LESIONS = -2
KILL_EVERYTHING = -3

N_ORGANS = len(ORGANS)
"""Length of every organ axis the kernel reads (organ_par columns, both axes of arrival)."""

ARRIVAL_ROW_TOLERANCE = 1e-9
"""Rounding allowed above 1 in a row of the arrival matrix (probabilities per shed cell)."""

_KILL_CODE_NAMES = {
    KILL_PRIMARY: "KILL_PRIMARY",
    KILL_ALL_LESIONS: "KILL_ALL_LESIONS",
    KILL_EVERYTHING: "KILL_EVERYTHING",
}


# ---------------------------------------------------------------------------- boundary checks
# The compiled kernel trusts its arrays: a wrong dtype, shape or value there reads past an
# array or runs on garbage without a word. Everything handed to it is checked here, once, when
# `Schedule` and `KernelInputs` are built (and by `check_theta`, `check_thetas` and
# `check_observation_days` for the per-patient arrays of a batch).


class KernelInputError(ValueError):
    """A malformed kernel input; the message names the input, what it got and what was expected.

    `name` is the array or field (with the index of the offending element where there is one),
    `got` what was found there and `expected` what the kernel needs.
    """

    def __init__(self, name: str, got: str, expected: str) -> None:
        super().__init__(f"{name}: got {got}; expected {expected}")
        self.name = name
        self.got = got
        self.expected = expected

    def __reduce__(self) -> tuple[type[KernelInputError], tuple[str, str, str]]:
        """Pickle with the three parts, so the error survives a trip between processes."""
        return (type(self), (self.name, self.got, self.expected))


def _num(value: object) -> str:
    """A number as an error message shows it (full precision, no numpy wrapper)."""
    if isinstance(value, np.bool_ | bool):
        return str(bool(value))
    if isinstance(value, np.integer | int):
        return str(int(value))
    if isinstance(value, np.floating | float):
        return repr(float(value))
    return repr(value)


def _bound(x: float) -> str:
    """A bound as an error message shows it: 1 rather than 1.0, 2147483647 rather than 2.1e9."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _at(idx: tuple[int, ...]) -> str:
    """`[i]` or `[i, j]`: where in an array an offending element sits."""
    return "[" + ", ".join(str(i) for i in idx) + "]"


def _first_false(ok: np.ndarray) -> tuple[int, ...]:
    """Index (C order) of the first False of a boolean array that has one."""
    flat = int(np.argmin(ok.ravel()))
    return tuple(int(i) for i in np.unravel_index(flat, ok.shape))


class ValueRange(NamedTuple):
    """The values a kernel number may take: bounds, openness, +inf and integrality.

    `what` names the quantity in error messages ("number", "multiplier", ...).
    """

    lo: float = -math.inf
    hi: float = math.inf
    lo_open: bool = False
    hi_open: bool = False
    inf_ok: bool = False
    integer: bool = False
    what: str = "number"

    def holds(self, a: np.ndarray) -> np.ndarray:
        """Elementwise: does each value of the float array `a` lie in the range?"""
        with np.errstate(invalid="ignore"):
            ok = ~np.isnan(a)
            if not self.inf_ok:
                ok &= np.isfinite(a)
            if self.lo > -math.inf:
                ok &= (a > self.lo) if self.lo_open else (a >= self.lo)
            if self.hi < math.inf:
                ok &= (a < self.hi) if self.hi_open else (a <= self.hi)
            if self.integer:
                ok &= a == np.floor(a)
        return ok

    def expected(self) -> str:
        """The range in words, e.g. 'a finite number in [0, 1]' or 'a number > 0 (inf allowed)'."""
        kind = f"a whole {self.what}" if self.integer else f"a {self.what}"
        if not self.inf_ok:
            kind = kind.replace("a ", "a finite ", 1)
        has_lo, has_hi = self.lo > -math.inf, self.hi < math.inf
        if has_lo and has_hi:
            left = "(" if self.lo_open else "["
            right = ")" if self.hi_open else "]"
            text = f"{kind} in {left}{_bound(self.lo)}, {_bound(self.hi)}{right}"
        elif has_lo:
            text = f"{kind} {'>' if self.lo_open else '>='} {_bound(self.lo)}"
        elif has_hi:
            text = f"{kind} {'<' if self.hi_open else '<='} {_bound(self.hi)}"
        else:
            text = kind
        return text + (" (inf allowed)" if self.inf_ok else "")


_NONNEG = ValueRange(lo=0.0)
_POSITIVE = ValueRange(lo=0.0, lo_open=True)
_FRACTION = ValueRange(lo=0.0, hi=1.0)
_DAY = ValueRange(lo=0.0, what="time (days)")
_MULTIPLIER = ValueRange(lo=0.0, what="multiplier")
_HAZARD = ValueRange(lo=0.0, what="hazard (1/day)")

THETA_RANGES: dict[str, ValueRange] = {
    name: _NONNEG for name in THETA_NAMES
} | {
    "dt_days": _POSITIVE,
    "t_end_days": _POSITIVE,
    "record_interval_days": _POSITIVE,
    "initial_cells": _POSITIVE,
    "initial_capacity_cells": _POSITIVE,
    "initial_fraction_hybrid": _FRACTION,
    "initial_fraction_mesenchymal": _FRACTION,
    "lesion_escape_probability": _FRACTION,
    "emission_exponent": ValueRange(),
    "cluster_cell_fraction": _FRACTION,
    "ctc_survival_single": _FRACTION,
    "ctc_survival_cluster": _FRACTION,
    "extravasation_base": _FRACTION,
    "dormancy_entry": _FRACTION,
    "lesion_birth_per_day": _POSITIVE,
    "lesion_initial_capacity_cells": _POSITIVE,
    "stochastic_threshold_cells": ValueRange(lo=1.0),
    "lesion_invasive_fraction": _FRACTION,
    "lethal_total_cells": ValueRange(lo=0.0, lo_open=True, inf_ok=True),
    "max_lesions": ValueRange(lo=1.0, hi=float(np.iinfo(np.int32).max), integer=True),
    "dormancy_ode_threshold": ValueRange(lo=1.0),
    "lesion_ode_step_days": _POSITIVE,
    "resistance_mutation_per_division": _FRACTION,
    "resistance_fitness_cost": _FRACTION,
    "initial_resistant_fraction": _FRACTION,
    "cascade_step_days": _POSITIVE,
}
"""Values the kernel accepts for each entry of theta (rates ≥ 0 and finite unless listed).

Step lengths, follow-up, sizes, capacities and the division rate of colony cells (a divisor)
are > 0; fractions and probabilities in [0, 1]; the total lethal burden may be +inf (no
limit); `max_lesions` is a whole number of lesion slots that an int32 lesion id can count.
"""

_ORGAN_PAR_RANGES = {
    O_EXTRAV_W: ValueRange(lo=0.0, what="weight"),
    O_WAKE_MULT: ValueRange(lo=0.0, what="multiplier"),
    O_GROWTH_MULT: ValueRange(lo=0.0, what="multiplier"),
    O_LETHAL: ValueRange(lo=0.0, lo_open=True, inf_ok=True, what="burden (cells)"),
}


def _as_array(value: object, name: str, ndim: int) -> np.ndarray:
    """`value` as a numpy array of `ndim` dimensions (no dtype conversion yet)."""
    try:
        a = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise KernelInputError(
            name, f"a {type(value).__name__} that is not an array ({exc})", f"a {ndim}-D array"
        ) from None
    if a.ndim != ndim:
        raise KernelInputError(
            name, f"a {a.ndim}-D {a.dtype} array of shape {a.shape}", f"a {ndim}-D array"
        )
    return a


def as_float64(value: object, name: str, ndim: int = 1) -> np.ndarray:
    """`value` as a C-contiguous float64 array of `ndim` dimensions; raises KernelInputError.

    Integers and narrower floats are converted when float64 holds them exactly; booleans,
    complex numbers, text and objects are refused. An array that is already C-contiguous
    float64 is returned as it is (the same object).
    """
    a = _as_array(value, name, ndim)
    kind = a.dtype.kind
    if kind not in "fiu":
        raise KernelInputError(name, f"{a.dtype} values", "float64 numbers")
    # only 64-bit integers and extended floats can hold values that float64 does not
    if (kind in "iu" and a.dtype.itemsize >= 8) or (kind == "f" and a.dtype.itemsize > 8):
        with np.errstate(invalid="ignore", over="ignore"):
            back = a.astype(np.float64).astype(a.dtype)
        ok = (back == a) | (np.isnan(a) if kind == "f" else False)
        if not ok.all():
            idx = _first_false(np.asarray(ok))
            raise KernelInputError(
                f"{name}{_at(idx)}", f"{_num(a[idx])} ({a.dtype})",
                "a number that float64 holds exactly",
            )
    return np.ascontiguousarray(a, dtype=np.float64)


def as_int64(value: object, name: str, ndim: int = 1) -> np.ndarray:
    """`value` as a C-contiguous int64 array; raises KernelInputError.

    Integer arrays are converted when int64 holds them, float arrays when every value is a
    whole number; booleans and anything else are refused. An array that is already
    C-contiguous int64 is returned as it is.
    """
    a = _as_array(value, name, ndim)
    kind = a.dtype.kind
    if kind == "i":
        return np.ascontiguousarray(a, dtype=np.int64)
    if kind == "u":
        ok = a <= np.uint64(np.iinfo(np.int64).max)
    elif kind == "f":
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(a) & (a == np.trunc(a)) & (a >= -(2.0**63)) & (a < 2.0**63)
    else:
        raise KernelInputError(name, f"{a.dtype} values", "integers (int64)")
    if not ok.all():
        idx = _first_false(ok)
        raise KernelInputError(f"{name}{_at(idx)}", f"{_num(a[idx])} ({a.dtype})",
                               "an integer (int64)")
    return np.ascontiguousarray(a, dtype=np.int64)


def as_bool(value: object, name: str, ndim: int = 1) -> np.ndarray:
    """`value` as a C-contiguous bool array; numbers are converted when each is 0 or 1."""
    a = _as_array(value, name, ndim)
    kind = a.dtype.kind
    if kind == "b":
        return np.ascontiguousarray(a, dtype=np.bool_)
    if kind not in "fiu":
        raise KernelInputError(name, f"{a.dtype} values", "booleans")
    ok = (a == 0) | (a == 1)
    if not ok.all():
        idx = _first_false(ok)
        raise KernelInputError(f"{name}{_at(idx)}", f"{_num(a[idx])} ({a.dtype})",
                               "a boolean (True/False, or 0/1)")
    return np.ascontiguousarray(a, dtype=np.bool_)


def _check_range(a: np.ndarray, name: str, rng: ValueRange, label: str = "") -> None:
    """Raise KernelInputError at the first value of `a` outside `rng`."""
    ok = rng.holds(a)
    if not ok.all():
        idx = _first_false(ok)
        raise KernelInputError(f"{name}{_at(idx)}{label}", _num(a[idx]), rng.expected())


def _check_sorted(a: np.ndarray, name: str, strict: bool) -> None:
    """Raise KernelInputError where the 1-D array `a` first decreases (or repeats, if strict)."""
    if len(a) < 2:
        return
    step = np.diff(a)
    ok = step > 0.0 if strict else step >= 0.0
    if not ok.all():
        i = int(np.argmin(ok)) + 1
        raise KernelInputError(
            f"{name}[{i}]", f"{_num(a[i])} after {_num(a[i - 1])}",
            "strictly increasing times" if strict else "times in non-decreasing order",
        )


def _check_shape(a: np.ndarray, name: str, shape: tuple[int, ...], why: str) -> None:
    """Raise KernelInputError unless `a` has exactly `shape`."""
    if a.shape != shape:
        raise KernelInputError(name, f"shape {a.shape}", f"shape {shape} ({why})")


def _check_theta_values(a: np.ndarray, name: str) -> None:
    """Every entry of theta (1-D) or of each theta row (2-D) within THETA_RANGES."""
    ok = np.empty(a.shape, dtype=np.bool_)
    for j, n in enumerate(THETA_NAMES):
        ok[..., j] = THETA_RANGES[n].holds(a[..., j])
    if not ok.all():
        idx = _first_false(ok)
        col = THETA_NAMES[idx[-1]]
        raise KernelInputError(f"{name}{_at(idx)} ({col})", _num(a[idx]),
                               THETA_RANGES[col].expected())
    both = a[..., T_FH0] + a[..., T_FM0]
    over = np.atleast_1d(both > 1.0 + 1e-12)
    if over.any():
        i = int(np.argmax(over))
        where = f"{name}[{i}]" if a.ndim == 2 else name
        raise KernelInputError(
            f"{where} (initial_fraction_hybrid + initial_fraction_mesenchymal)",
            _num(np.atleast_1d(both)[i]), "a sum <= 1 (they are shares of the primary)",
        )


def check_theta(theta: object, name: str = "theta") -> np.ndarray:
    """One patient's scalar parameters, checked: 1-D float64 of length len(THETA_NAMES), each
    entry within THETA_RANGES. Returns the (converted) array; raises KernelInputError."""
    a = as_float64(theta, name, ndim=1)
    _check_shape(a, name, (len(THETA_NAMES),), "one entry per THETA_NAMES")
    _check_theta_values(a, name)
    return a


def check_thetas(thetas: object, n_patients: int | None = None, name: str = "thetas") -> np.ndarray:
    """Per-patient theta rows, checked: 2-D float64 (patients, len(THETA_NAMES)), every row as
    `check_theta`; `n_patients`, if given, is the number of rows required."""
    a = as_float64(thetas, name, ndim=2)
    rows = a.shape[0] if n_patients is None else n_patients
    _check_shape(a, name, (rows, len(THETA_NAMES)),
                 "one row per patient, one column per THETA_NAMES")
    _check_theta_values(a, name)
    return a


def check_organ_par(organ_par: object, name: str) -> np.ndarray:
    """An organ table, checked: 2-D float64 (len(ORGAN_PAR_NAMES), N_ORGANS), each row in its
    range (weights and multipliers >= 0, lethal burdens > 0)."""
    a = as_float64(organ_par, name, ndim=2)
    _check_shape(a, name, (len(ORGAN_PAR_NAMES), N_ORGANS),
                 "one row per ORGAN_PAR_NAMES, one column per organ")
    for row, rng in _ORGAN_PAR_RANGES.items():
        ok = rng.holds(a[row])
        if not ok.all():
            o = int(np.argmin(ok))
            raise KernelInputError(f"{name}[{row}, {o}] ({ORGAN_PAR_NAMES[row]}, {ORGANS[o]})",
                                   _num(a[row, o]), rng.expected())
    return a


def check_organ_pars(tables: object, n_patients: int, name: str = "organ_pars") -> np.ndarray:
    """Per-patient organ tables, checked: 3-D float64 (patients, rows, organs), each table as
    `check_organ_par`."""
    a = as_float64(tables, name, ndim=3)
    _check_shape(a, name, (n_patients, len(ORGAN_PAR_NAMES), N_ORGANS),
                 "one organ table per patient")
    for i in range(n_patients):
        check_organ_par(a[i], f"{name}[{i}]")
    return a


def check_observation_days(t_days: object, name: str = "observe_t_days") -> np.ndarray:
    """Scan days (days since t = 0), checked: 1-D float64, finite, >= 0, in non-decreasing
    order. Returns the (converted) array; raises KernelInputError."""
    a = as_float64(t_days, name, ndim=1)
    _check_range(a, name, _DAY)
    _check_sorted(a, name, strict=False)
    return a


def _check_modifier_rows(v: np.ndarray, name: str, segments: int) -> None:
    """Modifier rows: (segments, len(MODIFIER_NAMES)), multipliers and hazards finite and >= 0."""
    _check_shape(v, name, (segments, len(MODIFIER_NAMES)),
                 "one row per segment of mod_t_days, one column per MODIFIER_NAMES")
    for j, n in enumerate(MODIFIER_NAMES):
        rng = _MULTIPLIER if MODIFIER_DEFAULTS[j] == 1.0 else _HAZARD
        ok = rng.holds(v[:, j])
        if not ok.all():
            i = int(np.argmin(ok))
            raise KernelInputError(f"{name}[{i}, {j}] ({n})", _num(v[i, j]), rng.expected())


def _check_kill_targets(target: np.ndarray, name: str) -> None:
    """Kill targets: an organ index or one of the KILL_* codes."""
    ok = ((target >= 0) & (target < N_ORGANS)) | np.isin(target, list(_KILL_CODE_NAMES))
    if not ok.all():
        i = int(np.argmin(ok))
        codes = ", ".join(f"{c} ({k})" for k, c in _KILL_CODE_NAMES.items())
        raise KernelInputError(
            f"{name}[{i}]", _num(target[i]),
            f"an organ index 0..{N_ORGANS - 1} or {codes}",
        )


@dataclass
class Schedule:
    """Therapy input to the kernel: modifier segments and instantaneous kills.

    `mod_t_days[i]` is when segment i starts (first is 0); `mod_values[i]` its modifier row.
    Kills remove all but `kill_surviving_fraction` of the cells of a target (primary = −1, an
    organ's lesions = organ index, all lesions = −2, everything = −3) at `kill_t_days`.
    The resistant clone (if the scenario has one) sees `mod_values_resistant` (None: the same
    rows) for growth, kill and lesion immune hazard, and is untouched by kills flagged in
    `kill_spares_resistant`.
    """

    mod_t_days: np.ndarray = field(default_factory=lambda: np.zeros(1))
    mod_values: np.ndarray = field(default_factory=lambda: MODIFIER_DEFAULTS[None, :].copy())
    kill_t_days: np.ndarray = field(default_factory=lambda: np.zeros(0))
    kill_target: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    kill_surviving_fraction: np.ndarray = field(default_factory=lambda: np.zeros(0))
    kill_dormant: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    mod_values_resistant: np.ndarray | None = None
    kill_spares_resistant: np.ndarray | None = None

    def __post_init__(self) -> None:
        """Check the schedule as it is built (see `validate`)."""
        self.validate()

    def validate(self) -> None:
        """Convert every array to the dtype the kernel reads and check shapes and values.

        float64: times (days), modifier rows, surviving fractions; int64: kill targets; bool:
        the kill flags. Arrays that already have their dtype are kept as they are. Raises
        KernelInputError naming the array, the offending value and what was expected.
        """
        t = as_float64(self.mod_t_days, "Schedule.mod_t_days")
        if len(t) == 0:
            raise KernelInputError("Schedule.mod_t_days", "an empty array",
                                   "at least one segment start, the first at day 0")
        _check_range(t, "Schedule.mod_t_days", _DAY)
        if t[0] != 0.0:
            raise KernelInputError("Schedule.mod_t_days[0]", _num(t[0]),
                                   "0.0 (the first segment starts at day 0)")
        _check_sorted(t, "Schedule.mod_t_days", strict=True)
        v = as_float64(self.mod_values, "Schedule.mod_values", ndim=2)
        _check_modifier_rows(v, "Schedule.mod_values", len(t))
        vr = None
        if self.mod_values_resistant is not None:
            vr = as_float64(self.mod_values_resistant, "Schedule.mod_values_resistant", ndim=2)
            _check_modifier_rows(vr, "Schedule.mod_values_resistant", len(t))

        kt = as_float64(self.kill_t_days, "Schedule.kill_t_days")
        target = as_int64(self.kill_target, "Schedule.kill_target")
        frac = as_float64(self.kill_surviving_fraction, "Schedule.kill_surviving_fraction")
        dormant = as_bool(self.kill_dormant, "Schedule.kill_dormant")
        spares = None
        if self.kill_spares_resistant is not None:
            spares = as_bool(self.kill_spares_resistant, "Schedule.kill_spares_resistant")
        for name, arr in (("kill_target", target), ("kill_surviving_fraction", frac),
                          ("kill_dormant", dormant), ("kill_spares_resistant", spares)):
            if arr is not None and len(arr) != len(kt):
                raise KernelInputError(f"Schedule.{name}", f"length {len(arr)}",
                                       f"length {len(kt)} (one entry per kill, as kill_t_days)")
        _check_range(kt, "Schedule.kill_t_days", _DAY)
        _check_sorted(kt, "Schedule.kill_t_days", strict=False)
        _check_kill_targets(target, "Schedule.kill_target")
        _check_range(frac, "Schedule.kill_surviving_fraction", _FRACTION)

        self.mod_t_days, self.mod_values, self.mod_values_resistant = t, v, vr
        self.kill_t_days, self.kill_target, self.kill_surviving_fraction = kt, target, frac
        self.kill_dormant, self.kill_spares_resistant = dormant, spares

    def resistant_rows(self) -> np.ndarray:
        """Modifier rows of the resistant clone, one per segment."""
        if self.mod_values_resistant is None:
            return self.mod_values
        return self.mod_values_resistant

    def spares(self) -> np.ndarray:
        """Per kill: True where the resistant clone is spared."""
        if self.kill_spares_resistant is None:
            return np.zeros(len(self.kill_t_days), dtype=np.bool_)
        return self.kill_spares_resistant


@dataclass(frozen=True)
class KernelInputs:
    """Everything the kernel needs for one scenario (shared by all patients of a batch)."""

    theta: np.ndarray
    organ_par: np.ndarray
    arrival: np.ndarray
    primary_site: int
    observe_t_days: np.ndarray
    years: float
    primary_shed_per_day: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Primary emission (cells/day) per engine step while a spatial run supplies it; empty
    when the compartment law m·N^α·φ applies throughout."""

    def __post_init__(self) -> None:
        """Convert the arrays to the kernel's dtypes and check them; raises KernelInputError.

        theta: as `check_theta`; organ_par: (len(ORGAN_PAR_NAMES), N_ORGANS), weights and
        multipliers finite and >= 0, lethal burdens > 0 (inf: none); arrival: (N_ORGANS,
        N_ORGANS), finite, >= 0, each row summing to at most 1; primary_site: an organ index;
        observe_t_days: as `check_observation_days`; years: finite and > 0;
        primary_shed_per_day: 1-D, finite, >= 0 (cells/day).
        """
        theta = check_theta(self.theta, "KernelInputs.theta")
        organ_par = check_organ_par(self.organ_par, "KernelInputs.organ_par")
        arrival = as_float64(self.arrival, "KernelInputs.arrival", ndim=2)
        _check_shape(arrival, "KernelInputs.arrival", (N_ORGANS, N_ORGANS),
                     "source organ × target organ")
        _check_range(arrival, "KernelInputs.arrival", ValueRange(lo=0.0, what="probability"))
        sums = arrival.sum(axis=1)
        over = sums > 1.0 + ARRIVAL_ROW_TOLERANCE
        if over.any():
            i = int(np.argmax(over))
            raise KernelInputError(f"KernelInputs.arrival[{i}] (row sum, from {ORGANS[i]})",
                                   _num(sums[i]), "at most 1 (arrival probabilities per cell)")
        site = self.primary_site
        if isinstance(site, bool | np.bool_):
            raise KernelInputError("KernelInputs.primary_site", _num(site), "an organ index")
        if isinstance(site, float | np.floating) and float(site).is_integer():
            site = int(site)
        try:
            site = operator.index(site)
        except TypeError:
            raise KernelInputError("KernelInputs.primary_site", f"{site!r}",
                                   "an organ index (int)") from None
        if not 0 <= site < N_ORGANS:
            raise KernelInputError("KernelInputs.primary_site", _num(site),
                                   f"an organ index 0..{N_ORGANS - 1}")
        observe = check_observation_days(self.observe_t_days, "KernelInputs.observe_t_days")
        years = self.years
        if isinstance(years, bool) or not isinstance(years, numbers.Real) \
                or not math.isfinite(years) or years <= 0:
            raise KernelInputError("KernelInputs.years", f"{years!r}",
                                   "a finite number of years > 0")
        shed = as_float64(self.primary_shed_per_day, "KernelInputs.primary_shed_per_day")
        _check_range(shed, "KernelInputs.primary_shed_per_day",
                     ValueRange(lo=0.0, what="emission (cells/day)"))
        for name, value in (("theta", theta), ("organ_par", organ_par), ("arrival", arrival),
                            ("primary_site", int(site)), ("observe_t_days", observe),
                            ("primary_shed_per_day", shed)):
            object.__setattr__(self, name, value)


GENOTYPE_NETWORK_CLAMPS = {
    ("TP53", "loss"): ("p53", 0),
    ("KRAS", "mutant"): ("ERK", 1),
    ("CDH1", "methylated"): ("CDH1", 0),
}
"""How an allele clamps a node of the Cohen et al. 2015 network (MYC has no node there)."""


def emt_genotype_multiplier(s: Scenario, table: dict[str, float]) -> float:
    """Multiplier of forward EMT for the scenario's genotype, by table or Boolean network.

    The network's propensities are computed once per (network, clamps, phenotype) in a
    process (`boolean_propensity`), so building many patients' inputs runs it once.
    """
    if s.emt.propensity == "table":
        return table["emt"]
    alleles = s.genotype.model_dump()
    clamps = tuple(sorted(
        GENOTYPE_NETWORK_CLAMPS[(gene, state)]
        for gene, state in alleles.items()
        if (gene, state) in GENOTYPE_NETWORK_CLAMPS
    ))
    phen = s.emt.boolean_phenotype
    mutant = boolean_propensity(s.emt.boolean_network, clamps, phen)
    wild = boolean_propensity(s.emt.boolean_network, (), phen)
    if wild <= 0.0:
        raise ValueError(f"emt.boolean_phenotype {phen!r} is never reached by the wild type")
    return mutant / wild


@lru_cache(maxsize=256)
def boolean_propensity(network: str, clamps: tuple[tuple[str, int], ...], phenotype: str) -> float:
    """Share of trajectories of a Boolean network that reach `phenotype` (dimensionless).

    `network` is a bundled network name or a .bnd path, `clamps` the (node, value) pairs
    held fixed, sorted by node. Runs the network (models/boolean) once per argument tuple in a
    process; `clear_input_caches` forgets the results.
    """
    from metastasis.models.boolean.propensity import genotype_propensities

    return genotype_propensities(dict(clamps), network=network, phenotypes=(phenotype,))[phenotype]


def imaging_times(scenario: Scenario, t_end_days: float) -> np.ndarray:
    """Days of scheduled scans within follow-up."""
    img = scenario.clinical.imaging
    return np.arange(img.start_day, t_end_days + 1e-9, img.interval_days, dtype=np.float64)


def build_inputs(scenario: Scenario, years: float | None = None) -> KernelInputs:
    """Flatten a scenario into kernel arrays; `years` overrides the scenario's follow-up.

    Pure after the first call for a scenario: the Boolean network (`emt.propensity =
    "boolean"`) and the spatial run (`intravasation.source = "spatial"`) are computed or read
    once per process and cached, so a trial can call this once per patient draw.
    """
    s = scenario
    years = s.time.years if years is None else years
    g = genotype_multipliers(s.genotype.model_dump())
    clock = s.colonisation.growth_clock
    me = s.microenvironment
    stroma = stromal_invasion_multiplier(
        me.tam_density, me.caf_density, me.tam_invasion_gain, me.caf_invasion_gain
    )
    drive = signal_drive(
        me.tgf_beta, me.wnt, me.notch, s.emt.tgf_beta_exponent, s.emt.wnt_exponent,
        s.emt.notch_exponent,
    )
    fwd = drive * max(stroma, 0.0) * emt_genotype_multiplier(s, g) * (1.0 - s.emt.suppression)
    c = s.circulation
    surv_single = ctc_survival(
        c.transit_hours, c.shear_death_per_hour, c.nk_kill_per_hour, c.platelet_cloaking,
        c.pdl1_positive_fraction, c.pdl1_protection, 0.0,
    )
    surv_cluster = ctc_survival(
        c.transit_hours, c.shear_death_per_hour, c.nk_kill_per_hour, c.platelet_cloaking,
        c.pdl1_positive_fraction, c.pdl1_protection, c.cluster_protection,
    )
    # share of the log-survival due to NK killing, so an NK modifier can rescale it in the kernel
    nk_share_single = _nk_share(s, 0.0)
    nk_share_cluster = _nk_share(s, c.cluster_protection)
    t_end = years * DAYS_PER_YEAR
    values = {
        "dt_days": s.time.dt_days,
        "t_end_days": t_end,
        "record_interval_days": s.time.record_interval_days,
        "initial_cells": s.primary.initial_cells,
        "initial_capacity_cells": s.primary.initial_capacity_cells,
        "initial_fraction_hybrid": s.emt.initial_fraction_hybrid,
        "initial_fraction_mesenchymal": s.emt.initial_fraction_mesenchymal,
        "gompertz_rate_per_day": s.primary.gompertz_rate_per_day * g["growth"],
        "angio_b_per_day": s.primary.angiogenic_stimulation_per_day * g["angiogenesis"],
        "angio_d_per_day": s.primary.angiogenic_inhibition_per_day,
        "vegf_hypoxia_gain": s.primary.vegf_hypoxia_gain,
        "proliferation_hybrid": s.primary.proliferation_hybrid,
        "proliferation_mesenchymal": s.primary.proliferation_mesenchymal,
        "k_eh_per_day": s.emt.e_to_hybrid_per_day * fwd,
        "k_hm_per_day": s.emt.hybrid_to_m_per_day * fwd,
        "k_he_per_day": s.emt.hybrid_to_e_per_day * g["met"],
        "k_mh_per_day": s.emt.m_to_hybrid_per_day * g["met"],
        "emt_hypoxia_gain": me.hypoxia_emt_gain,
        "emission_coefficient": s.intravasation.emission_coefficient,
        "emission_exponent": s.intravasation.emission_exponent,
        "hybrid_weight": s.intravasation.hybrid_weight,
        "emission_stroma_multiplier": max(stroma, 0.0) if s.intravasation.tme_gain_applies else 1.0,
        "cluster_cell_fraction": s.intravasation.cluster_cell_fraction,
        "ctc_survival_single": surv_single,
        "ctc_survival_cluster": surv_cluster,
        "cluster_colonisation_gain": s.extravasation.cluster_colonisation_gain,
        "extravasation_base": s.extravasation.base_probability,
        "dormancy_entry": s.dormancy.entry_probability,
        "dormancy_clearance_per_day": s.dormancy.clearance_per_day * g["dormancy_clearance"],
        "wake_per_day": s.dormancy.wake_per_day * g["wake"],
        "lesion_birth_per_day": s.colonisation.birth_per_day,
        "lesion_gompertz_rate_per_day": s.colonisation.gompertz_rate_per_day * g["growth"] * clock,
        "lesion_initial_capacity_cells": s.colonisation.initial_capacity_cells,
        "lesion_angio_b_per_day": (s.colonisation.angiogenic_stimulation_per_day
                                   * g["angiogenesis"] * clock),
        "lesion_angio_d_per_day": s.colonisation.angiogenic_inhibition_per_day * clock,
        "stochastic_threshold_cells": s.colonisation.stochastic_threshold_cells,
        "lesion_immune_kill_per_day": s.colonisation.immune_kill_per_day,
        "lesion_invasive_fraction": s.intravasation.lesion_invasive_fraction,
        "lethal_total_cells": s.burden.lethal_total_cells,
        "max_lesions": float(s.colonisation.max_lesions),
        "ctc_nk_share_single": nk_share_single,
        "ctc_nk_share_cluster": nk_share_cluster,
        "dormancy_ode_threshold": s.dormancy.ode_threshold_cells,
        "lesion_ode_step_days": s.time.lesion_ode_step_days,
        "resistance_mutation_per_division": s.resistance.mutation_per_division,
        "resistance_fitness_cost": s.resistance.fitness_cost,
        "cascade_step_days": s.time.cascade_step_days,
        "initial_resistant_fraction": s.resistance.initial_fraction,
        "lesion_avascular_mean_days": s.colonisation.avascular_mean_days,
        "lesion_escape_probability": s.colonisation.avascular_escape_probability,
    }
    theta = np.array([values[n] for n in THETA_NAMES], dtype=np.float64)
    n_org = len(ORGANS)
    organ_par = np.ones((len(ORGAN_PAR_NAMES), n_org))
    for name, w in s.extravasation.organ_permeability.items():
        organ_par[O_EXTRAV_W, organ_index(name)] = w
    for name, w in s.dormancy.organ_weights.items():
        organ_par[O_WAKE_MULT, organ_index(name)] = w
    for name, w in s.colonisation.organ_growth_multipliers.items():
        organ_par[O_GROWTH_MULT, organ_index(name)] = w
    limits = np.array([o.lethal_burden_cells for o in organ_table()])
    if not s.burden.use_organ_limits:
        limits[:] = math.inf
    organ_par[O_LETHAL] = np.where(np.isnan(limits), math.inf, limits)
    return KernelInputs(
        theta=theta,
        organ_par=organ_par,
        arrival=np.ascontiguousarray(arrival_matrix()),
        primary_site=organ_index(s.primary_site),
        observe_t_days=imaging_times(s, t_end),
        years=years,
        primary_shed_per_day=spatial_emission(s),
    )


@dataclass(frozen=True)
class SpatialSeries:
    """The intravasations of a spatial run, as the engine consumes them (read-only arrays)."""

    t_days: np.ndarray
    """Time of each intravasation event (days since the start of the run)."""
    cells: np.ndarray
    """Cells that entered the blood at each event (float64)."""
    span_days: float
    """Simulated span of the run (days)."""


def spatial_series(s: Scenario) -> SpatialSeries | None:
    """The spatial run a scenario's primary emission comes from; None when the law applies.

    A run made on the fly is simulated once per (preset, steps, seed) in a process; a saved
    run folder is read once per version of its files (path, size and modification time of
    `params.json` and `intravasations.parquet`), so building many patients' inputs runs or
    reads it once. `clear_input_caches` forgets both.
    """
    iv = s.intravasation
    if iv.source == "law":
        return None
    if iv.spatial_run is None:
        return _simulated_spatial_series(iv.spatial_preset, iv.spatial_steps, iv.spatial_seed)
    folder = os.path.abspath(iv.spatial_run)
    try:
        stamp = tuple(
            (st.st_size, st.st_mtime_ns)
            for st in (os.stat(os.path.join(folder, f)) for f in _SPATIAL_RUN_FILES)
        )
    except OSError:
        # let the reader raise its own error about the missing or unreadable folder
        return _read_spatial_series(folder)
    return _saved_spatial_series(folder, stamp)


_SPATIAL_RUN_FILES = ("params.json", "intravasations.parquet")
"""Files of a saved spatial run that the engine reads (their versions key the cache)."""


@lru_cache(maxsize=16)
def _simulated_spatial_series(preset: str, steps: int, seed: int) -> SpatialSeries:
    """Run a spatial preset for `steps` steps with `seed` and keep its intravasations."""
    from metastasis.spatial import intravasation_series, load_preset, run_spatial

    run = run_spatial(load_preset(preset), steps=steps, seed=seed)
    return _frozen_series(intravasation_series(run), run.steps * run.params.grid.step_days)


@lru_cache(maxsize=16)
def _saved_spatial_series(folder: str, stamp: tuple[tuple[int, int], ...]) -> SpatialSeries:
    """The intravasations of a saved run folder; `stamp` (file sizes and mtimes) keys the cache."""
    return _read_spatial_series(folder)


def _read_spatial_series(folder: str) -> SpatialSeries:
    """Read the intravasations and span of a run folder written by `SpatialRun.save`."""
    from metastasis.spatial import intravasation_series

    series = intravasation_series(folder)
    meta = json.loads((Path(folder) / "params.json").read_text())
    return _frozen_series(series, float(meta["steps"]) * float(meta["step_days"]))


def _frozen_series(series: pd.DataFrame, span_days: float) -> SpatialSeries:
    """A SpatialSeries with read-only arrays from an `intravasation_series` table."""
    t_days = series.t_days.to_numpy().copy()
    cells = series.cells.to_numpy(dtype=np.float64).copy()
    t_days.setflags(write=False)
    cells.setflags(write=False)
    return SpatialSeries(t_days=t_days, cells=cells, span_days=span_days)


def clear_input_caches() -> None:
    """Forget the cached Boolean-network propensities and spatial runs (e.g. after editing a
    network file in place)."""
    boolean_propensity.cache_clear()
    _simulated_spatial_series.cache_clear()
    _saved_spatial_series.cache_clear()


def spatial_emission(s: Scenario) -> np.ndarray:
    """Per-step primary emission (cells/day) from a spatial run, when the scenario asks for one.

    Hand-over: the spatial run starts with the primary tumour (t = 0 of both). For every
    engine step within the run's simulated span, the primary sheds exactly the cells that
    intravasated in the spatial run during that step (all of them, single cells and clusters,
    divided by the step length); the compartment law m·N^α·φ takes over from the first step
    after the span. Therapy emission modifiers act on both. The run itself comes from
    `spatial_series` (cached); the binning here is pure.
    """
    series = spatial_series(s)
    if series is None:
        return np.zeros(0)
    dt = s.time.dt_days
    n_steps = int(math.ceil(series.span_days / dt - 1e-9))
    counts = np.zeros(n_steps)
    idx = np.minimum((series.t_days / dt).astype(np.int64), n_steps - 1)
    np.add.at(counts, idx, series.cells)
    return counts / dt


def _nk_free_survival(s: Scenario, protection: float) -> float:
    c = s.circulation
    return ctc_survival(
        c.transit_hours, c.shear_death_per_hour, 0.0, c.platelet_cloaking,
        c.pdl1_positive_fraction, c.pdl1_protection, protection,
    )


def _nk_share(s: Scenario, protection: float) -> float:
    """−ln(survival) attributable to NK killing (so the kernel can scale it by a modifier)."""
    c = s.circulation
    full = ctc_survival(
        c.transit_hours, c.shear_death_per_hour, c.nk_kill_per_hour, c.platelet_cloaking,
        c.pdl1_positive_fraction, c.pdl1_protection, protection,
    )
    return math.log(_nk_free_survival(s, protection)) - math.log(full)
