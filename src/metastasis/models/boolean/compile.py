"""Compile a :class:`BooleanNetwork` into flat arrays that Numba kernels evaluate fast.

Each node's ``rate_up`` and ``rate_down`` become truth tables over the node's inputs (the
nodes its rate expressions read): entry ``k`` holds the rate when input ``j`` is on exactly
where bit ``j`` of ``k`` is set. A state of the network is a ``uint64`` with bit ``i`` for
node ``i``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metastasis.models.boolean.expressions import Attr, Expr, NodeRef, evaluate, walk
from metastasis.models.boolean.network import BooleanNetwork

MAX_NODES = 64
MAX_INPUTS = 22


@dataclass(frozen=True)
class CompiledNetwork:
    """Array form of a network (shapes in brackets; ``n`` nodes).

    inputs[n, k_max] (int64, -1 padded), n_inputs[n], offsets[n] into up/down tables,
    up/down[sum 2**n_inputs] (float64), dep_ptr[n+1]/dep_idx: nodes whose rates read node i,
    init_*: initial distribution as groups of options (masks over the full state),
    out_nodes[n_out]: output node indices, fixed_mask/fixed_on: mutant clamps.
    """

    names: tuple[str, ...]
    inputs: np.ndarray
    n_inputs: np.ndarray
    offsets: np.ndarray
    up: np.ndarray
    down: np.ndarray
    dep_ptr: np.ndarray
    dep_idx: np.ndarray
    init_group_ptr: np.ndarray
    init_cumprob: np.ndarray
    init_values: np.ndarray
    out_nodes: np.ndarray
    fixed_mask: np.uint64
    fixed_on: np.uint64

    @property
    def n_nodes(self) -> int:
        return len(self.names)

    def output_names(self) -> tuple[str, ...]:
        return tuple(self.names[i] for i in self.out_nodes)


def _node_inputs(expr: Expr, attrs: dict[str, Expr], out: set[str]) -> None:
    for sub in walk(expr):
        if isinstance(sub, NodeRef):
            out.add(sub.name)
        elif isinstance(sub, Attr):
            _node_inputs(attrs[sub.name], attrs, out)


def truth_table(expr: Expr, inputs: list[str], net: BooleanNetwork, node: str) -> np.ndarray:
    """Values of ``expr`` (a rate of ``node``) for all ``2**len(inputs)`` input combinations."""
    k = len(inputs)
    codes = np.arange(1 << k, dtype=np.int64)
    states = {name: (codes >> j) & 1 for j, name in enumerate(inputs)}
    values = evaluate(expr, states, net.variables, dict(net.attrs[node]))
    return np.broadcast_to(np.asarray(values, dtype=float), codes.shape).copy()


def compile_network(net: BooleanNetwork) -> CompiledNetwork:
    """Build truth tables, dependency lists and the initial distribution of ``net``."""
    n = len(net.nodes)
    if n > MAX_NODES:
        raise ValueError(f"{net.bnd_path}: {n} nodes; at most {MAX_NODES} are supported")
    index = {name: i for i, name in enumerate(net.nodes)}
    input_lists: list[list[str]] = []
    ups: list[np.ndarray] = []
    downs: list[np.ndarray] = []
    for node in net.nodes:
        up, down = net.rate_expressions(node)
        used: set[str] = set()
        _node_inputs(up, dict(net.attrs[node]), used)
        _node_inputs(down, dict(net.attrs[node]), used)
        names = sorted(used, key=index.__getitem__)
        if len(names) > MAX_INPUTS:
            raise ValueError(
                f"{net.bnd_path}: node {node!r} reads {len(names)} nodes; at most {MAX_INPUTS}"
            )
        u = truth_table(up, names, net, node)
        d = truth_table(down, names, net, node)
        for label, table in (("rate_up", u), ("rate_down", d)):
            if not np.all(np.isfinite(table)) or np.any(table < 0):
                raise ValueError(
                    f"{net.bnd_path}: node {node!r}: {label} is negative or not finite for some state"
                )
        input_lists.append(names)
        ups.append(u)
        downs.append(d)
    k_max = max([len(x) for x in input_lists] + [1])
    inputs = -np.ones((n, k_max), dtype=np.int64)
    for i, names in enumerate(input_lists):
        inputs[i, : len(names)] = [index[x] for x in names]
    n_inputs = np.array([len(x) for x in input_lists], dtype=np.int64)
    sizes = np.array([len(u) for u in ups], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    dependents: list[list[int]] = [[] for _ in range(n)]
    for i, names in enumerate(input_lists):
        for x in names:
            dependents[index[x]].append(i)
    for i in range(n):  # a node's own rate switches between up and down when it flips
        if i not in dependents[i]:
            dependents[i].append(i)
    dep_ptr = np.concatenate([[0], np.cumsum([len(d) for d in dependents])]).astype(np.int64)
    dep_idx = np.array([i for d in dependents for i in sorted(d)], dtype=np.int64)

    group_ptr = [0]
    cumprob: list[float] = []
    values: list[int] = []
    for nodes, probs, vals in net.initial_probabilities():
        c = np.cumsum(probs)
        c[-1] = 1.0
        for p, v in zip(c, vals, strict=True):
            cumprob.append(float(p))
            values.append(sum(1 << index[nd] for nd, bit in zip(nodes, v, strict=True) if bit))
        group_ptr.append(len(cumprob))
    fixed_mask = sum(1 << index[m] for m in net.mutants)
    fixed_on = sum(1 << index[m] for m, v in net.mutants.items() if v)
    return CompiledNetwork(
        names=tuple(net.nodes),
        inputs=inputs,
        n_inputs=n_inputs,
        offsets=offsets,
        up=np.concatenate(ups),
        down=np.concatenate(downs),
        dep_ptr=dep_ptr,
        dep_idx=dep_idx,
        init_group_ptr=np.array(group_ptr, dtype=np.int64),
        init_cumprob=np.array(cumprob, dtype=np.float64),
        init_values=np.array(values, dtype=np.uint64),
        out_nodes=np.array([index[o] for o in net.outputs], dtype=np.int64),
        fixed_mask=np.uint64(fixed_mask),
        fixed_on=np.uint64(fixed_on),
    )
