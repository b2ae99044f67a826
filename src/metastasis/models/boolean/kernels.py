"""Numba kernels: Gillespie simulation of asynchronous Boolean networks (MaBoSS algorithm).

From a state, every node ``i`` flips at the rate given by its up table (if off) or down table
(if on); the waiting time is exponential with the total rate (or one time tick in discrete
time) and the flipping node is drawn with probability proportional to its rate. Each
trajectory draws from its own xoshiro256** stream seeded from one 64-bit word, so results do
not depend on how trajectories are split over threads. Time spent in each output state is
accumulated per time window in integer units (``_UNITS`` per tick); integer sums make the
result identical whatever the order of accumulation.
"""

from __future__ import annotations

import numba as nb
import numpy as np

_UNITS = 1 << 30  # integer time units per time tick


@nb.njit(cache=True, inline="always")
def _rotl(x: np.uint64, k: int) -> np.uint64:
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@nb.njit(cache=True)
def _seed_state(seed: np.uint64, s: np.ndarray) -> None:
    """Fill the 4-word xoshiro state from ``seed`` with splitmix64."""
    x = seed
    for i in range(4):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        z = x
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        s[i] = z ^ (z >> np.uint64(31))


@nb.njit(cache=True, inline="always")
def _uniform(s: np.ndarray) -> float:
    """A double in (0, 1) from xoshiro256**, advancing ``s``."""
    result = _rotl(s[1] * np.uint64(5), 7) * np.uint64(9)
    t = s[1] << np.uint64(17)
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = _rotl(s[3], 45)
    return ((result >> np.uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)


@nb.njit(cache=True, inline="always")
def _rate(i: int, state: np.uint64, inputs, n_inputs, offsets, up, down) -> float:
    code = 0
    for j in range(n_inputs[i]):
        code |= int((state >> np.uint64(inputs[i, j])) & np.uint64(1)) << j
    if (state >> np.uint64(i)) & np.uint64(1):
        return down[offsets[i] + code]
    return up[offsets[i] + code]


@nb.njit(cache=True)
def _initial_state(s, group_ptr, cumprob, values, fixed_mask, fixed_on) -> np.uint64:
    state = np.uint64(0)
    for g in range(len(group_ptr) - 1):
        u = _uniform(s)
        k = group_ptr[g]
        while k < group_ptr[g + 1] - 1 and u > cumprob[k]:
            k += 1
        state |= values[k]
    return (state & ~fixed_mask) | fixed_on


@nb.njit(cache=True)
def _output_code(state: np.uint64, out_nodes) -> int:
    code = 0
    for r in range(len(out_nodes)):
        code |= int((state >> np.uint64(out_nodes[r])) & np.uint64(1)) << r
    return code


@nb.njit(cache=True)
def _accumulate(acc, code: int, u0: int, u1: int) -> None:
    """Add the integer time interval [u0, u1) spent in output state ``code`` to its windows."""
    if u1 <= u0:
        return
    w = u0 // _UNITS
    while u0 < u1:
        end = min(u1, (w + 1) * _UNITS)
        acc[w, code] += end - u0
        u0 = end
        w += 1


@nb.njit(cache=True)
def _trajectory(seed, net, acc, max_time, tick, discrete, rates, s):
    (
        inputs,
        n_inputs,
        offsets,
        up,
        down,
        dep_ptr,
        dep_idx,
        gptr,
        gcum,
        gval,
        out_nodes,
        fmask,
        fon,
    ) = net
    n = len(n_inputs)
    _seed_state(seed, s)
    state = _initial_state(s, gptr, gcum, gval, fmask, fon)
    ever = state
    for i in range(n):
        rates[i] = _rate(i, state, inputs, n_inputs, offsets, up, down)
    code = _output_code(state, out_nodes)
    u_end = int(max_time / tick * _UNITS)
    t = 0.0
    u_now = 0
    while True:
        total = 0.0
        for i in range(n):
            total += rates[i]
        if total <= 0.0:
            _accumulate(acc, code, u_now, u_end)
            break
        dt = tick if discrete else -np.log(_uniform(s)) / total
        t += dt
        if t >= max_time:
            _accumulate(acc, code, u_now, u_end)
            break
        u_next = min(int(t / tick * _UNITS), u_end)
        _accumulate(acc, code, u_now, u_next)
        u_now = u_next
        target = _uniform(s) * total
        j = 0
        cum = rates[0]
        while cum < target and j < n - 1:
            j += 1
            cum += rates[j]
        while rates[j] == 0.0:  # guard against round-off landing on a zero-rate node
            j -= 1
        state ^= np.uint64(1) << np.uint64(j)
        ever |= state
        for k in range(dep_ptr[j], dep_ptr[j + 1]):
            d = dep_idx[k]
            rates[d] = _rate(d, state, inputs, n_inputs, offsets, up, down)
        code = _output_code(state, out_nodes)
    return state, ever


@nb.njit(cache=True, parallel=True)
def simulate_kernel(seeds, net, n_windows, n_codes, max_time, tick, discrete, n_chunks):
    """Run ``len(seeds)`` trajectories split in ``n_chunks`` chunks run in parallel.

    Returns (occupancy[n_windows, n_codes] int64 time units, final[n_traj], ever[n_traj]).
    """
    n_traj = len(seeds)
    n = len(net[1])
    acc = np.zeros((n_chunks, n_windows, n_codes), dtype=np.int64)
    final = np.zeros(n_traj, dtype=np.uint64)
    ever = np.zeros(n_traj, dtype=np.uint64)
    for c in nb.prange(n_chunks):
        rates = np.zeros(n, dtype=np.float64)
        s = np.zeros(4, dtype=np.uint64)
        lo = c * n_traj // n_chunks
        hi = (c + 1) * n_traj // n_chunks
        for k in range(lo, hi):
            f, e = _trajectory(seeds[k], net, acc[c], max_time, tick, discrete, rates, s)
            final[k] = f
            ever[k] = e
    return acc.sum(axis=0), final, ever
