"""Population draws: per-patient streams, shares, correlations, doubling times, sexes."""

from __future__ import annotations

import numpy as np
import pytest

import metastasis
from metastasis.engine.params import build_inputs
from metastasis.patients import draw_patients, prepare_cohort
from metastasis.patients.kinetics import doubling_time_days, patient_thetas
from metastasis.patients.presentation import ROUTES
from metastasis.patients.sex_organs import absent_organs
from metastasis.scenario.distributions import Distribution
from metastasis.scenario.loader import scenario_from_dict
from metastasis.scenario.population import Correlation, Population, Subtype


def _pop(**kw) -> Population:
    return Population(**kw)


def test_draws_do_not_depend_on_the_batch():
    pop = metastasis.load_scenario("breast").population
    whole = draw_patients(pop, 7, list(range(40)), 100.0)
    part = draw_patients(pop, 7, list(range(25, 40)), 100.0)
    for name, v in whole.kinetics.items():
        np.testing.assert_array_equal(v[25:], part.kinetics[name])
    np.testing.assert_array_equal(whole.subtype[25:], part.subtype)
    np.testing.assert_array_equal(whole.age_at_diagnosis_years[25:], part.age_at_diagnosis_years)


def test_subtype_and_sex_shares_match_the_population():
    pop = _pop(female_share=0.3, subtypes={"a": Subtype(share=0.2), "b": Subtype(share=0.8)})
    d = draw_patients(pop, 1, list(range(20000)), 100.0)
    se = np.sqrt(0.2 * 0.8 / 20000)
    assert abs(np.mean(d.subtype == 0) - 0.2) < 4 * se
    assert abs(np.mean(d.female) - 0.3) < 4 * np.sqrt(0.21 / 20000)


def test_lognormal_median_and_spread_and_copula_correlation():
    lognormal = Distribution(distribution="lognormal", median=150.0, sigma=0.6)
    pop = _pop(kinetics={"volume_doubling_time_days": lognormal,
                         "dissemination": Distribution(distribution="lognormal", median=1.0,
                                                       sigma=1.0)},
               correlations=[Correlation(between=("volume_doubling_time_days",
                                                  "dissemination"), rho=-0.6)])
    d = draw_patients(pop, 3, list(range(20000)), 100.0)
    logs = np.log(d.kinetics["volume_doubling_time_days"])
    assert abs(np.exp(np.median(logs)) / 150.0 - 1.0) < 0.03
    assert abs(logs.std() - 0.6) < 0.02
    r = np.corrcoef(logs, np.log(d.kinetics["dissemination"]))[0, 1]
    assert abs(r - (-0.6)) < 0.03  # log-normal scores are the copula's normal scores


def test_subtype_multiplies_the_doubling_time():
    pop = _pop(subtypes={"slow": Subtype(share=0.5), "fast": Subtype(share=0.5,
                                                                        doubling_time_multiplier=0.5)})
    d = draw_patients(pop, 2, list(range(100)), 120.0)
    vdt = d.kinetics["volume_doubling_time_days"]
    assert set(np.round(vdt, 9)) == {120.0, 60.0}
    np.testing.assert_allclose(vdt[d.subtype == 1], 60.0)


def test_patient_doubling_time_is_realised_by_its_theta():
    sc = metastasis.load_scenario("breast")
    theta = build_inputs(sc).theta
    ref = doubling_time_days(theta)
    kin = {"volume_doubling_time_days": np.array([60.0, 164.0, 400.0])}
    kin.update({k: np.ones(3) for k in ("dissemination", "dormancy_entry", "dormancy_clearance",
                                        "dormancy_wake", "immune_control")})
    rows = patient_thetas(theta, kin, ref)
    got = np.array([doubling_time_days(r) for r in rows])
    # the primary's course is rescaled in time; the one-day step rounds each crossing day
    np.testing.assert_allclose(got, kin["volume_doubling_time_days"], rtol=0.03, atol=2.0)


def test_ages_at_diagnosis_follow_the_population():
    """The drawn age is the age at clinical presentation; screening only makes it younger."""
    sc = metastasis.load_scenario("breast")
    inputs = build_inputs(sc)
    c = prepare_cohort(sc, inputs, 5, list(range(400)), 5.0)
    dx_age = c.age_at_first_cell_years + c.diagnosis_days / 365.25
    route = np.asarray(ROUTES, dtype=object)[c.presentation.route]
    ok = np.isfinite(c.diagnosis_days) & (c.age_at_first_cell_years > 0)
    clinical = ok & np.isin(route, ["symptom", "incidental"])
    screened = ok & (route == "screening")
    assert clinical.sum() > 150 and screened.sum() > 50
    np.testing.assert_allclose(dx_age[clinical], c.draws.age_at_diagnosis_years[clinical],
                               atol=1e-9)
    assert (dx_age[screened] < c.draws.age_at_diagnosis_years[screened]).all()
    # screen-detected at the programme's ages only (mammography 50-74)
    assert dx_age[screened].min() >= 50.0 - 1e-9 and dx_age[screened].max() < 75.0 + 1 / 365.25
    assert abs(np.median(dx_age[ok]) - 62.0) < 2.0  # SEER median age at diagnosis (NCI)
    # follow-up runs from diagnosis; scans happen only from diagnosis on
    for t, obs in zip(c.diagnosis_days, c.observe_days, strict=True):
        assert len(obs) == 0 or obs[0] >= t


def test_sex_specific_organs():
    pop = _pop()
    assert absent_organs(True, pop) == ("prostate",)
    assert absent_organs(False, pop) == ("breast",)
    assert absent_organs(False, _pop(male_breast_lesions=True)) == ()


@pytest.mark.parametrize("bad, message", [
    (dict(subtypes={"a": Subtype(share=0.5), "b": Subtype(share=0.4)}), "sum to 0.9"),
    (dict(kinetics={"growth": Distribution.fixed(1.0)}), "unknown kinetic parameter 'growth'"),
    (dict(kinetics={"dissemination": Distribution(distribution="normal", mean=1.0, sd=1.0)}),
     "must be > 0"),
    (dict(kinetics={"dissemination": Distribution.fixed(1.0)},
          correlations=[Correlation(between=("dissemination", "dormancy_wake"), rho=0.5)]),
     "'dormancy_wake', which is not among the kinetics"),
])
def test_bad_population_is_refused_with_the_field(bad, message):
    with pytest.raises(ValueError, match=message):
        Population(**bad)


def test_negative_spread_and_prostate_in_women_are_refused():
    with pytest.raises(ValueError, match="sigma"):
        Distribution(distribution="lognormal", median=1.0, sigma=-0.1)
    with pytest.raises(metastasis.ScenarioError, match="female_share = 0.5: a prostate"):
        scenario_from_dict(
            {"extends": "prostate", "population": {"female_share": 0.5}})
