"""The kernel's inputs check themselves: malformed schedules and inputs fail when built, with
an error naming the array, and well-formed ones reach the kernel unchanged."""

from __future__ import annotations

import dataclasses
import pickle
import textwrap

import numpy as np
import pytest

from metastasis.anatomy.organs import ORGANS
from metastasis.engine.params import (
    KILL_ALL_LESIONS,
    KILL_EVERYTHING,
    KILL_PRIMARY,
    M_GROWTH,
    M_KILL,
    M_WAKE,
    MODIFIER_DEFAULTS,
    MODIFIER_NAMES,
    N_ORGANS,
    O_EXTRAV_W,
    O_LETHAL,
    T_DT,
    T_END,
    T_FH0,
    T_FM0,
    T_LETHAL_TOTAL,
    T_MAX_LESIONS,
    T_RECORD,
    THETA_NAMES,
    KernelInputError,
    KernelInputs,
    Schedule,
    build_inputs,
    check_observation_days,
    check_theta,
    check_thetas,
)
from metastasis.scenario import load_scenario

N_MOD = len(MODIFIER_NAMES)


def _rows(n: int) -> np.ndarray:
    return np.vstack([MODIFIER_DEFAULTS] * n)


def _full_schedule() -> dict[str, np.ndarray]:
    """Keyword arguments of a well-formed schedule with segments, resistant rows and kills."""
    rows = _rows(3)
    rows[1, M_KILL] = 0.03
    rows[1, M_GROWTH] = 0.7
    rows[2, M_WAKE] = 3.0
    res = _rows(3)
    res[2, M_WAKE] = 3.0
    return {
        "mod_t_days": np.array([0.0, 150.0, 400.0]),
        "mod_values": rows,
        "mod_values_resistant": res,
        "kill_t_days": np.array([100.0, 300.0, 300.0, 500.0]),
        "kill_target": np.array([KILL_PRIMARY, KILL_ALL_LESIONS, 5, KILL_EVERYTHING],
                                dtype=np.int64),
        "kill_surviving_fraction": np.array([1e-3, 0.2, 0.5, 0.1]),
        "kill_dormant": np.array([False, True, True, True]),
        "kill_spares_resistant": np.array([True, False, True, False]),
    }


@pytest.fixture(scope="module")
def inputs() -> KernelInputs:
    return build_inputs(load_scenario("breast"), years=2)


# ------------------------------------------------------------------ valid inputs pass unchanged


def test_default_schedule_is_valid():
    sch = Schedule()
    assert sch.mod_values.shape == (1, N_MOD)
    assert sch.kill_target.dtype == np.int64 and sch.kill_dormant.dtype == np.bool_


def test_valid_schedule_arrays_pass_unchanged():
    kwargs = _full_schedule()
    before = {k: v.copy() for k, v in kwargs.items()}
    sch = Schedule(**kwargs)
    for key, arr in kwargs.items():
        got = getattr(sch, key)
        assert got is arr, key  # the same array object, not a copy
        assert got.dtype == before[key].dtype and got.tobytes() == before[key].tobytes(), key


def test_valid_kernel_inputs_pass_unchanged(inputs):
    fields = {f.name: getattr(inputs, f.name) for f in dataclasses.fields(inputs)}
    copies = {k: v.copy() for k, v in fields.items() if isinstance(v, np.ndarray)}
    again = KernelInputs(**fields)
    for key, arr in copies.items():
        got = getattr(again, key)
        assert got is fields[key], key
        assert got.dtype == arr.dtype and got.tobytes() == arr.tobytes(), key
    assert again.primary_site == inputs.primary_site and again.years == inputs.years


def test_every_preset_builds_valid_inputs():
    from metastasis.scenario import available_presets

    for name in available_presets():
        inp = build_inputs(load_scenario(name), years=2)
        assert inp.theta.dtype == np.float64 and inp.arrival.shape == (N_ORGANS, N_ORGANS)


