"""Staging at diagnosis: T bands, nodes found with the biopsy's sensitivity, M from the work-up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import metastasis
from metastasis.scenario.loader import ScenarioError, scenario_from_dict


@pytest.fixture(scope="module")
def colorectal():
    return metastasis.simulate("colorectal", patients=200, years=1, seed=21)


def _dx(res) -> pd.DataFrame:
    p = res.patients
    return p[p.diagnosis_days.notna()]


def test_t_stage_is_the_band_of_the_diameter(colorectal):
    dx = _dx(colorectal)
    limits = [15.0, 30.0, 60.0]  # the colorectal preset's t_limits_mm
    expected = "T" + (np.searchsorted(limits, dx.diagnosis_diameter_mm, side="left") + 1).astype(str)
    assert (dx.t_stage == expected).all()
    assert dx.t_stage.nunique() >= 3


def test_n_stage_counts_the_nodal_deposits_at_the_work_up(colorectal):
    dx = _dx(colorectal)
    les = colorectal.lesions
    obs_nodes = les[(les.organ == "regional_lymph_nodes")]
    assert ((dx.positive_nodes > 0) == dx.n_stage.isin(["N1", "N2"])).all()
    assert (dx.n_stage[dx.positive_nodes.between(1, 3)] == "N1").all()
    assert (dx.n_stage[dx.positive_nodes >= 4] == "N2").all()
    # a node-positive patient has nodal lesions
    pos = dx[dx.positive_nodes > 0]
    assert set(pos.patient) <= set(obs_nodes.patient)


@pytest.mark.slow
def test_node_positivity_rises_with_t():
    """Among M0 patients (those whose nodes are staged at surgery), T3-T4 cancers are more
    often node-positive than T1-T2 ones, by more than two standard errors of the difference
    (1,000 colorectal patients, about 400 in each group)."""
    dx = _dx(metastasis.simulate("colorectal", patients=1000, years=1, seed=21))
    dx = dx[dx.m_stage == "M0"]
    deep = dx.t_stage.isin(["T3", "T4"])
    hi, lo = (dx[deep].positive_nodes > 0).mean(), (dx[~deep].positive_nodes > 0).mean()
    se = np.sqrt(hi * (1 - hi) / deep.sum() + lo * (1 - lo) / (~deep).sum())
    assert hi - lo > 2 * se


def test_node_sensitivity_zero_finds_no_nodes():
    sc = scenario_from_dict({"extends": "colorectal", "staging": {"node_sensitivity": 0.0}})
    dx = _dx(metastasis.simulate(sc, patients=60, years=1, seed=21))
    assert (dx.n_stage == "N0").all() and (dx.positive_nodes == 0).all()


def test_m_stage_and_summary_stage(colorectal):
    p = colorectal.patients
    dx = _dx(colorectal)
    les = colorectal.lesions
    distant = les[~les.organ.isin(["colon", "regional_lymph_nodes"]) & les.detected_days.notna()
                  & (les.lesion_id != 0)]
    found = distant.merge(dx[["patient", "diagnosis_days"]], on="patient")
    at_work_up = set(found[found.detected_days <= found.diagnosis_days + 1e-6].patient)
    m1 = set(dx[dx.m_stage == "M1"].patient)
    assert at_work_up <= m1
    assert m1 - at_work_up <= set(dx[dx.presentation == "metastasis_symptom"].patient)
    assert (dx.summary_stage[dx.m_stage == "M1"] == "distant").all()
    m0 = dx[dx.m_stage == "M0"]
    assert (m0.summary_stage == np.where(m0.positive_nodes > 0, "regional", "localized")).all()
    # undiagnosed patients have no stage
    assert (p[p.diagnosis_days.isna()].summary_stage == "").all()


def test_bad_staging_input_is_named():
    with pytest.raises(ScenarioError, match="t_limits_mm = \\[50.0, 20.0\\]: expected strictly"):
        scenario_from_dict({"extends": "breast", "staging": {"t_limits_mm": [50.0, 20.0]}})


def test_survival_by_stage_without_censoring_is_the_share_alive():
    """With every patient followed to death, Kaplan–Meier is the empirical survival."""
    from metastasis.cohort.stage_survival import survival_by_stage

    deaths_years = np.array([1.0, 2.0, 4.0, 6.0, 7.0, 9.0, 3.0, 8.0])
    pats = pd.DataFrame({
        "summary_stage": ["localized"] * 6 + ["distant"] * 2,
        "diagnosis_days": 100.0,
        "follow_up_days": 100.0 + deaths_years * 365.25,
        "censored": False,
    })
    by = {s.stage: s for s in survival_by_stage(pats)}
    assert by["localized"].five_year == pytest.approx(3 / 6)
    assert by["distant"].five_year == pytest.approx(1 / 2)
    assert by["localized"].n == 6 and by["distant"].deaths == 2
    assert "regional" not in by


def test_recurrence_is_the_first_lesion_found_after_the_work_up_of_an_m0_patient():
    res = metastasis.simulate("colorectal", patients=150, seed=5)
    p = res.patients
    dx = p[p.diagnosis_days.notna()]
    rec = dx[dx.recurrence_days.notna()]
    assert len(rec) > 20
    assert (rec.m_stage == "M0").all()
    assert (dx[dx.m_stage == "M1"].recurrence_type == "").all()
    assert (rec.recurrence_days > rec.diagnosis_days).all()
    les = res.lesions[res.lesions.detected_days.notna() & (res.lesions.lesion_id != 0)]
    kind = {"colon": "local", "regional_lymph_nodes": "regional"}
    rank = {"local": 0, "regional": 1, "distant": 2}
    for r in rec.itertuples():
        at = les[(les.patient == r.patient) & (les.detected_days == r.recurrence_days)]
        assert len(at)
        kinds = {kind.get(str(o), "distant") for o in at.organ}
        assert r.recurrence_type == max(kinds, key=rank.get)
        earlier = les[(les.patient == r.patient) & (les.detected_days > r.diagnosis_days + 1e-6)
                      & (les.detected_days < r.recurrence_days)]
        assert earlier.empty
    assert set(dx.recurrence_type) <= {"", "local", "regional", "distant"}


def test_m1_sites_are_the_organs_of_the_distant_lesions_found_at_the_work_up(colorectal):
    dx = _dx(colorectal)
    les = colorectal.lesions
    at = dx.set_index("patient").diagnosis_days
    found = les[les.detected_days.notna() & ~les.organ.isin(["colon", "regional_lymph_nodes"])
                & (les.lesion_id > 0)]
    found = found[found.detected_days <= at.reindex(found.patient).to_numpy() + 1e-6]
    sites = found.groupby("patient").organ.apply(lambda o: set(o.astype(str)))
    got = dx.set_index("patient").m1_sites
    assert (got != "").sum() == len(sites) >= 3
    for pid, s in sites.items():
        assert set(got[pid].split(";")) == s
    counts = found.groupby("patient").size()
    assert (dx.set_index("patient").m1_lesions.reindex(counts.index) == counts).all()
    assert (dx.m_stage[dx.m1_sites != ""] == "M1").all()
