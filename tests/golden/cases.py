"""Golden-output cases: small fixed runs whose output bytes are pinned by hash.

Each case runs the engine (and, for some, the clinical read-out or a trial chunk) on a few
patients with a fixed seed and hashes every output array. A pure refactor must leave every
hash unchanged; a deliberate model change regenerates them with

    python tests/golden/update.py

and its commit says that it did.

The bytes depend on the code Numba generates for the host CPU (which instructions it picks,
where it fuses a multiply and an add), so a hash pins the output on one kind of CPU: the
hash file records the CPU it was made on (`machine`), and the test compares only there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd

from metastasis.engine.batch import BatchOutput, run_batch
from metastasis.engine.params import (
    KILL_ALL_LESIONS,
    KILL_EVERYTHING,
    KILL_PRIMARY,
    M_GROWTH,
    M_KILL,
    M_WAKE,
    MODIFIER_DEFAULTS,
    Schedule,
    build_inputs,
)
from metastasis.scenario import available_presets, load_scenario
from metastasis.scenario.loader import scenario_from_dict

PATIENTS = [0, 1, 2]
SEED = 20261202
YEARS = 10.0


def machine() -> str:
    """The host CPU as LLVM names it, which decides the code Numba generates."""
    import llvmlite.binding as llvm

    return str(llvm.get_host_cpu_name())


def hash_arrays(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 over the names, dtypes, shapes and bytes of arrays, in name order."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(name.encode())
        h.update(str(a.dtype).encode())
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def hash_batch(out: BatchOutput) -> str:
    return hash_arrays({k: v for k, v in vars(out).items() if isinstance(v, np.ndarray)})


def hash_frames(frames: dict[str, pd.DataFrame]) -> str:
    arrays = {}
    for name, df in frames.items():
        arrays[f"{name}.columns"] = np.frombuffer("|".join(map(str, df.columns)).encode(), np.uint8)
        arrays[f"{name}.rows"] = pd.util.hash_pandas_object(df, index=True).to_numpy()
    return hash_arrays(arrays)


def _preset_case(name: str) -> Callable[[], str]:
    def run() -> str:
        return hash_batch(run_batch(build_inputs(load_scenario(name), years=YEARS), PATIENTS, SEED))
    return run


def _therapy_schedule() -> Schedule:
    """Segments of kill hazard, slower growth and faster waking, then kills of every kind."""
    rows = np.vstack([MODIFIER_DEFAULTS] * 3)
    rows[1, M_KILL] = 0.03
    rows[1, M_GROWTH] = 0.7
    rows[2, M_WAKE] = 3.0
    res = np.vstack([MODIFIER_DEFAULTS] * 3)
    res[2, M_WAKE] = 3.0
    return Schedule(
        mod_t_days=np.array([0.0, 1500.0, 1700.0]),
        mod_values=rows,
        mod_values_resistant=res,
        kill_t_days=np.array([1400.0, 1600.0, 1650.0, 2000.0]),
        kill_target=np.array([KILL_PRIMARY, KILL_ALL_LESIONS, 5, KILL_EVERYTHING]),
        kill_surviving_fraction=np.array([1e-3, 0.2, 0.5, 0.1]),
        kill_dormant=np.array([False, True, True, True]),
        kill_spares_resistant=np.array([True, False, True, False]),
    )


def _therapy_case() -> str:
    sc = scenario_from_dict({"extends": "breast", "resistance": {"mutation_per_division": 1e-6}})
    inputs = build_inputs(sc, years=YEARS)
    return hash_batch(run_batch(inputs, PATIENTS, SEED, schedules=[_therapy_schedule()] * 3))


def _simulate_case() -> str:
    from metastasis.simulation import simulate

    res = simulate(load_scenario("colorectal"), patients=3, years=YEARS, seed=SEED)
    return hash_frames({"events": res.events, "patients": res.patients,
                        "lesions": res.lesions, "trajectories": res.trajectories})


def _trial_case() -> str:
    from pathlib import Path

    from metastasis.cohort.trial_loader import load_trial
    from metastasis.cohort.trial_run import simulate_chunk

    root = Path(__file__).resolve().parents[2]
    plan = load_trial(root / "examples" / "trials" / "adjuvant_chemotherapy.toml")
    return hash_frames(simulate_chunk(plan, SEED, list(range(6))))


CASES: dict[str, Callable[[], str]] = {
    **{f"preset:{name}": _preset_case(name) for name in available_presets()},
    "breast:therapy-and-resistance": _therapy_case,
    "simulate:colorectal": _simulate_case,
    "trial:adjuvant_chemotherapy": _trial_case,
}