def test_lossless_conversions_are_made():
    sch = Schedule(
        mod_t_days=[0, 10],
        mod_values=_rows(2).astype(np.float32),
        kill_t_days=np.array([5, 6], dtype=np.int32),
        kill_target=np.array([1.0, -1.0]),
        kill_surviving_fraction=[0.5, 0.25],
        kill_dormant=np.array([1, 0], dtype=np.int8),
        kill_spares_resistant=[0, 1],
    )
    assert sch.mod_t_days.dtype == np.float64 and list(sch.mod_t_days) == [0.0, 10.0]
    assert sch.mod_values.dtype == np.float64
    assert sch.kill_t_days.dtype == np.float64 and list(sch.kill_t_days) == [5.0, 6.0]
    assert sch.kill_target.dtype == np.int64 and list(sch.kill_target) == [1, -1]
    assert sch.kill_surviving_fraction.dtype == np.float64
    assert sch.kill_dormant.dtype == np.bool_ and list(sch.kill_dormant) == [True, False]
    assert sch.kill_spares_resistant.dtype == np.bool_
    assert list(sch.kill_spares_resistant) == [False, True]
    strided = _rows(4)[::2]
    assert not strided.flags["C_CONTIGUOUS"]
    sch = Schedule(mod_t_days=[0.0, 1.0], mod_values=strided)
    assert sch.mod_values.flags["C_CONTIGUOUS"] and np.array_equal(sch.mod_values, strided)


def test_lossy_conversions_are_refused():
    big = np.array([0, 2**53 + 1], dtype=np.int64)
    with pytest.raises(KernelInputError, match=r"Schedule\.mod_t_days\[1\].*float64 holds"):
        Schedule(mod_t_days=big, mod_values=_rows(2))
    with pytest.raises(KernelInputError, match=r"Schedule\.kill_target\[0\]"):
        Schedule(kill_t_days=[1.0], kill_target=np.array([2**63], dtype=np.uint64),
                 kill_surviving_fraction=[0.5], kill_dormant=[False])


def test_primary_site_and_infinite_limits_are_accepted(inputs):
    theta = _theta_with(inputs, T_LETHAL_TOTAL, np.inf)
    organ_par = _set(inputs.organ_par, (O_LETHAL, 0), np.inf)
    inp = dataclasses.replace(inputs, theta=theta, organ_par=organ_par,
                              primary_site=np.int64(3))
    assert inp.primary_site == 3 and type(inp.primary_site) is int
    assert np.isinf(inp.theta[T_LETHAL_TOTAL]) and np.isinf(inp.organ_par[O_LETHAL, 0])


# ------------------------------------------------------------------ malformed schedules

