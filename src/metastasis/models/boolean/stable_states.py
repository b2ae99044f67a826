"""Stable states (fixed points) of a Boolean network, with mutants.

A state is stable when no node can flip: every node that is off has ``rate_up == 0`` and
every node that is on has ``rate_down == 0``. For networks written with ``logic`` and the
usual rates (``@logic ? rate : 0``) these are exactly the states with ``x = f(x)``, which
are the fixed points of both the synchronous and the asynchronous update.

Two enumerators: :func:`stable_states_exhaustive` checks all ``2**n`` states (small
networks), :func:`stable_states` searches by backtracking with constraint propagation: each
node contributes a constraint over itself and its inputs; an assignment that leaves one
variable of a constraint free fixes (or refutes) it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from metastasis.models.boolean.compile import CompiledNetwork, compile_network
from metastasis.models.boolean.network import BooleanNetwork

MAX_EXHAUSTIVE_NODES = 24


class _Constraint:
    """Allowed joint values of ``scope`` (node indices), as a boolean table."""

    def __init__(self, scope: list[int], allowed: np.ndarray):
        self.scope = scope
        self.allowed = allowed


def _constraints(c: CompiledNetwork) -> list[_Constraint]:
    out = []
    for i in range(c.n_nodes):
        k = int(c.n_inputs[i])
        ins = [int(x) for x in c.inputs[i, :k]]
        scope = ins + ([i] if i not in ins else [])
        codes = np.arange(1 << len(scope))
        in_code = np.zeros_like(codes)
        for j in range(k):
            in_code |= ((codes >> j) & 1) << j
        self_bit = (codes >> scope.index(i)) & 1
        up = c.up[c.offsets[i] + in_code]
        down = c.down[c.offsets[i] + in_code]
        allowed = np.where(self_bit == 1, down == 0, up == 0)
        out.append(_Constraint(scope, allowed))
    return out


def _search(constraints: list[_Constraint], n: int) -> list[np.ndarray]:
    by_var: list[list[int]] = [[] for _ in range(n)]
    for ci, con in enumerate(constraints):
        for v in con.scope:
            by_var[v].append(ci)
    solutions: list[np.ndarray] = []

    def propagate(vals: np.ndarray, queue: list[int]) -> bool:
        while queue:
            ci = queue.pop()
            con = constraints[ci]
            free = [v for v in con.scope if vals[v] < 0]
            if len(free) > 1:
                continue
            base = sum(int(vals[v]) << p for p, v in enumerate(con.scope) if vals[v] >= 0)
            if not free:
                if not con.allowed[base]:
                    return False
                continue
            v = free[0]
            bit = 1 << con.scope.index(v)
            ok0, ok1 = bool(con.allowed[base]), bool(con.allowed[base | bit])
            if not (ok0 or ok1):
                return False
            if ok0 != ok1:
                vals[v] = 1 if ok1 else 0
                queue.extend(by_var[v])
        return True

    def branch(vals: np.ndarray) -> None:
        free = np.flatnonzero(vals < 0)
        if len(free) == 0:
            solutions.append(vals.copy())
            return
        v = max(free, key=lambda x: len(by_var[x]))
        for value in (0, 1):
            trial = vals.copy()
            trial[v] = value
            if propagate(trial, list(by_var[v])):
                branch(trial)

    start = -np.ones(n, dtype=np.int64)
    if propagate(start, list(range(len(constraints)))):
        branch(start)
    return solutions


def _to_frame(rows: list[np.ndarray] | np.ndarray, names: tuple[str, ...]) -> pd.DataFrame:
    arr = np.array(rows, dtype=np.int8).reshape(-1, len(names))
    df = pd.DataFrame(arr, columns=list(names))
    return df.sort_values(list(names)).reset_index(drop=True)


def stable_states(
    network: BooleanNetwork, mutants: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """All stable states of ``network`` (with ``mutants`` clamped), one row per state, 0/1
    columns in node order, rows sorted."""
    c = compile_network(network.with_mutants(mutants))
    return _to_frame(_search(_constraints(c), c.n_nodes), c.names)


def stable_states_exhaustive(
    network: BooleanNetwork, mutants: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Same as :func:`stable_states`, by checking every state (at most 24 nodes)."""
    c = compile_network(network.with_mutants(mutants))
    n = c.n_nodes
    if n > MAX_EXHAUSTIVE_NODES:
        raise ValueError(f"{n} nodes: exhaustive enumeration is limited to {MAX_EXHAUSTIVE_NODES}")
    states = np.arange(1 << n, dtype=np.int64)
    stable = np.ones(len(states), dtype=bool)
    for i in range(n):
        code = np.zeros_like(states)
        for j in range(int(c.n_inputs[i])):
            code |= ((states >> int(c.inputs[i, j])) & 1) << j
        on = ((states >> i) & 1).astype(bool)
        rate = np.where(on, c.down[c.offsets[i] + code], c.up[c.offsets[i] + code])
        stable &= rate == 0
    kept = states[stable]
    rows = ((kept[:, None] >> np.arange(n)) & 1) if len(kept) else np.zeros((0, n), dtype=np.int64)
    return _to_frame(rows, c.names)


def describe(states: pd.DataFrame, nodes: tuple[str, ...] | list[str] | None = None) -> list[str]:
    """One line per stable state: the active nodes among ``nodes`` (all if None), or '<nil>'."""
    cols = list(nodes) if nodes is not None else list(states.columns)
    lines = []
    for _, row in states.iterrows():
        on = [c for c in cols if row[c] == 1]
        lines.append(" -- ".join(on) if on else "<nil>")
    return lines
