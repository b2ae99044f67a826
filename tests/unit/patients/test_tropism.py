"""Each patient's own organ preferences: lognormal multipliers of mean 1 on the organ weights."""

from __future__ import annotations

import numpy as np
import pytest

import metastasis
from metastasis.anatomy.organs import ORGANS
from metastasis.patients.tropism import lymphatic_multipliers, tropism_multipliers
from metastasis.scenario.loader import ScenarioError, scenario_from_dict

SIGMA = 1.5


def test_no_spread_leaves_every_weight_alone():
    assert (tropism_multipliers(3, range(50), 0.0, "breast") == 1.0).all()


def test_multipliers_are_lognormal_with_mean_one():
    """ln m ~ Normal(−σ²/2, σ²) for every organ but the primary's and the regional nodes:
    over 4,000 patients × 14 organs the log mean and SD are within 4 standard errors, and the
    mean multiplier within 4 standard errors of 1 (sd of m: √(e^{σ²} − 1))."""
    m = tropism_multipliers(11, range(4000), SIGMA, "colon")
    kept = [ORGANS.index("colon"), ORGANS.index("regional_lymph_nodes")]
    assert (m[:, kept] == 1.0).all()
    free = np.log(np.delete(m, kept, axis=1)).ravel()
    n = free.size
    assert abs(free.mean() + SIGMA**2 / 2) < 4 * SIGMA / np.sqrt(n)
    assert abs(free.std() - SIGMA) < 4 * SIGMA / np.sqrt(2 * n)
    sd = np.sqrt(np.expm1(SIGMA**2))
    assert abs(np.exp(free).mean() - 1.0) < 4 * sd / np.sqrt(n)


def test_a_patients_multipliers_are_its_own_whatever_the_batch():
    whole = tropism_multipliers(5, [0, 1, 2, 3, 4, 5], SIGMA, "lung")
    part = tropism_multipliers(5, [4, 1], SIGMA, "lung")
    assert np.array_equal(part, whole[[4, 1]])
    assert not np.array_equal(whole[0], whole[1])


@pytest.fixture(scope="module")
def spread():
    sc = scenario_from_dict({"extends": "breast", "history": "natural",
                             "population": {"organotropism_sigma": SIGMA}})
    return metastasis.simulate(sc, patients=300, years=5, seed=13)


def test_the_patients_table_shows_the_multipliers_that_were_used(spread):
    p = spread.patients
    m = tropism_multipliers(13, p.patient.tolist(), SIGMA, "breast")
    cols = [f"tropism_{o}" for o in ORGANS]
    assert np.array_equal(p[cols].to_numpy(), m)


def test_patients_colonise_the_organs_they_favour(spread):
    """Among patients with any distant lesion, those whose lesions include the liver (bone)
    drew a larger liver (bone) multiplier: the mean log multiplier differs by more than
    four standard errors."""
    p = spread.patients.set_index("patient")
    les = spread.lesions
    metastatic = p.index[p.index.isin(les[~les.organ.isin(["breast", "regional_lymph_nodes"])]
                                      .patient)]
    assert len(metastatic) >= 40
    for organ in ("liver", "bone"):
        has = metastatic.isin(les[les.organ == organ].patient)
        z = np.log(p.loc[metastatic, f"tropism_{organ}"])
        a, b = z[has], z[~has]
        assert len(a) >= 10 and len(b) >= 10
        se = np.sqrt(a.var() / len(a) + b.var() / len(b))
        assert a.mean() - b.mean() > 4 * se, organ


def test_a_negative_spread_is_named():
    with pytest.raises(ScenarioError, match="population.organotropism_sigma"):
        scenario_from_dict({"extends": "breast", "population": {"organotropism_sigma": -1}})
    with pytest.raises(ScenarioError, match="population.lymphatic_sigma"):
        scenario_from_dict({"extends": "breast", "population": {"lymphatic_sigma": -0.5}})


def test_lymphatic_spread_replaces_the_dissemination_multiplier_at_the_nodes():
    """L/D per patient: L lognormal of median 1 and log-SD σ (4,000 patients, within 4
    standard errors), D the patient's dissemination multiplier; None leaves the nodes alone."""
    d = np.exp(np.random.default_rng(0).normal(-3.0, 3.0, 4000))
    m = lymphatic_multipliers(17, range(4000), SIGMA, d)
    log_l = np.log(m * d)
    assert abs(log_l.mean()) < 4 * SIGMA / np.sqrt(4000)
    assert abs(log_l.std() - SIGMA) < 4 * SIGMA / np.sqrt(2 * 4000)
    assert np.array_equal(lymphatic_multipliers(17, [5, 9], SIGMA, d[[5, 9]]), m[[5, 9]])
    assert (lymphatic_multipliers(17, range(10), None, d[:10]) == 1.0).all()


def test_with_lymphatic_spread_the_nodes_follow_it_and_not_dissemination():
    """Colorectal M0 patients, 1 year: the regional-node multiplier in the patients table is
    L/D (its product with `dissemination` is the patient's own lognormal L), and node-positive
    patients drew a larger L than node-negative ones by more than four standard errors."""
    w = dict(metastasis.load_scenario("colorectal").dormancy.organ_weights)
    sc = scenario_from_dict({"extends": "colorectal", "population": {"lymphatic_sigma": SIGMA},
                             "dormancy": {"organ_weights": {**w, "regional_lymph_nodes": 0.005}}})
    p = metastasis.simulate(sc, patients=400, years=1, seed=21).patients
    lymph = p.tropism_regional_lymph_nodes * p.dissemination
    expect = lymphatic_multipliers(21, p.patient.tolist(), SIGMA, p.dissemination.to_numpy())
    np.testing.assert_allclose(p.tropism_regional_lymph_nodes, expect, rtol=1e-12)
    m0 = p[p.m_stage == "M0"].index
    pos = p.loc[m0, "positive_nodes"] > 0
    z = np.log(lymph[m0])
    a, b = z[pos.to_numpy()], z[~pos.to_numpy()]
    assert len(a) >= 30 and len(b) >= 30
    assert a.mean() - b.mean() > 4 * np.sqrt(a.var() / len(a) + b.var() / len(b))
