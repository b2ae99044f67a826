"""The standard-of-care pathway: who receives which course, and what it does to the course."""

from __future__ import annotations

import pytest

import metastasis
from metastasis.scenario.loader import ScenarioError, scenario_from_dict

STAGE_COLUMNS = ["presentation", "diagnosis_days", "diagnosis_diameter_mm", "t_stage",
                 "n_stage", "m_stage", "summary_stage", "positive_nodes"]


@pytest.fixture(scope="module")
def both():
    treated = metastasis.simulate("breast", patients=120, years=5, seed=31)
    natural = metastasis.simulate(scenario_from_dict({"extends": "breast", "history": "natural"}),
                                  patients=120, years=5, seed=31)
    return treated, natural


def test_treatment_does_not_change_what_happened_before_it(both):
    """Diagnosis and staging come from the course before treatment starts, so they are the
    same patient by patient whether or not the pathway is applied."""
    treated, natural = both
    assert treated.metadata["history"] == "standard_of_care"
    a, b = treated.patients[STAGE_COLUMNS], natural.patients[STAGE_COLUMNS]
    assert a.equals(b)
    assert set(natural.patients.treatment) <= {"none", ""}


def test_each_patient_receives_the_steps_it_is_eligible_for(both):
    p = both[0].patients
    dx = p[p.diagnosis_days.notna()]
    steps = dx.treatment.str.split("; ")
    m0 = dx.summary_stage.isin(["localized", "regional"])
    has = lambda name: steps.apply(lambda s: name in s)  # noqa: E731
    assert (has("surgery of the primary") == m0).all()
    assert (has("adjuvant endocrine therapy, 5 years") == (m0 & dx.hormone_receptor_positive)).all()
    assert (has("axillary dissection") == (m0 & (dx.positive_nodes > 0))).all()
    assert not has("adjuvant chemotherapy (receptor-negative)")[dx.hormone_receptor_positive].any()
    assert (p.treatment[p.diagnosis_days.isna()] == "").all()


def test_surgery_removes_the_primary_thirty_days_after_diagnosis(both):
    treated = both[0]
    p = treated.patients
    op = p[p.treatment.str.contains("surgery of the primary")]
    tr = treated.trajectories
    prim = tr[tr.compartment.isin(["primary_epithelial", "primary_hybrid",
                                   "primary_mesenchymal"])]
    after = prim.merge(op[["patient", "diagnosis_days"]], on="patient")
    after = after[after.time_days > after.diagnosis_days + 31]
    assert len(after) > 100
    assert (after.cells == 0).all()


def test_treatment_lengthens_survival(both):
    treated, natural = both

    def deaths(r):
        p = r.patients
        return ((p.death_cause != "") & (p.death_cause != "other")).sum()
    assert deaths(treated) < 0.6 * deaths(natural)


def test_bad_pathway_input_is_named():
    with pytest.raises(ScenarioError, match="does not match any of the expected tags"):
        scenario_from_dict({"extends": "breast", "pathway": {"steps": [
            {"name": "x", "course": {"therapy": "homeopathy"}}]}})
    with pytest.raises(ScenarioError, match="needs \\[\\[pathway.steps\\]\\]"):
        scenario_from_dict({"extends": "colorectal", "history": "standard_of_care",
                            "pathway": {"steps": []}})
    with pytest.raises(ScenarioError, match="summary_stage"):
        scenario_from_dict({"extends": "breast", "pathway": {"steps": [
            {"name": "x", "eligible": {"summary_stage": ["early"]},
             "course": {"therapy": "surgery"}}]}})