SCHEDULE_CASES = {
    "kill arrays of different lengths": (
        {"kill_surviving_fraction": np.array([0.1, 0.2])}, r"Schedule\.kill_surviving_fraction"),
    "kill target array too short": (
        {"kill_target": np.array([KILL_PRIMARY], dtype=np.int64)}, r"Schedule\.kill_target"),
    "spares flags of another length": (
        {"kill_spares_resistant": np.array([True])}, r"Schedule\.kill_spares_resistant"),
    "modifier row of the wrong width": (
        {"mod_values": np.ones((3, N_MOD - 1))}, r"Schedule\.mod_values"),
    "a modifier row too many": ({"mod_values": _rows(4)}, r"Schedule\.mod_values"),
    "modifier rows that are 1-D": ({"mod_values": MODIFIER_DEFAULTS}, r"Schedule\.mod_values"),
    "resistant rows of another shape": (
        {"mod_values_resistant": _rows(2)}, r"Schedule\.mod_values_resistant"),
    "no segment": ({"mod_t_days": np.zeros(0), "mod_values": np.zeros((0, N_MOD)),
                    "mod_values_resistant": None}, r"Schedule\.mod_t_days"),
    "first segment after day 0": (
        {"mod_t_days": np.array([1.0, 150.0, 400.0])}, r"Schedule\.mod_t_days\[0\]"),
    "segments out of order": (
        {"mod_t_days": np.array([0.0, 400.0, 150.0])}, r"Schedule\.mod_t_days\[2\]"),
    "two segments starting together": (
        {"mod_t_days": np.array([0.0, 150.0, 150.0])}, r"Schedule\.mod_t_days\[2\]"),
    "segment start not finite": (
        {"mod_t_days": np.array([0.0, np.nan, 400.0])}, r"Schedule\.mod_t_days\[1\]"),
    "segment times 2-D": (
        {"mod_t_days": np.array([[0.0, 150.0, 400.0]])}, r"Schedule\.mod_t_days"),
    "negative multiplier": (
        {"mod_values": _rows(3) * np.where(np.arange(N_MOD) == M_GROWTH, -1.0, 1.0)},
        r"Schedule\.mod_values\[0, 0\] \(growth\)"),
    "nan multiplier": (
        {"mod_values": np.where(np.arange(N_MOD) == M_WAKE, np.nan, _rows(3))},
        r"Schedule\.mod_values\[0, 6\] \(wake\)"),
    "negative hazard": (
        {"mod_values": np.where(np.arange(N_MOD) == M_KILL, -0.1, _rows(3))},
        r"Schedule\.mod_values\[0, 7\] \(extra_death_per_day\)"),
    "infinite hazard": (
        {"mod_values": np.where(np.arange(N_MOD) == M_KILL, np.inf, _rows(3))},
        r"Schedule\.mod_values\[0, 7\]"),
    "negative resistant multiplier": (
        {"mod_values_resistant": -_rows(3)}, r"Schedule\.mod_values_resistant\[0, 0\]"),
    "kills out of order": (
        {"kill_t_days": np.array([100.0, 300.0, 200.0, 500.0])}, r"Schedule\.kill_t_days\[2\]"),
    "kill before day 0": (
        {"kill_t_days": np.array([-1.0, 300.0, 300.0, 500.0])}, r"Schedule\.kill_t_days\[0\]"),
    "kill time not finite": (
        {"kill_t_days": np.array([100.0, 300.0, 300.0, np.inf])}, r"Schedule\.kill_t_days\[3\]"),
    "kill target past the organs": (
        {"kill_target": np.array([KILL_PRIMARY, 7168, 5, KILL_EVERYTHING])},
        r"Schedule\.kill_target\[1\].*7168"),
    "kill target one past the last organ": (
        {"kill_target": np.array([KILL_PRIMARY, N_ORGANS, 5, KILL_EVERYTHING])},
        r"Schedule\.kill_target\[1\]"),
    "unknown negative kill code": (
        {"kill_target": np.array([KILL_PRIMARY, -4, 5, KILL_EVERYTHING])},
        r"Schedule\.kill_target\[1\]"),
    "non-integer kill target": (
        {"kill_target": np.array([-1.0, 2.5, 5.0, -3.0])}, r"Schedule\.kill_target\[1\].*2\.5"),
    "boolean kill targets": (
        {"kill_target": np.array([True, False, True, False])}, r"Schedule\.kill_target"),
    "text kill targets": (
        {"kill_target": np.array(["primary", "liver", "lung", "bone"])}, r"Schedule\.kill_target"),
    "surviving fraction above 1": (
        {"kill_surviving_fraction": np.array([1e-3, 1.5, 0.5, 0.1])},
        r"Schedule\.kill_surviving_fraction\[1\]"),
    "negative surviving fraction": (
        {"kill_surviving_fraction": np.array([1e-3, 0.2, -0.5, 0.1])},
        r"Schedule\.kill_surviving_fraction\[2\]"),
    "nan surviving fraction": (
        {"kill_surviving_fraction": np.array([np.nan, 0.2, 0.5, 0.1])},
        r"Schedule\.kill_surviving_fraction\[0\]"),
    "flags passed as fractions": (
        {"kill_surviving_fraction": np.array([True, False, True, False])},
        r"Schedule\.kill_surviving_fraction"),
    "dormant flag that is not 0 or 1": (
        {"kill_dormant": np.array([0, 1, 2, 1])}, r"Schedule\.kill_dormant\[2\]"),
    "fractional dormant flag": (
        {"kill_dormant": np.array([0.0, 0.5, 1.0, 1.0])}, r"Schedule\.kill_dormant\[1\]"),
    "ragged kill times": ({"kill_t_days": [[1.0], [2.0, 3.0]]}, r"Schedule\.kill_t_days"),
}


