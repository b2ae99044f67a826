"""Building a patient's kernel inputs is pure: the Boolean network and the spatial model run
(or a saved spatial run is read) once per scenario, and the numbers do not change."""

from __future__ import annotations

import builtins
import dataclasses
import io
import math
import os
import pathlib

import numpy as np
import pandas as pd
import pytest

import metastasis.models.boolean.propensity as propensity
import metastasis.spatial as spatial
from metastasis.biology.genetics import genotype_multipliers
from metastasis.engine.params import (
    KernelInputs,
    build_inputs,
    clear_input_caches,
    emt_genotype_multiplier,
)
from metastasis.scenario.loader import scenario_from_dict
from metastasis.spatial.results import SpatialRun


class _Counter:
    """Wraps a function and counts its calls."""

    def __init__(self, fn):
        self.fn = fn
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.fn(*args, **kwargs)


@pytest.fixture(autouse=True)
def _fresh_caches():
    clear_input_caches()
    yield
    clear_input_caches()


def _same(a: KernelInputs, b: KernelInputs) -> bool:
    """Field by field, the same bytes (arrays) or the same value."""
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
                return False
        elif x != y:
            return False
    return True


def _boolean(tp53: str = "loss", kras: str = "wt"):
    return scenario_from_dict({"extends": "breast", "genotype": {"TP53": tp53, "KRAS": kras},
                               "emt": {"propensity": "boolean"}})


def test_boolean_network_runs_once_per_genotype(monkeypatch):
    counter = _Counter(propensity.genotype_propensities)
    monkeypatch.setattr(propensity, "genotype_propensities", counter)
    sc = _boolean()
    first = build_inputs(sc, years=3)
    assert counter.calls == 2  # the genotype and the wild type it is compared with
    for _ in range(5):
        assert _same(build_inputs(sc, years=3), first)
    assert counter.calls == 2
    build_inputs(_boolean("loss", "mutant"), years=3)
    assert counter.calls == 3  # a new genotype; the wild type is remembered


def test_boolean_multiplier_is_the_network_ratio_bit_for_bit():
    sc = _boolean()
    clamps = {"p53": 0}
    phen = sc.emt.boolean_phenotype
    ratio = (propensity.genotype_propensities(clamps, network="cohen2015", phenotypes=(phen,))[phen]
             / propensity.genotype_propensities({}, network="cohen2015", phenotypes=(phen,))[phen])
    g = genotype_multipliers(sc.genotype.model_dump())
    assert emt_genotype_multiplier(sc, g) == ratio
    assert emt_genotype_multiplier(sc, g) == ratio  # from the cache


def test_spatial_model_runs_once_for_repeated_builds(monkeypatch):
    counter = _Counter(spatial.run_spatial)
    monkeypatch.setattr(spatial, "run_spatial", counter)
    steps = 40
    sc = scenario_from_dict({"extends": "breast", "time": {"dt_days": 0.01,
                                                           "record_interval_days": 1.0},
                             "intravasation": {"source": "spatial", "spatial_steps": steps,
                                               "spatial_seed": 3}})
    first = build_inputs(sc, years=1)
    assert counter.calls == 1
    for _ in range(3):
        assert _same(build_inputs(sc, years=1), first)
    assert counter.calls == 1

    # the same numbers as the run made by hand and binned per engine step
    run = spatial.run_spatial(spatial.load_preset("franssen2019"), steps=steps, seed=3)
    series = spatial.intravasation_series(run)
    dt = sc.time.dt_days
    n_steps = int(math.ceil(run.steps * run.params.grid.step_days / dt - 1e-9))
    counts = np.zeros(n_steps)
    idx = np.minimum((series.t_days.to_numpy() / dt).astype(np.int64), n_steps - 1)
    np.add.at(counts, idx, series.cells.to_numpy(dtype=np.float64))
    expected = counts / dt
    assert first.primary_shed_per_day.tobytes() == expected.tobytes()


