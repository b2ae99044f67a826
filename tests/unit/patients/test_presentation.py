"""Routes to diagnosis: symptom and incidental hazards, screening rounds, metastatic symptoms."""

from __future__ import annotations

import numpy as np
import pytest

import metastasis
from metastasis.engine.batch import run_batch
from metastasis.engine.layout import N_TRAJ_FIXED
from metastasis.engine.params import T_END, build_inputs
from metastasis.engine.primary import first_day_at_size
from metastasis.patients import prepare_cohort
from metastasis.patients.presentation import ROUTES
from metastasis.scenario.loader import ScenarioError, scenario_from_dict

NO_OTHER_ROUTES = {"incidental": {"imaging_per_year": 0.0}, "metastasis_symptoms": False}


def _cohort(presentation: dict, n: int, seed: int = 3, **population):
    sc = scenario_from_dict({
        "extends": "breast", "presentation": presentation,
        "population": {"other_cause_mortality": False, **population},
    })
    return sc, prepare_cohort(sc, build_inputs(sc), seed, list(range(n)), 1.0)


def _routes(c) -> np.ndarray:
    return np.asarray(ROUTES, dtype=object)[c.presentation.route]


def test_a_flat_symptom_hazard_gives_exponential_presentation_times():
    """With D50 far below any tumour the hazard is h_max from the first cell on, so the day
    of presentation is Exp(h_max): mean and SD 1/h_max (1 year here)."""
    flat = {"name": "flat", "max_per_year": 1.0, "diameter50_mm": 1e-6, "hill": 8.0}
    _, c = _cohort({"primary_symptoms": [flat], "screening": [], **NO_OTHER_ROUTES}, 3000)
    years = c.diagnosis_days / 365.25
    se = 1.0 / np.sqrt(len(years))
    assert abs(years.mean() - 1.0) < 4 * se
    assert abs(years.std() - 1.0) < 0.1
    assert set(_routes(c)) == {"symptom"}
    assert (c.presentation.detail == "flat").all()


def test_incidental_hazard_is_the_imaging_rate_times_detection():
    """Large primaries are found at the examination rate times the CT plateau (0.80)."""
    never = {"name": "never", "max_per_year": 1e-9, "diameter50_mm": 500.0}
    sc, c = _cohort({"primary_symptoms": [never], "screening": [],
                     "incidental": {"imaging_per_year": 1.0}, "metastasis_symptoms": False}, 3000)
    # once the primary is 30 mm (five times the CT's D50 of 6 mm, p = 0.80) the remaining
    # waiting time is Exp(rate × 0.80): memoryless, mean 1.25 years
    d30 = np.array([first_day_at_size(t, np.pi / 6 * 30.0**3 * 1e6, 1e5) for t in c.thetas])
    late = (c.diagnosis_days - d30)[c.diagnosis_days > d30]
    assert set(_routes(c)) == {"incidental"}
    assert len(late) > 300
    assert abs(late.mean() / 365.25 - 1.0 / 0.8) < 4 * 1.25 / np.sqrt(len(late))


def test_screening_finds_participants_at_round_ages_only():
    late = {"name": "late", "max_per_year": 0.5, "diameter50_mm": 200.0}
    test = {"test": "perfect test", "start_age_years": 50, "stop_age_years": 70,
            "interval_years": 2, "uptake": 0.3, "diameter50_mm": 0.5, "hill": 8.0}
    _, c = _cohort({"primary_symptoms": [late], "screening": [test], **NO_OTHER_ROUTES}, 2000)
    routes = _routes(c)
    screened = routes == "screening"
    age = c.age_at_first_cell_years + c.diagnosis_days / 365.25
    rounds = 50 + 2 * np.arange(10)
    gap = np.abs(age[screened][:, None] - rounds[None, :]).min(axis=1)
    assert gap.max() < 1.0 / 365.25  # on the day of the round
    # a participant whose tumour exists at a round is found there (uptake 0.3, binomial SE 0.01)
    assert 0.2 < screened.mean() <= 0.3 + 3 * np.sqrt(0.3 * 0.7 / 2000)
    assert (c.presentation.detail[screened] == "perfect test").all()


def test_screening_can_be_switched_off():
    sc = metastasis.load_scenario("breast")
    off = sc.presentation.model_copy(deep=True)
    off.screening[0].enabled = False
    on_c = prepare_cohort(sc, build_inputs(sc), 2, list(range(300)), 1.0)
    sc_off = sc.model_copy(update={"presentation": off})
    off_c = prepare_cohort(sc_off, build_inputs(sc_off), 2, list(range(300)), 1.0)
    assert (_routes(on_c) == "screening").sum() > 30
    assert (_routes(off_c) == "screening").sum() == 0
    # without screening, cancers are found later and larger
    assert np.nanmedian(off_c.presentation.diameter_mm) > np.nanmedian(on_c.presentation.diameter_mm)


