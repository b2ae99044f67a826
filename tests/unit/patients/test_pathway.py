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


RESECT_LIVER = {"name": "resection of liver metastases",
                "eligible": {"summary_stage": ["distant"], "m1_sites_within": ["liver"],
                             "max_m1_lesions": 3},
                "course": {"therapy": "surgery", "target": "liver", "start_days": 60}}


@pytest.fixture(scope="module")
def resected():
    sc = scenario_from_dict({"extends": "colorectal", "pathway": {"steps": [RESECT_LIVER]}})
    return metastasis.simulate(sc, patients=400, years=2, seed=8)


def test_metastasectomy_goes_to_patients_whose_distant_lesions_are_few_and_resectable(resected):
    """The step reaches exactly the diagnosed patients whose work-up found distant lesions in
    the liver alone, three at most."""
    p = resected.patients
    dx = p[p.diagnosis_days.notna()]
    got = dx.treatment.str.contains("resection of liver metastases")
    expect = (dx.m1_sites == "liver") & (dx.m1_lesions <= 3)
    assert expect.sum() >= 3 and (dx.m1_sites.str.contains(";")).any()
    assert (got == expect).all()


def test_metastasectomy_removes_the_liver_lesions_on_its_day(resected):
    """Every liver lesion alive on day 60 after diagnosis of a resected patient (alive a
    step later) is emptied that day by the resection's kill and cleared by the next step of its ODE
    bucket (`time.lesion_ode_step_days`); lesions elsewhere are not."""
    p = resected.patients
    step = resected.metadata["scenario_json"]["time"]["lesion_ode_step_days"]
    op = p[p.treatment.str.contains("resection of liver metastases", na=False)
           & ~(p.death_days <= p.diagnosis_days + 60 + step)]
    les = resected.lesions.merge(op[["patient", "diagnosis_days"]], on="patient")
    day = les.diagnosis_days + 60
    alive = (les.born_days < day) & (les.cleared_days.isna() | (les.cleared_days >= day))
    liver = les[alive & (les.organ == "liver")]
    assert len(liver) >= 3
    assert (liver.cleared_days.to_numpy() <= day[liver.index].to_numpy() + step).all()
    other = les[alive & (les.organ != "liver")]
    assert (other.cleared_days.isna() | (other.cleared_days > day[other.index] + step)).any()


def test_an_unknown_organ_in_an_eligibility_rule_is_named():
    with pytest.raises(ScenarioError, match="m1_sites_within.*unknown organ 'spleen'"):
        scenario_from_dict({"extends": "colorectal", "pathway": {"steps": [
            {**RESECT_LIVER, "eligible": {"m1_sites_within": ["spleen"]}}]}})
