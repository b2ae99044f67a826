"""Stochastic simulation of a Boolean network: the MaBoSS algorithm on Numba kernels."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numba
import numpy as np
import pandas as pd

from metastasis.models.boolean import kernels
from metastasis.models.boolean.compile import CompiledNetwork, compile_network
from metastasis.models.boolean.network import BooleanNetwork

SeedLike = int | np.random.SeedSequence | np.random.Generator | None
MAX_OUTPUTS = 20
MAX_ACCUMULATOR_BYTES = 1 << 30


def trajectory_seeds(seed: SeedLike, n: int) -> np.ndarray:
    """One 64-bit seed per trajectory, derived from a SeedSequence (or drawn from a Generator)."""
    if isinstance(seed, np.random.Generator):
        return seed.integers(0, 2**64, size=n, dtype=np.uint64, endpoint=False)
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return ss.generate_state(n, dtype=np.uint64)


def state_label(code: int, names: tuple[str, ...]) -> str:
    """MaBoSS-style name of an output state: active nodes joined by ' -- ', or '<nil>'."""
    on = [names[r] for r in range(len(names)) if (code >> r) & 1]
    return " -- ".join(on) if on else "<nil>"


@dataclass(frozen=True)
class BooleanSimulation:
    """Result of :func:`simulate`.

    ``window_probabilities``: DataFrame indexed by window start time, one column per output
    state ever visited, each row the mean fraction of the window spent in that state (what
    MaBoSS writes to ``_probtraj.csv``). ``final_states``/``ever_active``: per trajectory,
    the full state at ``max_time`` and the union of all states visited (``uint64`` bit masks).
    """

    node_names: tuple[str, ...]
    output_names: tuple[str, ...]
    window_probabilities: pd.DataFrame
    final_states: np.ndarray
    ever_active: np.ndarray
    max_time: float
    time_tick: float

    @property
    def last_window_probabilities(self) -> pd.Series:
        """Output-state probabilities in the last time window (MaBoSS' final probabilities)."""
        last = self.window_probabilities.iloc[-1]
        return last[last > 0].sort_values(ascending=False)

    @property
    def final_state_probabilities(self) -> pd.Series:
        """Distribution of the output state at ``max_time`` over trajectories."""
        out = np.array([self.node_names.index(o) for o in self.output_names], dtype=np.uint64)
        codes = np.zeros(len(self.final_states), dtype=np.int64)
        for r, i in enumerate(out):
            codes |= (((self.final_states >> i) & np.uint64(1)).astype(np.int64)) << r
        values, counts = np.unique(codes, return_counts=True)
        labels = [state_label(int(v), self.output_names) for v in values]
        return pd.Series(counts / counts.sum(), index=labels).sort_values(ascending=False)

    def fraction_active(self, node: str, *, ever: bool = False) -> float:
        """Fraction of trajectories with ``node`` on at ``max_time`` (or at any time if ``ever``)."""
        bit = np.uint64(self.node_names.index(node))
        masks = self.ever_active if ever else self.final_states
        return float(np.mean((masks >> bit) & np.uint64(1)))

    def node_probabilities(self) -> pd.DataFrame:
        """Probability of each output node being on, per time window."""
        cols = {}
        for o in self.output_names:
            states = [c for c in self.window_probabilities.columns if o in c.split(" -- ")]
            cols[o] = self.window_probabilities[states].sum(axis=1)
        return pd.DataFrame(cols, index=self.window_probabilities.index)

    def to_frame(self) -> pd.DataFrame:
        """Window probabilities with the time as a ``t_days`` column (1 model time unit = 1 day)."""
        df = self.window_probabilities.reset_index()
        return df.rename(columns={df.columns[0]: "t_days"})

    def save(self, directory: str | Path) -> Path:
        """Write ``solution.csv`` into ``directory`` (created if needed); return its path."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        path = d / "solution.csv"
        self.to_frame().to_csv(path, index=False)
        return path

    def plot(
        self,
        path: str | Path | None = None,
        *,
        title: str | None = None,
        min_probability: float = 0.01,
    ):
        """Plot output-state probabilities over time; save to ``path`` if given. Returns the figure."""
        from metastasis.models.boolean.plotting import plot_probabilities

        return plot_probabilities(self, path, title=title, min_probability=min_probability)


def _kernel_args(c: CompiledNetwork) -> tuple:
    return (
        c.inputs,
        c.n_inputs,
        c.offsets,
        c.up,
        c.down,
        c.dep_ptr,
        c.dep_idx,
        c.init_group_ptr,
        c.init_cumprob,
        c.init_values,
        c.out_nodes,
        np.uint64(c.fixed_mask),
        np.uint64(c.fixed_on),
    )


def simulate(
    network: BooleanNetwork,
    *,
    mutants: Mapping[str, int] | None = None,
    sample_count: int | None = None,
    max_time: float | None = None,
    time_tick: float | None = None,
    seed: SeedLike = None,
    threads: int | None = None,
) -> BooleanSimulation:
    """Simulate ``network`` (continuous or discrete time as its configuration says).

    Arguments left ``None`` come from the configuration (``sample_count``, ``max_time``,
    ``time_tick``, ``seed_pseudorandom``, ``thread_count``; ``threads=0`` means all cores).
    The same seed gives the same result for any thread count.
    """
    net = network.with_mutants(mutants)
    p = net.parameters
    n_traj = int(sample_count if sample_count is not None else p["sample_count"])
    t_max = float(max_time if max_time is not None else p["max_time"])
    tick = float(time_tick if time_tick is not None else p["time_tick"])
    if n_traj < 1 or t_max <= 0 or tick <= 0:
        raise ValueError("sample_count, max_time and time_tick must be positive")
    if len(net.outputs) > MAX_OUTPUTS:
        raise ValueError(
            f"{len(net.outputs)} output nodes; mark some is_internal (at most {MAX_OUTPUTS})"
        )
    compiled = compile_network(net)
    seeds = trajectory_seeds(int(p["seed_pseudorandom"]) if seed is None else seed, n_traj)
    # numba.config sets NUMBA_NUM_THREADS through globals() at import, out of mypy's sight.
    max_threads: int = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]
    n_threads = int(threads if threads is not None else p["thread_count"]) or max_threads
    n_threads = max(1, min(n_threads, max_threads))
    n_windows = max(1, math.ceil(t_max / tick - 1e-9))
    n_codes = 1 << len(net.outputs)
    n_chunks = min(n_threads, n_traj)
    if n_chunks * n_windows * n_codes * 8 > MAX_ACCUMULATOR_BYTES:
        raise ValueError(
            f"{n_windows} time windows x {n_codes} output states is too large: "
            "mark more nodes is_internal or use a longer time_tick"
        )
    previous = numba.get_num_threads()
    numba.set_num_threads(n_threads)
    try:
        occupancy, final, ever = kernels.simulate_kernel(
            seeds,
            _kernel_args(compiled),
            n_windows,
            n_codes,
            t_max,
            tick,
            bool(p["discrete_time"]),
            n_chunks,
        )
    finally:
        numba.set_num_threads(previous)
    widths = np.full(n_windows, float(kernels._UNITS))
    widths[-1] = int(t_max / tick * kernels._UNITS) - (n_windows - 1) * kernels._UNITS
    probs = occupancy / (widths[:, None] * n_traj)
    seen = np.flatnonzero(occupancy.sum(axis=0))
    outputs = compiled.output_names()
    frame = pd.DataFrame(
        probs[:, seen],
        index=pd.Index(np.arange(n_windows) * tick, name="time"),
        columns=[state_label(int(c), outputs) for c in seen],
    )
    return BooleanSimulation(compiled.names, outputs, frame, final, ever, t_max, tick)
