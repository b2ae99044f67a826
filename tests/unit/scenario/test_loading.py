"""Scenario files: presets, inheritance, and clear errors for every class of bad input."""

import pytest

from metastasis import ScenarioError, available_presets, load_scenario
from metastasis.scenario.loader import scenario_from_dict


def write(tmp_path, text, name="s.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_every_preset_loads_with_a_description():
    presets = available_presets()
    assert "breast" in presets
    for name, desc in presets.items():
        sc = load_scenario(name)
        assert sc.name == name
        assert desc


def test_extends_overrides_one_field_and_keeps_the_rest(tmp_path):
    base = load_scenario("breast")
    p = write(tmp_path, 'extends = "breast"\nname = "mine"\n[genotype]\nTP53 = "loss"\n'
                        "[dormancy]\nwake_per_day = 3e-8\n")
    sc = load_scenario(p)
    assert sc.name == "mine" and sc.genotype.TP53 == "loss"
    assert sc.dormancy.wake_per_day == 3e-8
    assert sc.dormancy.organ_weights == base.dormancy.organ_weights
    assert sc.primary_site == base.primary_site


def test_toml_syntax_error_names_the_file(tmp_path):
    p = write(tmp_path, 'extends = "breast"\n[genotype\nTP53 = "loss"\n')
    with pytest.raises(ScenarioError, match=r"s\.toml: TOML syntax error"):
        load_scenario(p)


def test_unknown_field_names_the_path(tmp_path):
    p = write(tmp_path, 'extends = "breast"\n[dormancy]\nwake_rate = 1e-8\n')
    with pytest.raises(ScenarioError, match=r"dormancy\.wake_rate = 1e-08: unknown field"):
        load_scenario(p)


def test_unknown_organ_is_named_with_the_valid_ones(tmp_path):
    p = write(tmp_path, 'extends = "breast"\n[dormancy.organ_weights]\nspleen = 2.0\n')
    with pytest.raises(ScenarioError, match=r"unknown organ 'spleen'.*expected one of: lung"):
        load_scenario(p)
    with pytest.raises(ScenarioError, match=r"primary_site = 'gallbladder'"):
        scenario_from_dict({"extends": "breast", "primary_site": "gallbladder"})


def test_negative_rate_names_field_value_and_bound(tmp_path):
    p = write(tmp_path, 'extends = "breast"\n[dormancy]\nclearance_per_day = -0.1\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(p)
    msg = str(err.value)
    assert "s.toml" in msg and "dormancy.clearance_per_day = -0.1" in msg
    assert "greater than or equal to 0" in msg


def test_out_of_range_probability():
    with pytest.raises(ScenarioError, match=r"circulation\.platelet_cloaking = 1\.5.*less than or equal to 1"):
        scenario_from_dict({"extends": "breast", "circulation": {"platelet_cloaking": 1.5}})


def test_inconsistent_times():
    with pytest.raises(ScenarioError, match=r"start_day \(5000\.0\) is after the end of follow-up"):
        scenario_from_dict({"extends": "breast", "time": {"years": 5},
                            "clinical": {"imaging": {"start_day": 5000}}})
    with pytest.raises(ScenarioError, match=r"record_interval_days \(0\.5\) must be >= dt_days"):
        scenario_from_dict({"extends": "breast", "time": {"record_interval_days": 0.5}})


def test_unknown_preset_and_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match=r"unknown preset 'spleen'; expected one of: .*breast"):
        load_scenario("spleen")
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "missing.toml")
    with pytest.raises(ScenarioError, match="extends = 3: expected a preset name"):
        scenario_from_dict({"extends": 3})
