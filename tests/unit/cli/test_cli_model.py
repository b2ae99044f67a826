import pandas as pd
import pytest
from typer.testing import CliRunner

from metastasis.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "columns"),
    [
        (
            ["iwata", "--days", "400", "--dt", "4"],
            ["t_days", "primary_cells", "colonies_total", "colonies_detectable"],
        ),
        (
            ["hahnfeldt", "--drug", "endostatin", "--days", "5"],
            ["t_days", "V_mm3", "K_mm3", "c_mg_per_kg"],
        ),
        (
            ["benzekry", "--days", "30", "--surgery-day", "15"],
            ["t_days", "Vp_mm3", "M_mm3", "M_mm3_resected"],
        ),
        (
            ["markov", "--primary", "Colorectal Cancer", "--set", "n_walks=500"],
            ["step", "p_liver", "walk_fraction_bone"],
        ),
    ],
)
def test_each_model_writes_solution_and_figure(tmp_path, args, columns):
    result = runner.invoke(app, ["model", *args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "solution.csv")
    assert set(columns) <= set(table.columns)
    assert (tmp_path / "figure.png").stat().st_size > 0


def test_set_overrides_a_parameter(tmp_path):
    base = runner.invoke(app, ["model", "hahnfeldt", "--days", "2", "--out", str(tmp_path / "a")])
    changed = runner.invoke(
        app,
        ["model", "hahnfeldt", "--days", "2", "--set", "V0_mm3=300", "--out", str(tmp_path / "b")],
    )
    assert base.exit_code == changed.exit_code == 0
    assert pd.read_csv(tmp_path / "b" / "solution.csv").V_mm3.iloc[0] == pytest.approx(300.0)
    assert pd.read_csv(tmp_path / "a" / "solution.csv").V_mm3.iloc[0] == pytest.approx(180.0)


def test_unknown_parameter_fails_naming_it_and_the_valid_ones(tmp_path):
    result = runner.invoke(app, ["model", "iwata", "--set", "speed=3", "--out", str(tmp_path)])
    assert result.exit_code != 0
    text = " ".join(result.output.split())
    assert "speed" in text and "a_per_day" in text and "m_per_day" in text
    assert not (tmp_path / "solution.csv").exists()
