"""Compile the effects of a patient's therapy courses into the engine's `Schedule`.

The therapy layer says what each course does (`therapy.Effects`) without knowing the engine;
this module, above both, writes those effects in the engine's terms (modifier rows, kill
target codes). Multipliers of courses acting at once multiply; hazards add. Segment boundaries are the
union of every pulse's start and end; consecutive equal rows are merged. All times are
shifted by the patient's anchor (diagnosis day since the first malignant cell).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from metastasis.anatomy.organs import ORGANS
from metastasis.engine.params import (
    KILL_ALL_LESIONS,
    KILL_EVERYTHING,
    KILL_PRIMARY,
    MODIFIER_DEFAULTS,
    MODIFIER_NAMES,
    Schedule,
)
from metastasis.therapy.base import HAZARD_RATES, Effects, Kill, ModifierPulse

_TARGETS = {"primary": KILL_PRIMARY, "all_lesions": KILL_ALL_LESIONS,
            "everything": KILL_EVERYTHING}


def kill_target_code(target: str) -> int:
    """Engine code of a kill target name."""
    if target in _TARGETS:
        return _TARGETS[target]
    return ORGANS.index(target)


def _rows(pulses: Sequence[ModifierPulse], bounds: np.ndarray, resistant: bool) -> np.ndarray:
    rows = np.repeat(MODIFIER_DEFAULTS[None, :], len(bounds), axis=0)
    for p in pulses:
        if resistant and p.clone_escapes:
            continue
        j = MODIFIER_NAMES.index(p.rate)
        sel = (bounds >= p.t0_days) & (bounds < p.t1_days)
        if p.rate in HAZARD_RATES:
            rows[sel, j] += p.value
        else:
            rows[sel, j] *= p.value
    return rows


def build_schedule(effects: Sequence[Effects], anchor_days: float = 0.0) -> Schedule:
    """One Schedule from the effects of all courses, times shifted by `anchor_days`."""
    pulses = [p for e in effects for p in e.pulses if p.t1_days > p.t0_days]
    kills: list[Kill] = sorted((k for e in effects for k in e.kills), key=lambda k: k.t_days)
    bounds = np.unique(np.array([0.0] + [t for p in pulses for t in (p.t0_days, p.t1_days)]))
    rows = _rows(pulses, bounds, resistant=False)
    rows_r = _rows(pulses, bounds, resistant=True)
    keep = np.ones(len(bounds), dtype=bool)
    keep[1:] = np.any(rows[1:] != rows[:-1], axis=1) | np.any(rows_r[1:] != rows_r[:-1], axis=1)
    t = bounds[keep] + anchor_days
    rows, rows_r = rows[keep], rows_r[keep]
    if anchor_days > 0.0 and np.any(rows[0] != MODIFIER_DEFAULTS):
        t = np.concatenate([[0.0], t])
        rows = np.vstack([MODIFIER_DEFAULTS, rows])
        rows_r = np.vstack([MODIFIER_DEFAULTS, rows_r])
    t[0] = 0.0
    same = np.array_equal(rows, rows_r)
    return Schedule(
        mod_t_days=t,
        mod_values=rows,
        mod_values_resistant=None if same else rows_r,
        kill_t_days=np.array([k.t_days + anchor_days for k in kills], dtype=np.float64),
        kill_target=np.array([kill_target_code(k.target) for k in kills], dtype=np.int64),
        kill_surviving_fraction=np.array([k.surviving_fraction for k in kills], dtype=np.float64),
        kill_dormant=np.array([k.dormant for k in kills], dtype=np.bool_),
        kill_spares_resistant=np.array([k.spares_resistant for k in kills], dtype=np.bool_),
    )
