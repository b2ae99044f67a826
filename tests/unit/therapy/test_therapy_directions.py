"""Each therapy moves its named rates in the documented direction, and nothing else."""

import math

import numpy as np
import pytest
from pydantic import TypeAdapter

from metastasis.engine.batch import run_batch
from metastasis.engine.params import MODIFIER_DEFAULTS, MODIFIER_NAMES, build_inputs
from metastasis.patients.therapy_schedule import build_schedule
from metastasis.scenario.loader import scenario_from_dict
from metastasis.therapy import AnyCourse, PatientContext

COURSE = TypeAdapter(AnyCourse)
RESPONDER = PatientContext(genotype=(("KRAS", "mutant"),), hormone_receptor_positive=True,
                           pdl1_positive_fraction=0.5, pdl1_protection=0.5, primary_site="breast")
NON_RESPONDER = PatientContext(genotype=(("KRAS", "wt"),), hormone_receptor_positive=False,
                               pdl1_positive_fraction=0.0, pdl1_protection=0.5,
                               primary_site="breast")

# therapy → (course fields, {rate: +1 raised / -1 lowered})
MODIFIER_THERAPIES = {
    "anti_vegf": ({"dose": "5 mg/kg", "cycles": 4}, {"angiogenesis": -1}),
    "emt_blocker": ({"dose": "150 mg", "cycles": 30}, {"emt_forward": -1}),
    "checkpoint_inhibitor": ({"dose": "200 mg", "cycles": 4},
                             {"nk_kill": +1, "lesion_immune_per_day": +1}),
    "hormone": ({"dose": "20 mg", "cycles": 365}, {"growth": -1}),
    "targeted": ({"dose": "960 mg", "cycles": 60, "target": "KRAS:mutant"},
                 {"growth": -1, "extra_death_per_day": +1}),
}


def _schedule(therapy: str, fields: dict, ctx: PatientContext):
    course = COURSE.validate_python({"therapy": therapy, "start_days": 10, **fields})
    return build_schedule([course.effects(ctx)], anchor_days=100.0)


@pytest.mark.parametrize("therapy", sorted(MODIFIER_THERAPIES))
def test_modifier_therapy_moves_only_its_rates(therapy):
    fields, expected = MODIFIER_THERAPIES[therapy]
    sch = _schedule(therapy, fields, RESPONDER)
    assert len(sch.kill_t_days) == 0
    assert np.array_equal(sch.mod_values[0], MODIFIER_DEFAULTS)
    assert sch.mod_t_days[1] == pytest.approx(110.0)
    active = sch.mod_values[1]
    for j, name in enumerate(MODIFIER_NAMES):
        if name in expected:
            assert np.sign(active[j] - MODIFIER_DEFAULTS[j]) == expected[name], name
        else:
            assert active[j] == MODIFIER_DEFAULTS[j], name
    assert np.array_equal(sch.mod_values[-1], MODIFIER_DEFAULTS)


@pytest.mark.parametrize("therapy", ["checkpoint_inhibitor", "hormone", "targeted"])
def test_biomarker_negative_patients_get_no_effect(therapy):
    fields, _ = MODIFIER_THERAPIES[therapy]
    sch = _schedule(therapy, fields, NON_RESPONDER)
    assert np.array_equal(sch.mod_values, MODIFIER_DEFAULTS[None, :])


def test_resistant_clone_escapes_targeted_and_hormone_not_antivegf():
    for therapy, escapes in (("targeted", True), ("hormone", True), ("anti_vegf", False)):
        fields, _ = MODIFIER_THERAPIES[therapy]
        sch = _schedule(therapy, fields, RESPONDER)
        assert (sch.mod_values_resistant is not None) == escapes, therapy
        if escapes:
            assert np.array_equal(sch.mod_values_resistant, MODIFIER_DEFAULTS[None, :].repeat(
                len(sch.mod_values), axis=0))


def test_surgery_is_one_kill_of_the_primary():
    sch = _schedule("surgery", {"residual_fraction": 1e-3}, RESPONDER)
    assert np.array_equal(sch.mod_values, MODIFIER_DEFAULTS[None, :])
    assert list(sch.kill_t_days) == [110.0]
    assert list(sch.kill_target) == [-1]
    assert list(sch.kill_surviving_fraction) == [1e-3]
    assert not sch.kill_dormant.any() and not sch.kill_spares_resistant.any()


def test_chemotherapy_log_kill_per_cycle_spares_dormant_and_resistant():
    sch = _schedule("chemotherapy", {"dose": "120 mg/m2", "cycles": 4, "interval_days": 21,
                                     "log_kill_per_cycle": 1.0, "reference_dose": 60.0}, RESPONDER)
    assert np.array_equal(sch.mod_values, MODIFIER_DEFAULTS[None, :])
    assert list(sch.kill_t_days) == [110.0, 131.0, 152.0, 173.0]
    assert np.allclose(sch.kill_surviving_fraction, 1e-2)  # two logs at twice the dose
    assert (sch.kill_target == -3).all()
    assert not sch.kill_dormant.any() and sch.kill_spares_resistant.all()


def test_radiotherapy_linear_quadratic_fractions():
    sch = _schedule("radiotherapy", {"dose": "2 Gy", "cycles": 25, "site": "bone",
                                     "alpha_per_gy": 0.3, "alpha_beta_gy": 10.0}, RESPONDER)
    assert len(sch.kill_t_days) == 25
    assert np.allclose(sch.kill_surviving_fraction, math.exp(-0.3 * 2 - 0.03 * 4))
    assert sch.kill_dormant.all() and not sch.kill_spares_resistant.any()


def test_engine_feels_antivegf_and_emt_blocker():
    """In the kernel: anti-VEGF lowers the primary's capacity; the EMT blocker its M share."""
    inputs = build_inputs(scenario_from_dict({"extends": "breast"}), years=4)
    base = run_batch(inputs, [0], seed=0)

    def last(out, col):
        return out.traj[-1, col]

    vegf = run_batch(inputs, [0], 0, schedules=[_schedule(
        "anti_vegf", {"dose": "5 mg/kg", "cycles": 60}, RESPONDER)])
    emt = run_batch(inputs, [0], 0, schedules=[_schedule(
        "emt_blocker", {"dose": "150 mg", "cycles": 1300}, RESPONDER)])
    assert last(vegf, 4) < last(base, 4)

    def m_share(out):
        return last(out, 3) / out.traj[-1, 1:4].sum()

    assert m_share(emt) < m_share(base)


def test_endocrine_therapy_can_hold_dormant_cells_quiescent():
    """`wake_multiplier` adds a pulse on the wake rate over the course, HR+ patients only."""
    course = COURSE.validate_python({"therapy": "hormone", "dose": "20 mg", "cycles": 100,
                                     "wake_multiplier": 0.2})
    wake = [p for p in course.effects(RESPONDER).pulses if p.rate == "wake"]
    assert len(wake) == 1 and wake[0].value == pytest.approx(0.2)
    assert (wake[0].t0_days, wake[0].t1_days) == (0.0, 100.0)
    assert course.effects(NON_RESPONDER).pulses == []
    default = COURSE.validate_python({"therapy": "hormone", "dose": "20 mg", "cycles": 100})
    assert {p.rate for p in default.effects(RESPONDER).pulses} == {"growth"}
