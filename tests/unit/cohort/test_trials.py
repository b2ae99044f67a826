"""Trial semantics: diagnosis anchoring, stop on progression, survival helpers, examples, CLI."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from metastasis.cli import app
from metastasis.cohort.survival import cumulative_incidence
from metastasis.cohort.trial_loader import load_trial, trial_from_dict
from metastasis.cohort.trial_run import simulate_chunk
from metastasis.engine.params import build_inputs
from metastasis.engine.primary import cells_at_day, first_day_at_size
from metastasis.scenario.loader import load_scenario
from metastasis.units import cells_for_diameter, diameter_mm

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "trials"


def test_diagnosis_day_matches_the_kernel_primary():
    from metastasis.engine.batch import run_batch

    inputs = build_inputs(load_scenario("breast"), years=5)
    out = run_batch(inputs, [0], seed=0)
    t, cells = out.traj[:, 0], out.traj[:, 1:4].sum(axis=1)
    for k in (30, 45):
        assert first_day_at_size(inputs.theta, cells[k], 1e5) == t[k]
        assert cells_at_day(inputs.theta, t[k]) == cells[k]


def test_surgery_happens_at_the_drawn_size():
    plan = trial_from_dict({
        "scenario": "breast", "follow_up_years": 1,
        "population": {"diagnosis": {"diameter_mm": {"distribution": "fixed", "value": 12.0}}},
        "arms": [{"name": "s", "courses": [{"therapy": "surgery"}]}],
        "randomisation": {"block_size": 1},
    })
    p = simulate_chunk(plan, 0, [0, 1])["patients"]
    assert np.allclose(p.surgery_diameter_mm, 12.0, rtol=0.02)
    assert (p.tumour_age_at_diagnosis_days > 0).all()
    assert (p.t_stage == "T1").all()


def test_course_stops_at_first_scan_with_a_new_metastasis():
    plan = trial_from_dict({
        "scenario": "breast", "follow_up_years": 4,
        "population": {"diagnosis": {"diameter_mm": {"distribution": "fixed", "value": 30.0}}},
        "imaging": {"interval_days": 90},
        "arms": [{"name": "a", "courses": [
            {"therapy": "surgery"},
            {"therapy": "anti_vegf", "dose": "5 mg/kg", "cycles": 100, "stop": "on_progression"},
        ]}],
        "randomisation": {"block_size": 1},
    })
    t = simulate_chunk(plan, 3, list(range(6)))
    c = t["courses"][t["courses"].therapy == "anti_vegf"].set_index("patient")
    sites = t["sites"]
    stopped = c[c.stopped_on_progression]
    assert len(stopped) > 0
    assert (t["patients"].sex == "female").all()
    assert not (sites.organ == "prostate").any()
    for pid, row in stopped.iterrows():
        new = sites[(sites.patient == pid) & (sites.organ != "breast")
                    & (sites.days_from_diagnosis > row.start_days)]
        assert row.stop_days == pytest.approx(new.days_from_diagnosis.min())


def test_cumulative_incidence_without_competing_risk_is_one_minus_km():
    time = np.array([1.0, 2.0, 2.0, 3.0, 4.0, 5.0])
    cause = np.array([1, 1, 0, 1, 0, 1])
    grid = np.array([0.5, 2.0, 3.5, 5.0])
    km = np.array([1.0, (5 / 6) * (4 / 5), (5 / 6) * (4 / 5) * (2 / 3), 0.0])
    assert np.allclose(cumulative_incidence(time, cause, grid), 1 - km)
    competing = cumulative_incidence(time, np.where(cause == 1, 2, 0), grid)
    assert np.allclose(competing, 0.0)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("[!b]*.toml")), ids=lambda p: p.name)
def test_example_trials_load_and_run(path):
    plan = load_trial(path)
    tables = simulate_chunk(plan, 0, [0, 1])
    assert len(tables["patients"]) == 2


def test_cli_writes_tables_summary_and_plots(tmp_path):
    trial = tmp_path / "t.toml"
    trial.write_text(
        'scenario = "breast"\nfollow_up_years = 2\n[randomisation]\nblock_size = 2\n'
        '[[arms]]\nname = "a"\ncourses = [{ therapy = "surgery" }]\n[[arms]]\nname = "b"\n'
        'courses = [{ therapy = "surgery" }, { therapy = "hormone", dose = "20 mg", cycles = 700 }]\n'
    )
    res = CliRunner().invoke(app, ["trial", str(trial), "-n", "8", "--out", str(tmp_path / "o"),
                                   "--chunk-size", "3", "-q"])
    assert res.exit_code == 0, res.output
    for name in ("patients.parquet", "sites.parquet", "courses.parquet", "summary.json",
                 "km.png", "incidence_by_organ.png", "swimmer.png"):
        assert (tmp_path / "o" / name).exists(), name
    assert len(pd.read_parquet(tmp_path / "o" / "patients.parquet")) == 8
    bad = tmp_path / "bad.toml"
    bad.write_text('scenario = "breast"\n[[arms]]\nname = "a"\n'
                   'courses = [{ therapy = "chemotherapy", dose = "60 mg" }]\n')
    res = CliRunner().invoke(app, ["trial", str(bad), "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "mg/m2" in res.output
    assert not (tmp_path / "x").exists()


def test_diameter_helpers_round_trip():
    assert diameter_mm(cells_for_diameter(7.0)) == pytest.approx(7.0)


def test_resistant_clone_grows_out_under_targeted_therapy():
    """A KRAS-targeted drug selects the resistant clone in KRAS-mutant patients only."""
    plan = trial_from_dict({
        "scenario": "breast", "follow_up_years": 2,
        "scenario_overrides": {"resistance": {"mutation_per_division": 1e-6}},
        "population": {"genotype": {"KRAS": {"mutant": 0.5}},
                       "diagnosis": {"diameter_mm": {"distribution": "fixed", "value": 15.0}}},
        "arms": [{"name": "targeted", "courses": [
            {"therapy": "targeted", "dose": "960 mg", "target": "KRAS:mutant", "cycles": 700,
             "kill_per_day": 0.05},
        ]}],
        "randomisation": {"block_size": 1},
    })
    p = simulate_chunk(plan, 0, list(range(8)))["patients"]
    mutant = p.genotype.str.contains("KRASmutant")
    assert mutant.any() and (~mutant).any()
    assert (p[mutant].resistant_share_end > 0.5).all()
    assert (p[~mutant].resistant_share_end < 0.01).all()
