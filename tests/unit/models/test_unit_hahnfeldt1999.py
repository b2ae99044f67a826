import numpy as np
import pytest

from metastasis.models import hahnfeldt1999 as hf


def test_dosing_schedule_times():
    np.testing.assert_allclose(hf.DosingSchedule(30.0, 2.0).times_days(9.0), [0, 2, 4, 6, 8])
    np.testing.assert_allclose(
        hf.DosingSchedule(20.0, 1.0, start_day=3.0, n_doses=2).times_days(10.0), [3, 4]
    )
    with pytest.raises(ValueError):
        hf.DosingSchedule(1.0, 0.0).times_days(5.0)


def test_unknown_arm_lists_valid_arms():
    with pytest.raises(ValueError, match="endostatin"):
        hf.solve_paper_arm("placebo", 5.0)


def test_steady_state_is_zero_when_inhibition_wins():
    p = hf.HahnfeldtParameters()
    assert hf.steady_state_mm3(p, 100.0, hf.TNP470) == 0.0


def test_solution_grid_and_positivity():
    sol = hf.solve_paper_arm("tnp470", 10.0, n_points=21)
    assert sol.t_days[0] == 0.0 and sol.t_days[-1] == 10.0 and sol.V_mm3.shape == (21,)
    assert np.all(sol.V_mm3 > 0) and np.all(sol.K_mm3 > 0)
    assert sol.c_mg_per_kg[0] == pytest.approx(30.0)
