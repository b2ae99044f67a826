import numpy as np
import pytest

from metastasis.models import benzekry as bz


def test_dissemination_rate():
    m = bz.MetastasisParameters(mu_per_day=2.0, gamma=0.5)
    np.testing.assert_allclose(bz.dissemination_rate_per_day(np.array([4.0, 9.0]), m), [4.0, 6.0])


def test_invalid_metastasis_parameters():
    with pytest.raises(ValueError):
        bz.MetastasisParameters(mu_per_day=-1.0)


def test_no_visible_metastases_before_they_can_grow_to_the_threshold():
    law = bz.ExponentialGrowth(0.1)
    m = bz.MetastasisParameters(mu_per_day=1.0, vm0_mm3=1e-6, v_visible_mm3=1.0)
    t = np.array([10.0, 100.0, 200.0])  # τ_vis = ln(1e6)/0.1 ≈ 138 days
    s = bz.solve(law, 1.0, m, t)
    assert s.n_visible[0] == 0.0 and s.n_visible[1] == 0.0 and s.n_visible[2] > 0.0


def test_power_law_rate_matches_closed_form_derivative():
    law = bz.PowerLawGrowth(a=1.0, exponent=0.7)
    h = 1e-6
    v = law.volume_mm3(3.0, 2.0)
    deriv = (law.volume_mm3(3.0 + h, 2.0) - law.volume_mm3(3.0 - h, 2.0)) / (2 * h)
    assert deriv == pytest.approx(float(law.rate_mm3_per_day(v)), rel=1e-6)
