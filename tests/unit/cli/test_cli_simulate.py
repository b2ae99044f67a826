"""End-to-end runs of `metastasis simulate` and `metastasis presets`."""

import pandas as pd
from typer.testing import CliRunner

from metastasis.cli import app

runner = CliRunner()


def test_presets_lists_one_line_each():
    res = runner.invoke(app, ["presets"])
    assert res.exit_code == 0
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert any(ln.startswith("breast ") for ln in lines)
    assert all(len(ln.split(None, 1)) == 2 for ln in lines)


def test_simulate_writes_tables_plot_and_summary(tmp_path):
    out = tmp_path / "run"
    res = runner.invoke(app, ["simulate", "breast", "--years", "9", "--seed", "2", "--out", str(out)])
    assert res.exit_code == 0, res.output
    for name in ("events", "trajectories", "patients", "lesions"):
        assert (out / f"{name}.parquet").is_file()
    assert (out / "burden.png").stat().st_size > 10_000
    assert (out / "body_map.png").stat().st_size > 10_000
    ev = pd.read_parquet(out / "events.parquet")
    assert list(ev.columns) == ["patient", "time_days", "event", "organ", "lesion_id", "value", "detail"]
    pats = pd.read_parquet(out / "patients.parquet")
    assert len(pats) == 1
    assert "Patient 0" in res.output and "outcome:" in res.output


def test_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    res = runner.invoke(app, ["simulate", "breast", "--years", "1", "--out", str(out)])
    assert res.exit_code == 2
    assert "--force" in res.output
    assert (out / "keep.txt").read_text() == "mine"
    res = runner.invoke(app, ["simulate", "breast", "--years", "1", "--out", str(out), "--force", "-q"])
    assert res.exit_code == 0
    assert not (out / "keep.txt").exists()


def test_bad_scenario_writes_nothing(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "breast"\n[dormancy]\nwake_per_day = -1\n')
    out = tmp_path / "run"
    res = runner.invoke(app, ["simulate", str(bad), "--out", str(out)])
    assert res.exit_code == 2
    assert "bad.toml" in res.output and "dormancy.wake_per_day = -1" in res.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_cohort_run_prints_a_cohort_summary(tmp_path):
    res = runner.invoke(app, ["simulate", "colorectal", "-n", "4", "--seed", "3",
                              "--out", str(tmp_path / "run")])
    assert res.exit_code == 0, res.output
    assert "4 patients:" in res.output
    assert "with clinically apparent distant metastases" in res.output
    assert len(pd.read_parquet(tmp_path / "run" / "patients.parquet")) == 4


def test_a_cohort_prints_stages_and_survival_and_writes_the_plot(tmp_path):
    out = tmp_path / "cohort"
    res = runner.invoke(app, ["simulate", "colorectal", "-n", "40", "--years", "6", "--seed", "3",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "stage at diagnosis, and overall survival from diagnosis" in res.output
    assert "localized" in res.output and "5-y OS" in res.output
    assert (out / "survival_by_stage.png").stat().st_size > 10_000
    pats = pd.read_parquet(out / "patients.parquet")
    assert set(pats.summary_stage) <= {"", "localized", "regional", "distant"}
