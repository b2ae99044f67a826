import numpy as np
import pytest

from metastasis.models import iwata2000 as iw

P = iw.IwataParameters()


def test_invalid_parameters_are_rejected():
    with pytest.raises(ValueError):
        iw.IwataParameters(a_per_day=0.0)
    with pytest.raises(ValueError):
        iw.IwataParameters(x0_cells=1e11)


def test_cumulative_counts_fall_with_size_and_rise_with_time():
    s = iw.solve(P, 1500.0, 2.0)
    sizes = np.logspace(0, 10, 11)
    counts = s.colonies_at_least(sizes, 1500.0)
    assert np.all(np.diff(counts) <= 0)
    assert counts[0] == pytest.approx(s.colonies_total[-1])
    assert s.colonies_at_least(1e8, 1000.0) < s.colonies_at_least(1e8, 1500.0)
    with pytest.raises(ValueError):
        s.colonies_at_least(1e8, 1600.0)


def test_colonies_seeding_colonies_adds_colonies():
    with_secondary = iw.solve(P, 1500.0, 2.0).colonies_total[-1]
    primary_only = iw.solve(P, 1500.0, 2.0, secondary=False).colonies_total[-1]
    assert with_secondary > primary_only > 0


def test_no_colonisation_means_no_colonies():
    p = iw.IwataParameters(m_per_day=0.0)
    s = iw.solve(p, 500.0, 5.0)
    assert np.all(s.colonies_total == 0.0)
    assert iw.malthusian_rate_per_day(p) == 0.0
    assert np.all(s.metastatic_cells() == 0.0)


def test_age_and_size_are_inverse():
    ages = np.array([0.0, 100.0, 1000.0])
    np.testing.assert_allclose(
        iw.gompertz_age_days(iw.gompertz_size_cells(ages, P), P), ages, atol=1e-8
    )
    assert np.isinf(iw.gompertz_age_days(P.b_cells, P))