def _save_run(folder: pathlib.Path, cells: list[int]) -> pathlib.Path:
    params = spatial.load_preset("franssen2019")
    steps = int(round(5.0 / params.grid.step_days))  # five days of tissue time
    events = pd.DataFrame({
        "step": [1000, 5000], "t_days": [0.5, 2.5], "grid": [0, 0], "x": [1, 2], "y": [1, 2],
        "z": [0, 0], "vessel": ["normal", "ruptured"], "n_E": [0, 0], "n_M": cells,
        "cells": cells, "cluster": [True, True],
    })
    run = SpatialRun(params=params, seed_entropy=1, steps=steps, timeseries=pd.DataFrame(),
                     intravasations=events, extravasations=pd.DataFrame())
    return run.save(folder)


def test_saved_spatial_run_is_read_once_per_version(monkeypatch, tmp_path):
    folder = _save_run(tmp_path / "spatial", [1000, 2000])
    counter = _Counter(spatial.intravasation_series)
    monkeypatch.setattr(spatial, "intravasation_series", counter)
    sc = scenario_from_dict({"extends": "breast",
                             "intravasation": {"source": "spatial", "spatial_run": str(folder)}})
    first = build_inputs(sc)
    assert np.array_equal(first.primary_shed_per_day, [1000, 0, 2000, 0, 0])
    for _ in range(3):
        assert _same(build_inputs(sc), first)
    assert counter.calls == 1

    # the folder is rewritten (a new run saved over it): the next build reads it again
    _save_run(folder, [10, 20])
    for name in ("params.json", "intravasations.parquet"):
        st = os.stat(folder / name)
        os.utime(folder / name, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert np.array_equal(build_inputs(sc).primary_shed_per_day, [10, 0, 20, 0, 0])
    assert counter.calls == 2


def test_no_file_is_opened_once_the_scenario_is_prepared(monkeypatch):
    table = scenario_from_dict({"extends": "colorectal"})
    boolean = _boolean()
    before = [build_inputs(table, years=2), build_inputs(boolean, years=2)]

    def refuse(*args, **kwargs):
        raise AssertionError(f"file opened while building inputs: {args[:1]}")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(io, "open", refuse)
    monkeypatch.setattr(pathlib.Path, "read_text", refuse)
    monkeypatch.setattr(pathlib.Path, "read_bytes", refuse)
    monkeypatch.setattr(pathlib.Path, "open", refuse)
    after = [build_inputs(table, years=2), build_inputs(boolean, years=2)]
    monkeypatch.undo()
    assert all(_same(a, b) for a, b in zip(before, after, strict=True))


def test_growth_clock_multiplies_the_lesion_gompertz_and_hahnfeldt_rates_alone():
    """colonisation.growth_clock = 3 triples the lesion λ, b and d (a lesion's course runs
    three times faster) and leaves the small-colony division rate and the primary alone;
    avascular_mean_days passes through unchanged."""
    from metastasis.engine.params import (
        T_L_ANGIO_B,
        T_L_ANGIO_D,
        T_L_AVASC,
        T_L_BIRTH,
        T_L_LAMBDA,
        T_LAMBDA,
    )

    base = build_inputs(scenario_from_dict({
        "extends": "breast", "colonisation": {"growth_clock": 1.0},
    })).theta
    fast = build_inputs(scenario_from_dict({
        "extends": "breast",
        "colonisation": {"growth_clock": 3.0, "avascular_mean_days": 250.0},
    })).theta
    for j in (T_L_LAMBDA, T_L_ANGIO_B, T_L_ANGIO_D):
        assert fast[j] == pytest.approx(3.0 * base[j], rel=1e-15)
    assert fast[T_L_BIRTH] == base[T_L_BIRTH] and fast[T_LAMBDA] == base[T_LAMBDA]
    assert fast[T_L_AVASC] == 250.0