@pytest.mark.parametrize("case", sorted(SCHEDULE_CASES))
def test_malformed_schedule_is_refused(case):
    change, where = SCHEDULE_CASES[case]
    kwargs = _full_schedule() | change
    with pytest.raises(KernelInputError, match=where) as info:
        Schedule(**kwargs)
    assert "expected" in str(info.value)


def test_error_names_value_and_expectation():
    kwargs = _full_schedule() | {"kill_target": np.array([KILL_PRIMARY, 7168, 5, -3])}
    with pytest.raises(KernelInputError) as info:
        Schedule(**kwargs)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.name == "Schedule.kill_target[1]" and err.got == "7168"
    assert f"0..{N_ORGANS - 1}" in err.expected and "KILL_EVERYTHING (-3)" in err.expected
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is KernelInputError and str(again) == str(err)


def test_schedule_revalidates_after_mutation():
    sch = Schedule(**_full_schedule())
    sch.kill_target = np.array([0, 1, 2, 99])
    with pytest.raises(KernelInputError, match=r"Schedule\.kill_target\[3\]"):
        sch.validate()


# ------------------------------------------------------------------ malformed kernel inputs


def _theta_with(inputs: KernelInputs, index: int, value: float) -> np.ndarray:
    theta = inputs.theta.copy()
    theta[index] = value
    return theta


