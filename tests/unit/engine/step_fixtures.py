"""Small hand-built kernel states for the step tests (`test_steps.py`).

`make_state` builds one patient's containers the way `kernel.run_patient` does (settings,
output buffers, patient at t = 0) from the breast preset, with any theta entries, organ
parameters or modifiers overridden; the test then edits the live arrays by hand and calls
one step function on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from metastasis.engine import state
from metastasis.engine.layout import N_SUMMARY, N_TRAJ_FIXED
from metastasis.engine.params import MODIFIER_DEFAULTS, KernelInputs, build_inputs
from metastasis.engine.primary import initial_primary_array
from metastasis.engine.state import (
    L_ALIVE,
    L_BORN,
    L_SMALL,
    make_settings,
    new_output,
    new_patient,
    recorder,
)
from metastasis.engine.therapy_step import modifier_tuple
from metastasis.scenario import load_scenario


@lru_cache(maxsize=1)
def breast_inputs() -> KernelInputs:
    """The breast preset's kernel inputs over one year (built once)."""
    return build_inputs(load_scenario("breast"), years=1)


def mods_of(changes: dict[int, float] | None = None) -> tuple[float, ...]:
    """A modifier tuple: the defaults with the entries (M_* index → value) changed."""
    row = MODIFIER_DEFAULTS.copy()
    for k, v in (changes or {}).items():
        row[k] = v
    return modifier_tuple(row)


@dataclass
class State:
    """One patient's containers and the arrays a test edits."""

    theta: np.ndarray
    organ_par: np.ndarray
    arrival: np.ndarray
    site: int
    out_nt: state.Output
    out: object
    s: object
    pt: object
    les: object
    body: object
    cas: object
    primary: np.ndarray
    n_org: int


def make_state(theta: dict[int, float] | None = None,
               organ_par: dict[tuple[int, int], float] | None = None,
               max_les: int = 8, n_ev: int = 64, n_obs: int = 16, n_traj: int = 8) -> State:
    """A patient at t = 0 as `run_patient` builds it, the breast theta with `theta`
    entries (T_* index → value) and `organ_par` entries ((O_* row, organ) → value) changed."""
    inp = breast_inputs()
    th = inp.theta.copy()
    for k, v in (theta or {}).items():
        th[k] = v
    op = inp.organ_par.copy()
    for (row, o), v in (organ_par or {}).items():
        op[row, o] = v
    n_org = inp.arrival.shape[0]
    out_nt = new_output(n_ev, n_obs, n_traj, 1 + N_TRAJ_FIXED + 2 * n_org, max_les, N_SUMMARY)
    out = recorder(out_nt)
    s = (make_settings(th, op, inp.arrival, inp.primary_site, inp.primary_shed_per_day,
                               max_les))
    pt = new_patient(s, out, initial_primary_array(th))
    return State(th, op, inp.arrival, inp.primary_site, out_nt, out, s, pt, pt.les, pt.body,
                 pt.cas, pt.primary, n_org)


def put_lesion(st: State, organ: int, cells: float, cap: float, *, bucket: int | None = None,
               shed: float = 0.0, next_t: float = 0.0, switch_t: float = -np.inf,
               escapes: bool = True) -> int:
    """Place a living lesion in the next free slot by hand: small (on the small list, next
    event at `next_t`, free process) unless `bucket` is given (large, in that ODE bucket,
    shedding `shed` cells/day), its avascular phase ending on day `switch_t` in the switch
    (`escapes`) or in elimination. Adds it to the organ's running sums; returns its slot."""
    les = st.les
    n = les.n
    i = int(n[L_BORN])
    les.organ[i] = organ
    les.born[i] = 0.0
    les.end[i] = np.inf
    les.max_cells[i] = cells
    les.cells[i] = cells
    les.res[i] = 0.0
    les.cap[i] = cap
    les.alive[i] = True
    les.shed[i] = shed
    les.qcond[i] = -1.0
    les.next_t[i] = next_t
    les.switch_t[i] = switch_t
    les.escapes[i] = escapes
    les.alive_idx[n[L_ALIVE]] = i
    les.alive_pos[i] = n[L_ALIVE]
    n[L_ALIVE] += 1
    if bucket is None:
        les.sm_idx[n[L_SMALL]] = i
        les.sm_pos[i] = n[L_SMALL]
        n[L_SMALL] += 1
    else:
        k = int(les.bk_n[bucket])
        les.bk[bucket, k] = i
        les.bk_pos[i] = k
        les.bk_n[bucket] = k + 1
    les.organ_burden[organ] += cells
    les.organ_shed[organ] += shed
    n[L_BORN] = i + 1
    return i


def events(st: State) -> list[tuple[float, int, int, int, float]]:
    """The event rows written so far: (t, type, organ, lesion, value)."""
    o = st.out_nt
    k = int(o.ctr[0])
    return [(float(o.ev_t[j]), int(o.ev_type[j]), int(o.ev_organ[j]), int(o.ev_lesion[j]),
             float(o.ev_value[j])) for j in range(k)]
