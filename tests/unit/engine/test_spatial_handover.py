"""A spatial run can supply the primary tumour's emission for its span (`source = "spatial"`)."""

import numpy as np
import pandas as pd
import pytest

import metastasis
from metastasis.engine.params import build_inputs
from metastasis.scenario import ScenarioError
from metastasis.scenario.loader import scenario_from_dict
from metastasis.spatial import load_preset
from metastasis.spatial.results import SpatialRun


@pytest.fixture
def saved_run(tmp_path):
    params = load_preset("franssen2019")
    step_days = params.grid.step_days
    steps = int(round(5.0 / step_days))  # five days of tissue time
    events = pd.DataFrame({
        "step": [1000, 5000], "t_days": [0.5, 2.5], "grid": [0, 0], "x": [1, 2], "y": [1, 2],
        "z": [0, 0], "vessel": ["normal", "ruptured"], "n_E": [0, 1500], "n_M": [1000, 500],
        "cells": [1000, 2000], "cluster": [True, True],
    })
    run = SpatialRun(params=params, seed_entropy=1, steps=steps, timeseries=pd.DataFrame(),
                     intravasations=events, extravasations=pd.DataFrame())
    return run.save(tmp_path / "spatial")


def test_spatial_intravasations_become_the_primary_emission(saved_run):
    sc = scenario_from_dict({"extends": "breast",
                             "intravasation": {"source": "spatial", "spatial_run": str(saved_run)}})
    shed = build_inputs(sc).primary_shed_per_day
    assert len(shed) == 5
    assert np.allclose(shed, [1000, 0, 2000, 0, 0])

    def first_month_seeded(scenario) -> float:
        res = metastasis.simulate(scenario, patients=200, years=0.1, seed=1)
        ev = res.events[(res.events.event == "seeded") & (res.events.time_days == 30.0)]
        return ev.groupby("patient").value.sum().reindex(range(200), fill_value=0).mean()

    law_part = first_month_seeded("breast")  # the law's own emission after the span
    assert law_part < 100
    assert first_month_seeded(sc) == pytest.approx(3000 + law_part, rel=0.01)


def test_spatial_source_needs_a_run():
    with pytest.raises(ScenarioError, match="source = 'spatial' needs spatial_run"):
        scenario_from_dict({"extends": "breast", "intravasation": {"source": "spatial"}})
