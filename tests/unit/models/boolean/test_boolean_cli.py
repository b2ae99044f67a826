"""`metastasis model boolean`, through a small typer app standing in for `metastasis model`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from typer.testing import CliRunner

from metastasis.cli.model_boolean import register

TOY_BND = """
Node A { logic = A; }
Node B { logic = A & !C; }
Node C { logic = B; rate_up = @logic ? $k : 0; rate_down = @logic ? 0 : 1; }
"""
TOY_CFG = "$k = 2; A.istate = 1; B.istate = 0; C.istate = 0; A.is_internal = 1; time_tick = 0.5; max_time = 5; sample_count = 200;"


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    model = typer.Typer()
    app.add_typer(model, name="model")
    register(model)
    return app


def test_stable_states_of_cohen_with_mutants() -> None:
    res = CliRunner().invoke(
        _app(),
        [
            "model",
            "boolean",
            "cohen2015",
            "--stable-states",
            "--mutant",
            "p53=0",
            "--mutant",
            "NICD=1",
        ],
    )
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert lines[-1] == "4 stable states"
    assert len(lines) == 5
    assert all("Metastasis" in line for line in lines[:-1])


def test_wild_type_count() -> None:
    res = CliRunner().invoke(_app(), ["model", "boolean", "cohen2015", "--stable-states"])
    assert res.exit_code == 0, res.output
    assert res.output.strip().splitlines()[-1] == "9 stable states"


def test_simulation_writes_csv_and_png(tmp_path: Path) -> None:
    bnd = tmp_path / "toy.bnd"
    bnd.write_text(TOY_BND)
    (tmp_path / "toy.cfg").write_text(TOY_CFG)
    out = tmp_path / "run"
    res = CliRunner().invoke(
        _app(),
        ["model", "boolean", str(bnd), "--out", str(out), "--set", "max_time=3", "--seed", "4"],
    )
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out / "solution.csv")
    assert df.columns[0] == "t_days"
    assert df["t_days"].iloc[-1] == 2.5  # windows of 0.5 up to max_time = 3 (overridden)
    assert abs(df.drop(columns="t_days").sum(axis=1) - 1).max() < 1e-9
    assert (out / "probabilities.png").stat().st_size > 0


def test_unknown_set_parameter_names_the_item(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        _app(), ["model", "boolean", "cohen2015", "--stable-states", "--set", "u_nonexistent=3"]
    )
    assert res.exit_code == 2
    assert "u_nonexistent" in res.output and "--set" in res.output


def test_cfg_option_and_unknown_mutant(tmp_path: Path) -> None:
    bnd = tmp_path / "net.bnd"
    bnd.write_text(TOY_BND)
    cfg = tmp_path / "other.cfg"
    cfg.write_text(TOY_CFG)
    res = CliRunner().invoke(
        _app(),
        ["model", "boolean", str(bnd), "--cfg", str(cfg), "--stable-states", "--mutant", "Z=1"],
    )
    assert res.exit_code == 2
    assert "'Z'" in res.output
    res = CliRunner().invoke(
        _app(), ["model", "boolean", str(bnd), "--cfg", str(cfg), "--stable-states"]
    )
    assert res.exit_code == 0, res.output
    # A=0 forces B=C=0; with A=1, B and C chase each other (a cycle, not a stable state)
    assert res.output.strip().splitlines() == ["<nil>", "1 stable state"]
