"""Parameters carry units and sources; overrides fail clearly; the CLI writes its outputs."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from metastasis.cli import app
from metastasis.spatial import (
    PRESETS,
    OverrideError,
    SpatialModel,
    load_preset,
    parameter_names,
    with_overrides,
)
from metastasis.spatial.params import SpatialParams


def test_every_parameter_has_unit_and_source():
    p = SpatialParams()
    for block_name, block in p:
        if block_name == "name":
            continue
        for name, info in type(block).model_fields.items():
            extra = info.json_schema_extra or {}
            assert extra.get("unit"), f"{block_name}.{name} has no unit"
            assert extra.get("source"), f"{block_name}.{name} has no source"


def test_unknown_override_names_field_and_choices():
    with pytest.raises(OverrideError) as err:
        with_overrides(load_preset("franssen2019"), ["cells.D_X=1"])
    msg = str(err.value)
    assert "cells.D_X" in msg and "cells.D_M" in msg


def test_invalid_value_names_field():
    with pytest.raises(OverrideError, match="carrying_capacity"):
        with_overrides(load_preset("franssen2019"), ["cells.carrying_capacity=0"])


def test_bare_unique_name_and_presets():
    p = with_overrides(load_preset("franssen2019"), ["carrying_capacity=6"])
    assert p.cells.carrying_capacity == 6
    assert "grid.dim" in parameter_names(p)
    assert set(PRESETS) >= {"franssen2019", "invasion"}
    with pytest.raises(KeyError, match="franssen2019"):
        load_preset("nope")


def test_franssen_preset_values():
    p = load_preset("franssen2019")
    assert p.grid.size == 201 and p.cells.initial_cells == 388 and p.cells.carrying_capacity == 4
    assert p.steps_for(p.circulation.transit_time) == 180
    assert p.steps_per_day == pytest.approx(2160.0)
    assert p.circulation.extravasation_probs == [0.75, 0.25]


def test_invasion_preset_runs_small_in_3d():
    p = with_overrides(
        load_preset("invasion"),
        {"grid.dim": 3, "grid.size": 15, "cells.initial_cells": 80, "cells.initial_sites": 20,
         "vessels.exclusion_sites": 40, "vessels.secondary": [3, 3],
         "agents.tam_count": 5, "agents.caf_count": 5},
    )
    run = SpatialModel(p, seed=1).run(30)
    ts = run.timeseries
    assert len(ts) == 31 and "invaded_volume_mm3" in ts
    assert ts["primary_E"].iloc[-1] + ts["primary_M"].iloc[-1] > 0


def test_cli_writes_outputs(tmp_path):
    out = tmp_path / "run"
    res = CliRunner().invoke(
        app,
        ["spatial", "franssen2019", "--steps", "20", "--out", str(out), "--size", "41",
         "--frames", "2", "--seed", "3", "--set", "vessels.secondary=[2, 2]"],
    )
    assert res.exit_code == 0, res.output
    for name in ("timeseries.parquet", "timeseries.csv", "intravasations.parquet",
                 "params.json", "animation.gif", "timeseries.png"):
        assert (out / name).exists(), name
    assert len(list((out / "frames").glob("*.png"))) == 3
    assert len(list((out / "snapshots").glob("*.npz"))) == 3


def test_cli_rejects_unknown_parameter_and_writes_nothing(tmp_path):
    out = tmp_path / "run"
    res = CliRunner().invoke(
        app, ["spatial", "franssen2019", "--steps", "5", "--out", str(out), "--set", "nope=1"]
    )
    assert res.exit_code != 0
    assert "nope" in res.output
    assert not out.exists()
