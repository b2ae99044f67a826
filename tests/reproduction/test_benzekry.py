"""Reproduction checks for the Benzekry metastatic model.

Citations: Benzekry et al. 2014, PLoS Comput Biol 10:e1003800 (growth laws, Table 2);
Hartung et al. 2014, Cancer Res 74:6397; Benzekry et al. 2016, Cancer Res 76:535
(dissemination μV^γ, surgery).

Compared with the 2014 paper: the best-fit growth parameters of its Table 2 as bundled
(Lewis lung and LM2-4LUC+ breast).  The fitted dissemination coefficient of the 2016 paper
and the papers' plotted metastatic curves could not be obtained here as printed numbers, so
the burden model is checked against quantities derived from its equations: closed forms of
every growth law against their ODEs, the exact N(t) and M(t) for exponential growth with
γ = 1, and the effect of resection (dissemination stops; seeded metastases keep growing).
"""

import numpy as np
import pytest
from scipy import integrate

from metastasis.models import benzekry as bz


def test_bundled_growth_parameters_are_table_2():
    lung = bz.GROWTH_LAWS_2014["lung_gompertz"][0]
    breast = bz.GROWTH_LAWS_2014["breast_gompertz"][0]
    assert (lung.alpha_per_day, lung.beta_per_day) == (0.743, 0.0792)
    assert (breast.alpha_per_day, breast.beta_per_day) == (0.56, 0.0719)
    assert bz.GROWTH_LAWS_2014["lung_exponential"] == (bz.ExponentialGrowth(0.257), 13.2)
    assert bz.GROWTH_LAWS_2014["breast_power"][0] == bz.PowerLawGrowth(a=1.32, exponent=0.58)


@pytest.mark.parametrize("name", sorted(bz.GROWTH_LAWS_2014))
def test_closed_form_growth_solves_its_ode(name):
    law, v0 = bz.GROWTH_LAWS_2014[name]
    t = np.array([5.0, 15.0, 30.0])
    sol = integrate.solve_ivp(
        lambda _t, v: law.rate_mm3_per_day(v), (0, 30), [v0], t_eval=t, rtol=1e-10, atol=1e-12
    )
    np.testing.assert_allclose(law.volume_mm3(t, v0), sol.y[0], rtol=1e-6)


def test_gompertz_plateau_is_exp_alpha_over_beta():
    law = bz.GROWTH_LAWS_2014["breast_gompertz"][0]
    assert law.capacity_mm3 == pytest.approx(np.exp(0.56 / 0.0719))
    assert law.volume_mm3(1e4, 1.0) == pytest.approx(law.capacity_mm3)


def test_exponential_growth_with_gamma_one_matches_closed_forms():
    a, v0, vm0, mu = 0.2, 10.0, 1e-6, 3e-3
    law = bz.ExponentialGrowth(a)
    m = bz.MetastasisParameters(mu_per_day=mu, gamma=1.0, vm0_mm3=vm0, v_visible_mm3=1e-3)
    t = np.array([1.0, 10.0, 25.0])
    s = bz.solve(law, v0, m, t)
    np.testing.assert_allclose(s.n_metastases, mu * v0 * (np.exp(a * t) - 1) / a, rtol=1e-9)
    np.testing.assert_allclose(s.burden_mm3, mu * v0 * vm0 * t * np.exp(a * t), rtol=1e-9)
    tau = np.log(1e-3 / vm0) / a
    expected_vis = np.where(t > tau, mu * v0 * (np.exp(a * (t - tau)) - 1) / a, 0.0)
    np.testing.assert_allclose(s.n_visible, expected_vis, rtol=1e-9, atol=1e-15)


def test_resection_stops_dissemination_but_not_growth():
    law, v0 = bz.GROWTH_LAWS_2014["breast_gompertz"]
    t = np.linspace(0, 50, 11)
    m = bz.MetastasisParameters()
    free = bz.solve(law, v0, m, t)
    cut = bz.solve(law, v0, bz.MetastasisParameters(surgery_day=20.0), t)
    after = t >= 20.0
    assert np.all(cut.primary_mm3[after] == 0.0)
    np.testing.assert_allclose(cut.n_metastases[after], free.n_metastases[t == 20.0][0])
    np.testing.assert_allclose(cut.burden_mm3[~after], free.burden_mm3[~after])
    assert np.all(np.diff(cut.burden_mm3[after]) > 0)
    assert np.all(cut.burden_mm3[t > 20.0] < free.burden_mm3[t > 20.0])