INPUT_CASES = {
    "theta too short": (lambda i: {"theta": i.theta[:-1]}, r"KernelInputs\.theta: got shape"),
    "theta 2-D": (lambda i: {"theta": i.theta[None, :]}, r"KernelInputs\.theta: got a 2-D"),
    "theta as text": (lambda i: {"theta": i.theta.astype(str)}, r"KernelInputs\.theta"),
    "follow-up not finite": (lambda i: {"theta": _theta_with(i, T_END, np.nan)},
                             r"KernelInputs\.theta\[1\] \(t_end_days\): got nan"),
    "zero step": (lambda i: {"theta": _theta_with(i, T_DT, 0.0)},
                  r"KernelInputs\.theta\[0\] \(dt_days\).*> 0"),
    "infinite step": (lambda i: {"theta": _theta_with(i, T_DT, np.inf)},
                      r"KernelInputs\.theta\[0\] \(dt_days\)"),
    "zero record interval": (lambda i: {"theta": _theta_with(i, T_RECORD, 0.0)},
                             r"\(record_interval_days\)"),
    "fractional lesion slots": (lambda i: {"theta": _theta_with(i, T_MAX_LESIONS, 2.5)},
                                r"\(max_lesions\).*whole"),
    "no lesion slots": (lambda i: {"theta": _theta_with(i, T_MAX_LESIONS, 0.0)},
                        r"\(max_lesions\)"),
    "initial fraction above 1": (lambda i: {"theta": _theta_with(i, T_FH0, 1.5)},
                                 r"\(initial_fraction_hybrid\)"),
    "initial fractions summing above 1": (
        lambda i: {"theta": _theta_with(_replace_theta(i, T_FH0, 0.6), T_FM0, 0.6)},
        r"initial_fraction_hybrid \+ initial_fraction_mesenchymal"),
    "organ table of too few organs": (lambda i: {"organ_par": i.organ_par[:, :-1]},
                                      r"KernelInputs\.organ_par: got shape"),
    "negative extravasation weight": (
        lambda i: {"organ_par": _set(i.organ_par, (O_EXTRAV_W, 2), -1.0)},
        rf"KernelInputs\.organ_par\[0, 2\] \(extravasation_weight, {ORGANS[2]}\)"),
    "zero lethal burden": (lambda i: {"organ_par": _set(i.organ_par, (O_LETHAL, 0), 0.0)},
                           r"KernelInputs\.organ_par\[3, 0\] \(lethal_cells"),
    "nan lethal burden": (lambda i: {"organ_par": _set(i.organ_par, (O_LETHAL, 1), np.nan)},
                          r"KernelInputs\.organ_par\[3, 1\]"),
    "arrival not square": (lambda i: {"arrival": i.arrival[:, :-1]},
                           r"KernelInputs\.arrival: got shape"),
    "negative arrival": (lambda i: {"arrival": _set(i.arrival, (1, 2), -0.1)},
                         r"KernelInputs\.arrival\[1, 2\]"),
    "arrival row above 1": (lambda i: {"arrival": _set(i.arrival, (4, 0), i.arrival[4, 0] + 0.5)},
                            r"KernelInputs\.arrival\[4\] \(row sum"),
    "primary site past the organs": (lambda i: {"primary_site": N_ORGANS},
                                     r"KernelInputs\.primary_site"),
    "negative primary site": (lambda i: {"primary_site": -1}, r"KernelInputs\.primary_site"),
    "fractional primary site": (lambda i: {"primary_site": 2.5}, r"KernelInputs\.primary_site"),
    "primary site as a name": (lambda i: {"primary_site": "breast"},
                               r"KernelInputs\.primary_site"),
    "boolean primary site": (lambda i: {"primary_site": True}, r"KernelInputs\.primary_site"),
    "scans out of order": (lambda i: {"observe_t_days": i.observe_t_days[::-1]},
                           r"KernelInputs\.observe_t_days\[1\]"),
    "scan before day 0": (lambda i: {"observe_t_days": i.observe_t_days - 1.0},
                          r"KernelInputs\.observe_t_days\[0\]"),
    "scan at nan": (lambda i: {"observe_t_days": _set(i.observe_t_days, (1,), np.nan)},
                    r"KernelInputs\.observe_t_days\[1\]"),
    "no follow-up": (lambda i: {"years": 0.0}, r"KernelInputs\.years"),
    "follow-up as text": (lambda i: {"years": "10"}, r"KernelInputs\.years"),
    "negative shed": (lambda i: {"primary_shed_per_day": np.array([1.0, -2.0])},
                      r"KernelInputs\.primary_shed_per_day\[1\]"),
    "nan shed": (lambda i: {"primary_shed_per_day": np.array([np.nan])},
                 r"KernelInputs\.primary_shed_per_day\[0\]"),
}


def _set(a: np.ndarray, idx: tuple[int, ...], value: float) -> np.ndarray:
    out = a.copy()
    out[idx] = value
    return out


def _replace_theta(inputs: KernelInputs, index: int, value: float) -> KernelInputs:
    return dataclasses.replace(inputs, theta=_theta_with(inputs, index, value))


@pytest.mark.parametrize("case", sorted(INPUT_CASES))
def test_malformed_kernel_inputs_are_refused(inputs, case):
    change, where = INPUT_CASES[case]
    with pytest.raises(KernelInputError, match=where) as info:
        dataclasses.replace(inputs, **change(inputs))
    assert "expected" in str(info.value)


# ------------------------------------------------------------------ per-patient arrays of a batch


def test_check_theta_returns_the_row_and_names_bad_entries(inputs):
    assert check_theta(inputs.theta) is inputs.theta
    with pytest.raises(KernelInputError, match=r"^theta\[1\] \(t_end_days\): got -5\.0"):
        check_theta(_theta_with(inputs, T_END, -5.0))
    with pytest.raises(KernelInputError, match=r"^row: got shape \(3,\)"):
        check_theta(np.ones(3), "row")


