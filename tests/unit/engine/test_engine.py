"""Engine invariants: non-negative state, determinism, batch independence, thinning."""

import numpy as np
import pytest

import metastasis
from metastasis.anatomy.organs import ORGANS
from metastasis.anatomy.routing import arrival_vector
from metastasis.biology.circulation import ctc_survival
from metastasis.biology.extravasation import extravasation_probability
from metastasis.scenario.loader import scenario_from_dict
from metastasis.scenario.population import Population

YEARS = 8


@pytest.fixture(scope="module")
def cohort():
    return metastasis.simulate("breast", patients=12, years=YEARS, seed=11)


def test_no_negative_cells(cohort):
    assert (cohort.trajectories.cells >= 0).all()
    assert (cohort.events.value >= 0).all()
    assert (cohort.lesions.max_cells >= 1).all()


def test_counted_cell_funnel_never_widens(cohort):
    ev = cohort.events
    per = ev[ev.event.isin(["arrested", "extravasated", "dormant"])]
    wide = per.pivot_table(index=["patient", "time_days", "organ"], columns="event",
                           values="value", aggfunc="sum", observed=True).fillna(0)
    assert (wide["arrested"] >= wide["extravasated"]).all()
    assert (wide["extravasated"] >= wide["dormant"]).all()
    seeded = ev[ev.event == "seeded"].groupby(["patient", "time_days"]).value.sum()
    arrested = ev[ev.event == "arrested"].groupby(["patient", "time_days"]).value.sum()
    assert (seeded.reindex(arrested.index).fillna(0) >= arrested).all()


def test_every_new_lesion_is_an_event_with_its_organ(cohort):
    born = cohort.events[cohort.events.event == "lesion_born"]
    assert len(born) == len(cohort.lesions)
    merged = born.merge(cohort.lesions, on=["patient", "lesion_id"])
    assert (merged.organ_x.astype(str) == merged.organ_y.astype(str)).all()
    assert np.allclose(merged.time_days, merged.born_days)


def test_same_seed_same_bytes(tmp_path):
    a = metastasis.simulate("breast", patients=3, years=YEARS, seed=5).save(tmp_path / "a", plot=False)
    b = metastasis.simulate("breast", patients=3, years=YEARS, seed=5).save(tmp_path / "b", plot=False)
    for name in ("events", "trajectories", "patients", "lesions"):
        assert (a / f"{name}.parquet").read_bytes() == (b / f"{name}.parquet").read_bytes()
    c = metastasis.simulate("breast", patients=3, years=YEARS, seed=6)
    d = metastasis.simulate("breast", patients=3, years=YEARS, seed=5)
    assert not c.events.equals(d.events)


def test_patient_does_not_depend_on_its_batch(cohort):
    alone = metastasis.simulate("breast", patients=1, years=YEARS, seed=11, first_patient=7)
    ev = cohort.events[cohort.events.patient == 7].reset_index(drop=True)
    assert ev.equals(alone.events)
    tr = cohort.trajectories[cohort.trajectories.patient == 7].reset_index(drop=True)
    assert tr.equals(alone.trajectories)


def test_thinning_conserves_expectation():
    """Mean arrivals per organ equal shed × survival × arrest × extravasation × entry.

    A primary held at constant size and phenotype sheds at a constant rate, so the expected
    counts of one interval have a closed form built here from the rate functions.
    """
    n0, phi, m, alpha = 1e9, 0.2, 5.0, 0.663
    sc = scenario_from_dict({
        "extends": "breast",
        "time": {"years": 0.25, "record_interval_days": 30, "follow_up_from": "first_cell"},
        "primary": {"initial_cells": n0, "initial_capacity_cells": n0,
                    "gompertz_rate_per_day": 1e-300, "angiogenic_stimulation_per_day": 0.0,
                    "angiogenic_inhibition_per_day": 0.0},
        "emt": {"initial_fraction_mesenchymal": phi, "e_to_hybrid_per_day": 0.0,
                "hybrid_to_m_per_day": 0.0, "m_to_hybrid_per_day": 0.0},
        "intravasation": {"emission_coefficient": m, "emission_exponent": alpha,
                          "cluster_cell_fraction": 0.0, "tme_gain_applies": False},
        "dormancy": {"wake_per_day": 0.0, "ode_threshold_cells": 1e12},
    })
    # identical patients: no spread of kinetics, no deaths from other causes
    sc = sc.model_copy(update={"population": Population(other_cause_mortality=False)})
    res = metastasis.simulate(sc, patients=300, seed=3)
    c = sc.circulation
    surv = ctc_survival(c.transit_hours, c.shear_death_per_hour, c.nk_kill_per_hour,
                        c.platelet_cloaking, c.pdl1_positive_fraction, c.pdl1_protection, 0.0)
    shed_per_interval = m * n0**alpha * phi * 30.0
    arrive = arrival_vector("breast")
    ev = res.events[res.events.time_days == 30.0]
    for organ in ("lung", "bone", "liver", "regional_lymph_nodes"):
        o = ORGANS.index(organ)
        p_ext = extravasation_probability(sc.extravasation.base_probability,
                                          sc.extravasation.organ_permeability[organ], 1.0)
        expect_arrest = shed_per_interval * surv * arrive[o]
        expect_dormant = expect_arrest * p_ext * sc.dormancy.entry_probability
        got = ev[ev.organ == organ]
        arrested = got[got.event == "arrested"].value.sum() / 300
        dormant = got[got.event == "dormant"].value.sum() / 300
        assert arrested == pytest.approx(expect_arrest, rel=0.01), organ
        assert dormant == pytest.approx(expect_dormant, rel=0.05), organ
    seeded = ev[ev.event == "seeded"].value.sum() / 300
    assert seeded == pytest.approx(shed_per_interval, rel=0.01)
