"""The resistant clone: absent by default, selected by a kill it escapes, killed by one it does not."""

import numpy as np
import pytest

from metastasis.engine.batch import run_batch
from metastasis.engine.layout import S_RESISTANT_CELLS, S_TUMOUR_CELLS
from metastasis.engine.params import (
    KILL_PRIMARY,
    M_KILL,
    MODIFIER_DEFAULTS,
    Schedule,
    build_inputs,
)
from metastasis.scenario.loader import scenario_from_dict

YEARS = 5
START_DAYS = 1200.0
KILL_PER_DAY = 0.05


@pytest.fixture(scope="module")
def inputs():
    sc = scenario_from_dict({"extends": "breast", "resistance": {"mutation_per_division": 1e-6}})
    return build_inputs(sc, years=YEARS)


def _kill_schedule(resistant_escapes: bool) -> Schedule:
    rows = np.vstack([MODIFIER_DEFAULTS, MODIFIER_DEFAULTS])
    rows[1, M_KILL] = KILL_PER_DAY
    return Schedule(
        mod_t_days=np.array([0.0, START_DAYS]),
        mod_values=rows,
        mod_values_resistant=np.vstack([MODIFIER_DEFAULTS] * 2) if resistant_escapes else None,
    )


def _share(out) -> np.ndarray:
    return out.summary[:, S_RESISTANT_CELLS] / out.summary[:, S_TUMOUR_CELLS]


def test_no_resistant_cells_by_default():
    out = run_batch(build_inputs(scenario_from_dict({"extends": "breast"}), years=YEARS),
                    [0, 1], seed=0)
    assert (out.summary[:, S_RESISTANT_CELLS] == 0).all()


def test_resistant_clone_grows_out_under_pressure(inputs):
    untreated = _share(run_batch(inputs, [0, 1, 2], seed=1))
    treated = _share(run_batch(inputs, [0, 1, 2], seed=1, schedules=[_kill_schedule(True)] * 3))
    assert (untreated < 0.01).all()
    assert (treated > 0.9).all()


def test_clone_that_does_not_escape_is_not_selected(inputs):
    out = run_batch(inputs, [0, 1], seed=1, schedules=[_kill_schedule(False)] * 2)
    assert (_share(out) < 0.01).all()


def test_sparing_kill_leaves_resistant_cells(inputs):
    def kill(spare: bool) -> Schedule:
        return Schedule(kill_t_days=np.array([START_DAYS]),
                        kill_target=np.array([KILL_PRIMARY]),
                        kill_surviving_fraction=np.array([1e-3]),
                        kill_dormant=np.array([False]),
                        kill_spares_resistant=np.array([spare]))
    spared = run_batch(inputs, [0], seed=2, schedules=[kill(True)])
    hit = run_batch(inputs, [0], seed=2, schedules=[kill(False)])
    assert _share(spared)[0] > _share(hit)[0]


def test_per_patient_theta_rows_match_the_shared_path(inputs):
    shared = run_batch(inputs, [4, 5], seed=3)
    rows = np.vstack([inputs.theta, inputs.theta])
    own = run_batch(inputs, [4, 5], seed=3, thetas=rows,
                    observe_t_days=[inputs.observe_t_days] * 2)
    assert np.array_equal(shared.summary, own.summary)
    assert np.array_equal(shared.ev_t, own.ev_t)
