"""A simulated cohort is a population: both sexes with their own organs, drawn columns, causes."""

from __future__ import annotations

import numpy as np
import pytest

import metastasis
from metastasis.scenario.population import KINETIC_PARAMETERS

COLUMNS = ("sex", "subtype", "hormone_receptor_positive", "her2_positive",
           "age_at_first_cell_years", "age_at_diagnosis_years", "presentation",
           "presentation_detail", "diagnosis_days", "diagnosis_diameter_mm", "t_stage",
           "n_stage", "m_stage", "summary_stage", "positive_nodes", "treatment",
           "recurrence_days", "recurrence_type", *KINETIC_PARAMETERS, "death_days", "death_cause",
           "censored", "follow_up_days")


@pytest.fixture(scope="module")
def lung():
    return metastasis.simulate("lung", patients=40, years=2, seed=13)


def test_each_sex_only_has_lesions_in_organs_it_has(lung):
    p = lung.patients.set_index("patient")
    assert set(p.sex) == {"female", "male"}
    les = lung.lesions.assign(sex=lung.lesions.patient.map(p.sex))
    assert len(les) > 100
    assert not ((les.sex == "female") & (les.organ == "prostate")).any()
    assert not ((les.sex == "male") & (les.organ == "breast")).any()


def test_patients_table_says_who_was_simulated(lung):
    p = lung.patients
    for col in COLUMNS:
        assert col in p.columns, col
    assert p.volume_doubling_time_days.nunique() == len(p)  # every patient its own growth
    assert set(p.subtype) <= {"adenocarcinoma", "squamous", "small_cell", "other_nsclc"}
    dx = p[p.diagnosis_days.notna()]
    assert dx.age_at_diagnosis_years.between(20.0, 95.0).all()
    # followed for 2 years after diagnosis, or to death
    end = dx.diagnosis_days + 2 * 365.25
    assert (dx.follow_up_days <= end + 1e-6).all()
    assert set(p.death_cause) <= {"", "other", "total_burden", *metastasis.anatomy.organs.ORGANS}
    other = p[p.death_cause == "other"]
    assert other.censored.eq(False).all()


def test_same_seed_same_patients_whatever_the_split():
    a = metastasis.simulate("lung", patients=6, years=1, seed=4).patients
    b = metastasis.simulate("lung", patients=3, years=1, seed=4, first_patient=3).patients
    tail = a[a.patient >= 3].reset_index(drop=True)
    assert tail.drop(columns=[]).equals(b)
    assert np.isfinite(a.volume_doubling_time_days).all()
