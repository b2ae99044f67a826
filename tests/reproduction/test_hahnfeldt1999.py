"""Reproduction checks for Hahnfeldt, Panigrahy, Folkman & Hlatky 1999 (Cancer Res
59:4770-4775).

Compared with the paper: the parameter values of its Table 1 (control fit λ₁ = 0.192 /day,
b = 5.85 /day, d = 0.00873 /(mm²·day), V₀ = 180 mm³, K₀ = 625 mm³; drug constants e and clr
for TNP-470, angiostatin and endostatin) and the treatment schedules of its experiments.
The same Table 1 values (λ₁, b, d, e and clr of the three drugs, 20 mg/kg daily and 30 mg/kg
every other day) appear in an independent public implementation, the MTGM toolbox of Bulai,
De Bonis & Laurita (file tumorTreatmentParam.m).
The measured tumour volumes plotted in the paper's figures were not available as printed
numbers, so the curves are checked against quantities derived from the equations with those
parameters: the untreated steady state (b/d)^{3/2}, the steady state under a constant drug
level ((b − e·c)/d)^{3/2}, the bolus pharmacokinetics, and the ordering of the arms that
the model gives with the paper's parameters and schedules over 20 days (TNP-470 slows growth;
angiostatin and endostatin bring the tumour below its starting volume), which is the
qualitative picture of the paper's treated-tumour data.
"""

import numpy as np
import pytest

from metastasis.models import hahnfeldt1999 as hf

P = hf.HahnfeldtParameters()


def test_parameters_match_table_1():
    assert (P.lambda1_per_day, P.b_per_day, P.d_per_mm2_per_day) == (0.192, 5.85, 0.00873)
    assert (P.V0_mm3, P.K0_mm3, P.lambda2_per_day) == (180.0, 625.0, 0.0)
    assert (hf.TNP470.e_per_day_per_mg_kg, hf.TNP470.clearance_per_day) == (1.3, 10.1)
    assert (hf.ANGIOSTATIN.e_per_day_per_mg_kg, hf.ANGIOSTATIN.clearance_per_day) == (0.15, 0.38)
    assert (hf.ENDOSTATIN.e_per_day_per_mg_kg, hf.ENDOSTATIN.clearance_per_day) == (0.66, 1.7)


def test_untreated_tumour_approaches_the_analytic_steady_state():
    expected = (5.85 / 0.00873) ** 1.5
    assert hf.steady_state_mm3(P) == pytest.approx(expected, rel=1e-12)
    sol = hf.solve(P, 400.0, n_points=11)
    assert sol.V_mm3[-1] == pytest.approx(expected, rel=1e-6)
    assert sol.K_mm3[-1] == pytest.approx(expected, rel=1e-6)


def test_constant_drug_level_gives_the_shifted_steady_state():
    drug = hf.Drug(
        "held constant",
        e_per_day_per_mg_kg=hf.ENDOSTATIN.e_per_day_per_mg_kg,
        clearance_per_day=0.0,
    )
    dose = 4.0  # one bolus and no clearance: c(t) = 4 mg/kg for all t
    sol = hf.solve(
        P, 600.0, drug=drug, schedule=hf.DosingSchedule(dose, 1.0, n_doses=1), n_points=11
    )
    expected = ((5.85 - 0.66 * dose) / 0.00873) ** 1.5
    assert hf.steady_state_mm3(P, dose, drug) == pytest.approx(expected)
    assert sol.V_mm3[-1] == pytest.approx(expected, rel=1e-5)
    np.testing.assert_allclose(sol.c_mg_per_kg, dose)


def test_treated_arms_are_ordered_as_in_the_paper():
    day = 20.0
    v = {
        arm: hf.solve_paper_arm(arm, day, n_points=41).V_mm3
        for arm in ("control", *hf.PAPER_SCHEDULES)
    }
    assert v["control"][-1] > v["tnp470"][-1] > P.V0_mm3  # slowed, not stopped
    assert v["angiostatin"][-1] < P.V0_mm3
    assert v["endostatin"][-1] < P.V0_mm3
    assert np.all(np.diff(v["control"]) > 0)


def test_drug_concentration_follows_bolus_dosing_with_first_order_clearance():
    drug, schedule = hf.PAPER_SCHEDULES["endostatin"]
    sol = hf.solve(P, 3.0, drug=drug, schedule=schedule, n_points=301)
    k = 1.7
    t = sol.t_days
    expected = sum(20.0 * np.exp(-k * (t - d)) * (t >= d) for d in (0.0, 1.0, 2.0, 3.0))
    np.testing.assert_allclose(sol.c_mg_per_kg[:-1], expected[:-1], rtol=1e-6)
