"""run_batch refuses per-patient inputs that do not match its patients, naming the input."""

import numpy as np
import pytest

from metastasis.engine.batch import run_batch
from metastasis.engine.params import T_DT, KernelInputError, Schedule, build_inputs
from metastasis.scenario import load_scenario


@pytest.fixture(scope="module")
def inputs():
    return build_inputs(load_scenario("breast"), years=0.1)


def test_theta_rows_must_match_the_patients(inputs):
    with pytest.raises(KernelInputError, match="thetas"):
        run_batch(inputs, [0, 1], seed=0, thetas=np.vstack([inputs.theta] * 3))


def test_a_bad_theta_entry_is_named(inputs):
    rows = np.vstack([inputs.theta] * 2)
    rows[1, T_DT] = -1.0
    with pytest.raises(KernelInputError, match=r"thetas\[1, 0\]|dt_days"):
        run_batch(inputs, [0, 1], seed=0, thetas=rows)


def test_scan_days_must_be_sorted(inputs):
    with pytest.raises(KernelInputError, match=r"observe_t_days\[1\]"):
        run_batch(inputs, [0, 1], seed=0,
                  observe_t_days=[np.array([0.0, 30.0]), np.array([30.0, 0.0])])


def test_one_schedule_per_patient(inputs):
    with pytest.raises(KernelInputError, match="schedules"):
        run_batch(inputs, [0, 1], seed=0, schedules=[Schedule()])


def test_one_organ_table_per_patient(inputs):
    with pytest.raises(KernelInputError, match="organ_pars"):
        run_batch(inputs, [0, 1], seed=0, organ_pars=inputs.organ_par[None])


def test_a_negative_organ_weight_is_named(inputs):
    tables = np.stack([inputs.organ_par] * 2)
    tables[1, 1, 3] = -2.0
    with pytest.raises(KernelInputError, match=r"organ_pars\[1\]\[1, 3\] \(wake_multiplier, brain\)"):
        run_batch(inputs, [0, 1], seed=0, organ_pars=tables)


def test_per_patient_organ_tables_equal_to_the_shared_one_change_nothing(inputs):
    a = run_batch(inputs, [0, 1], seed=4)
    b = run_batch(inputs, [0, 1], seed=4, organ_pars=np.stack([inputs.organ_par] * 2))
    assert np.array_equal(a.traj, b.traj) and np.array_equal(a.ev_t, b.ev_t)
