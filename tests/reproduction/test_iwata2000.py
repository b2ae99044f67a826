"""Reproduction checks for Iwata, Kawasaki & Shigesada 2000 (J Theor Biol 203:177-186,
DOI 10.1006/jtbi.2000.1075).

The paper's printed observations and predicted counts for the hepatocellular carcinoma
patient (its Section 4 table and figure of cumulative colony numbers) could not be obtained
here, so no test compares with them.  Instead these tests check quantities derived from the
model's equations with the paper's fitted parameters (a = 0.00286 /day, b = 7.3e10 cells,
m = 5.3e-8, α = 0.663; the same a, b and m are used by a public reimplementation of the
model, with α rounded to 2/3): the Gompertz closed form, the boundary condition and the transport
equation along characteristics, exact primary-only seeding, the second-order convergence of
the characteristics solver against a fine reference, and the Malthusian growth rate of the
renewal equation (Devys, Goudon & Lafitte 2009, DCDS-B 12:731).
"""

import numpy as np
import pytest
from scipy import integrate

from metastasis.models import iwata2000 as iw

P = iw.IwataParameters()


def test_default_parameters_are_the_papers_hcc_fit():
    assert (P.a_per_day, P.b_cells, P.m_per_day, P.alpha) == (0.00286, 7.3e10, 5.3e-8, 0.663)
    assert P.x0_cells == 1.0


def test_gompertz_closed_form_solves_the_growth_ode():
    sol = integrate.solve_ivp(
        lambda _t, x: iw.growth_rate_cells_per_day(x, P),
        (0, 3000),
        [1.0],
        rtol=1e-11,
        atol=1e-12,
        t_eval=[500, 1000, 2000, 3000],
    )
    np.testing.assert_allclose(iw.gompertz_size_cells(sol.t, P), sol.y[0], rtol=1e-7)
    np.testing.assert_allclose(iw.gompertz_age_days(sol.y[0], P), sol.t, rtol=1e-6)


def test_primary_only_seeding_equals_the_integral_of_the_emission_rate():
    s = iw.solve(P, 1500.0, 1.0, secondary=False)
    exact, _ = integrate.quad(
        lambda t: float(iw.colonisation_rate_per_day(iw.gompertz_size_cells(t, P), P)),
        0,
        1500,
        limit=200,
    )
    assert s.colonies_total[-1] == pytest.approx(exact, rel=1e-5)


def test_boundary_condition_births_equal_emission_of_primary_and_colonies():
    t = 1400.0
    s = iw.solve(P, t, 0.5)
    birth = s.birth_rate_per_day[-1]
    xp = iw.gompertz_size_cells(t, P)
    # ∫ β(x) ρ(x, t) dx over colony sizes, in log-size to resolve the wide range
    u = np.linspace(0.0, np.log(iw.gompertz_size_cells(t, P)) - 1e-9, 20001)
    x = np.exp(u)
    from_colonies = np.trapezoid(
        iw.colonisation_rate_per_day(x, P) * s.density_per_cell(x, t) * x, u
    )
    assert birth == pytest.approx(from_colonies + iw.colonisation_rate_per_day(xp, P), rel=1e-3)


def test_density_satisfies_the_transport_equation():
    s = iw.solve(P, 1600.0, 0.25)
    for x, t in [(1e4, 1200.0), (1e7, 1400.0), (1e9, 1500.0)]:
        dt, dx = 0.5, x * 1e-3
        drho_dt = (s.density_per_cell(x, t + dt) - s.density_per_cell(x, t - dt)) / (2 * dt)
        flux_hi = iw.growth_rate_cells_per_day(x + dx, P) * s.density_per_cell(x + dx, t)
        flux_lo = iw.growth_rate_cells_per_day(x - dx, P) * s.density_per_cell(x - dx, t)
        dflux_dx = (flux_hi - flux_lo) / (2 * dx)
        assert abs(drho_dt + dflux_dx) < 1e-3 * abs(drho_dt)


def test_characteristics_solver_converges_at_second_order():
    t_end = 1600.0
    fine = iw.solve(P, t_end, 0.0625)
    ref_total = fine.colonies_total[-1]
    errs = [abs(iw.solve(P, t_end, h).colonies_total[-1] - ref_total) for h in (8.0, 4.0, 2.0, 1.0)]
    orders = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    np.testing.assert_allclose(orders, 2.0, atol=0.05)
    # the size read-out (detectable colonies) converges too, to 1e-5 relative at dt = 1 day
    ref_big = fine.colonies_at_least(1e8, t_end)
    assert abs(iw.solve(P, t_end, 1.0).colonies_at_least(1e8, t_end) - ref_big) < 1e-5 * ref_big


def test_colony_count_grows_at_the_malthusian_rate():
    lam = iw.malthusian_rate_per_day(P)
    s = iw.solve(P, 6000.0, 2.0)
    slope = np.log(s.colonies_total[-1] / s.colonies_total[-501]) / (s.t_days[-1] - s.t_days[-501])
    assert slope == pytest.approx(lam, rel=0.02)
