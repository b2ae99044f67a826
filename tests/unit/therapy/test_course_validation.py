"""Bad courses and trials fail with messages that name the field, the value and the expectation."""

import pytest

from metastasis.cohort.trial_loader import TrialError, load_trial, trial_from_dict


def _trial(courses=None, **extra):
    data = {"scenario": "breast", "follow_up_years": 5,
            "arms": [{"name": "a", "courses": courses or []}, {"name": "b"}],
            "randomisation": {"block_size": 2}}
    data.update(extra)
    return data


def _error(data) -> str:
    with pytest.raises(TrialError) as err:
        trial_from_dict(data, "trial.toml")
    return str(err.value)


def test_bad_dose_unit():
    msg = _error(_trial([{"therapy": "chemotherapy", "dose": "60 mg/kg"}]))
    assert "trial.toml" in msg and "arms.0.courses.0.chemotherapy.dose" in msg
    assert "'60 mg/kg'" in msg and "mg/m2" in msg


def test_dose_without_unit():
    msg = _error(_trial([{"therapy": "anti_vegf", "dose": "5"}]))
    assert "dose" in msg and "'<number> <unit>'" in msg


def test_negative_start():
    msg = _error(_trial([{"therapy": "surgery", "start_days": -3}]))
    assert "start_days = -3" in msg and "greater than or equal to 0" in msg


def test_overlapping_courses_of_one_drug():
    msg = _error(_trial([
        {"therapy": "chemotherapy", "dose": "60 mg/m2", "start_days": 0, "cycles": 6},
        {"therapy": "chemotherapy", "dose": "60 mg/m2", "start_days": 100, "cycles": 2},
    ]))
    assert "overlaps courses[0]" in msg and "not to overlap" in msg


def test_impossible_schedules():
    assert "cannot overlap" in _error(_trial([
        {"therapy": "anti_vegf", "dose": "5 mg/kg", "interval_days": 14, "duration_days": 20}]))
    assert "less than or equal to 1" in _error(_trial([{"therapy": "surgery", "cycles": 2}]))
    assert "after the end of follow-up" in _error(_trial([
        {"therapy": "surgery", "start_days": 5000}]))
    assert "multiple of the summed arm allocations" in _error(
        _trial(randomisation={"block_size": 3}))
    assert "unknown target" in _error(_trial([
        {"therapy": "targeted", "dose": "960 mg", "target": "EGFR:mutant"}]))


def test_unknown_field_and_parameter_bounds():
    assert "unknown field" in _error(_trial([{"therapy": "surgery", "margin": 1}]))
    msg = _error(_trial(population={"parameters": {"primary.nonsense": {
        "distribution": "fixed", "value": 1.0}}}))
    assert "not a field of the scenario" in msg
    msg = _error(_trial(population={"parameters": {"emt.suppression": {
        "distribution": "normal", "mean": 0.5, "sd": 0.5}}}))
    assert "emt.suppression" in msg and "set min/max" in msg


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(TrialError, match="no such trial file"):
        load_trial(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n")
    with pytest.raises(TrialError, match="TOML syntax error"):
        load_trial(bad)