def test_bad_presentation_input_is_named():
    with pytest.raises(ScenarioError, match="age range is empty"):
        scenario_from_dict({"extends": "breast", "presentation": {"screening": [
            {"test": "x", "start_age_years": 70, "stop_age_years": 50, "interval_years": 1,
             "uptake": 0.5, "diameter50_mm": 5.0}]}})
    with pytest.raises(ScenarioError, match="diagnosis_diameter_mm is no longer a setting"):
        scenario_from_dict({"extends": "breast", "population": {
            "diagnosis_diameter_mm": {"distribution": "fixed", "value": 20.0}}})
    with pytest.raises(ScenarioError, match="max_per_year"):
        scenario_from_dict({"extends": "breast", "presentation": {"primary_symptoms": [
            {"name": "x", "max_per_year": -1.0, "diameter50_mm": 5.0}]}})


def test_the_course_before_diagnosis_does_not_depend_on_the_end_of_the_run():
    """The two-pass placement of metastatic presentations relies on this: the same patient
    run to two different ends has the same trajectory up to the earlier end."""
    sc = metastasis.load_scenario("lung")
    inputs = build_inputs(sc, years=1.0)
    c = prepare_cohort(sc, inputs, 9, [0, 1, 2], 1.0)
    short, long_ = c.thetas.copy(), c.thetas.copy()
    short[:, T_END] = 0.6 * c.thetas[:, T_END]
    a = run_batch(inputs, [0, 1, 2], 9, thetas=short)
    b = run_batch(inputs, [0, 1, 2], 9, thetas=long_)
    for p in range(3):
        ta = a.traj[a.tr_patient == p]
        tb = b.traj[b.tr_patient == p]
        tb = tb[tb[:, 0] <= ta[-1, 0] + 1e-9]
        np.testing.assert_array_equal(ta[:-1, : 1 + N_TRAJ_FIXED], tb[: len(ta) - 1,
                                                                      : 1 + N_TRAJ_FIXED])
        np.testing.assert_array_equal(ta[:-1], tb[: len(ta) - 1])


def test_metastatic_presentation_falls_on_the_first_symptom():
    res = metastasis.simulate("lung", patients=200, years=1, seed=12)
    p = res.patients
    met = p[p.presentation == "metastasis_symptom"]
    assert len(met) >= 3
    ev = res.events[(res.events.event == "symptom")]
    first = ev.groupby("patient").time_days.min()
    # diagnosed at the end of the day the first symptom begins
    np.testing.assert_allclose(met.diagnosis_days.to_numpy(),
                               np.ceil(first.reindex(met.patient).to_numpy() - 1e-9), atol=1e-9)
    # everyone else presented before any symptom of their metastases
    others = p[p.diagnosis_days.notna() & (p.presentation != "metastasis_symptom")]
    later = first.reindex(others.patient).to_numpy()
    assert (np.isnan(later) | (later >= others.diagnosis_days.to_numpy() - 1.0)).all()


def _silent_lung(constitutional: bool):
    """Lung patients whose cancer can only be found by constitutional symptoms."""
    return scenario_from_dict({"extends": "lung", "history": "natural", "presentation": {
        "primary_symptoms": [{"name": "none", "max_per_year": 1e-9, "diameter50_mm": 500.0}],
        "screening": [], "incidental": {"imaging_per_year": 0.0},
        "metastasis_symptoms": False, "constitutional": {"enabled": constitutional}}})


def test_constitutional_symptoms_find_a_cancer_before_its_burden_kills():
    """With every other route silent, a cancer left alone kills undiagnosed; with the
    constitutional route on (hazard 0.02·B³/(B³ + 1e33) per day), a cancer is found first in
    at least two of three patients it kills, as `symptom` with its name as the detail. (The
    hazard is steep, so it fires as the burden nears 1e11 cells; lung failure can come at a
    smaller whole-body burden.)"""
    off = metastasis.simulate(_silent_lung(False), patients=60, years=10, seed=4).patients
    on = metastasis.simulate(_silent_lung(True), patients=60, years=10, seed=4).patients
    dead_off = off[~off.censored & (off.death_cause != "other")]
    assert len(dead_off) >= 10 and dead_off.diagnosis_days.isna().all()
    found = on[on.diagnosis_days.notna()]
    assert (found.presentation == "symptom").all()
    assert (found.presentation_detail == "weight loss and fatigue").all()
    cancer_dead = on[~on.censored & (on.death_cause != "other")]
    assert cancer_dead.diagnosis_days.notna().mean() >= 2 / 3