def test_check_thetas_names_the_patient_row(inputs):
    rows = np.vstack([inputs.theta] * 3)
    assert check_thetas(rows, 3) is rows
    rows[2, T_DT] = np.nan
    with pytest.raises(KernelInputError, match=r"^thetas\[2, 0\] \(dt_days\): got nan"):
        check_thetas(rows, 3)
    with pytest.raises(KernelInputError, match=rf"thetas: got shape \(3, {len(THETA_NAMES)}\)"):
        check_thetas(np.vstack([inputs.theta] * 3), 4)
    with pytest.raises(KernelInputError, match=r"thetas: got a 1-D"):
        check_thetas(inputs.theta, 1)


def test_check_observation_days(inputs):
    days = np.array([0.0, 180.0, 180.0, 360.0])
    assert check_observation_days(days) is days
    assert check_observation_days([0, 30]).dtype == np.float64
    with pytest.raises(KernelInputError, match=r"^observe_t_days\[2\]: got 10\.0 after 20\.0"):
        check_observation_days([0.0, 20.0, 10.0])
    with pytest.raises(KernelInputError, match=r"^scans\[0\]: got -1\.0"):
        check_observation_days([-1.0], "scans")


# ------------------------------------------------------------------ the compiled kernel in bounds

BOUNDSCHECK_SCRIPT = textwrap.dedent("""
    import numpy as np

    from metastasis.engine.batch import run_batch
    from metastasis.engine.params import (
        KILL_ALL_LESIONS, KILL_EVERYTHING, KILL_PRIMARY, M_GROWTH, M_KILL, M_WAKE,
        MODIFIER_DEFAULTS, Schedule, build_inputs,
    )
    from metastasis.scenario import available_presets, load_scenario
    from metastasis.scenario.loader import scenario_from_dict

    for name in available_presets():
        run_batch(build_inputs(load_scenario(name), years=2), [0, 1], seed=0)

    rows = np.vstack([MODIFIER_DEFAULTS] * 3)
    rows[1, M_KILL] = 0.03
    rows[1, M_GROWTH] = 0.7
    rows[2, M_WAKE] = 3.0
    res = np.vstack([MODIFIER_DEFAULTS] * 3)
    res[2, M_WAKE] = 3.0
    schedule = Schedule(
        mod_t_days=np.array([0.0, 200.0, 400.0]),
        mod_values=rows,
        mod_values_resistant=res,
        kill_t_days=np.array([150.0, 300.0, 350.0, 500.0]),
        kill_target=np.array([KILL_PRIMARY, KILL_ALL_LESIONS, 5, KILL_EVERYTHING]),
        kill_surviving_fraction=np.array([1e-3, 0.2, 0.5, 0.1]),
        kill_dormant=np.array([False, True, True, True]),
        kill_spares_resistant=np.array([True, False, True, False]),
    )
    # a large primary from day 0 and fast waking, so that lesions, the resistant clone and
    # full lesion slots are all reached within two years
    sc = scenario_from_dict({
        "extends": "breast",
        "primary": {"initial_cells": 1e9, "initial_capacity_cells": 1e10},
        "dormancy": {"wake_per_day": 1e-5},
        "colonisation": {"max_lesions": 300},
        "resistance": {"mutation_per_division": 1e-6},
    })
    out = run_batch(build_inputs(sc, years=2), [0, 1], seed=0, schedules=[schedule] * 2)
    assert len(out.les_id) > 0, "no lesions: the lesion code was not exercised"
""")


@pytest.mark.slow
def test_kernel_stays_in_bounds_for_every_preset_and_a_therapy(boundscheck_run):
    """Every preset (2 patients, 2 years) and a therapy schedule with kills and modifier
    segments run with Numba's bounds checking on, compiled afresh (costs a full compile; the
    run starts in the background when this test is collected, see tests/conftest.py)."""
    returncode, output, elapsed = boundscheck_run
    assert returncode == 0, f"bounds-checked run failed after {elapsed:.0f} s:\n{output}"
