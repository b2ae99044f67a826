"""Hahnfeldt, Panigrahy, Folkman & Hlatky (1999): tumour volume under a vascular capacity.

Citation
    Hahnfeldt P, Panigrahy D, Folkman J, Hlatky L. Tumor development under angiogenic
    signaling: a dynamical theory of tumor growth, treatment response, and postvascular
    dormancy. Cancer Res 1999;59(19):4770-4775. (No DOI is given for this article.)

Model (V tumour volume, K vascular carrying capacity, both mm³; t in days)

    dV/dt = −λ₁ V ln(V/K)
    dK/dt = −λ₂ K + b V − d K V^{2/3} − e c(t) K
    dc/dt = −clr c + Σᵢ Dᵢ δ(t − tᵢ)          (bolus doses Dᵢ in mg/kg)

b V is stimulation of the vasculature by the tumour, d K V^{2/3} endogenous inhibition,
e c K the inhibitor drug.  Without drug and with λ₂ = 0 the unique positive steady state is
V* = K* = (b/d)^{3/2}; under a constant drug level c it is ((b − λ₂ − e c)/d)^{3/2}.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate

CITATION = (
    "Hahnfeldt P, Panigrahy D, Folkman J, Hlatky L. Tumor development under angiogenic "
    "signaling: a dynamical theory of tumor growth, treatment response, and postvascular "
    "dormancy. Cancer Res 1999;59:4770-4775."
)
DOI = ""  # none given for this article


@dataclass(frozen=True)
class ParameterInfo:
    """One row of the parameter table: unit and source."""

    name: str
    unit: str
    source: str


@dataclass(frozen=True)
class HahnfeldtParameters:
    """Growth and vascular parameters; defaults are the paper's fit to Lewis lung carcinoma.

    lambda1_per_day: tumour growth constant λ₁, 1/day.
    lambda2_per_day: spontaneous loss of vasculature λ₂, 1/day (set to 0 in the paper's fit).
    b_per_day: stimulation b, 1/day.
    d_per_mm2_per_day: inhibition d, 1/(mm²·day).
    V0_mm3, K0_mm3: initial tumour volume and carrying capacity, mm³.
    """

    lambda1_per_day: float = 0.192
    lambda2_per_day: float = 0.0
    b_per_day: float = 5.85
    d_per_mm2_per_day: float = 0.00873
    V0_mm3: float = 180.0
    K0_mm3: float = 625.0

    def __post_init__(self) -> None:
        if self.V0_mm3 <= 0 or self.K0_mm3 <= 0:
            raise ValueError("V0_mm3 and K0_mm3 must be positive")


@dataclass(frozen=True)
class Drug:
    """An angiogenesis inhibitor: potency e and first-order clearance.

    e_per_day_per_mg_kg: effect e, 1/(day·(mg/kg)).  clearance_per_day: clr, 1/day.
    """

    name: str
    e_per_day_per_mg_kg: float
    clearance_per_day: float


@dataclass(frozen=True)
class DosingSchedule:
    """Bolus doses of `dose_mg_per_kg` every `interval_days` from `start_day` (days)."""

    dose_mg_per_kg: float
    interval_days: float
    start_day: float = 0.0
    n_doses: int | None = None

    def times_days(self, t_end_days: float) -> np.ndarray:
        """Dose times in [start_day, t_end_days], days."""
        if self.interval_days <= 0:
            raise ValueError("interval_days must be positive")
        times = np.arange(self.start_day, t_end_days + 1e-12, self.interval_days)
        return times if self.n_doses is None else times[: self.n_doses]


TNP470 = Drug("TNP-470", e_per_day_per_mg_kg=1.3, clearance_per_day=10.1)
ANGIOSTATIN = Drug("angiostatin", e_per_day_per_mg_kg=0.15, clearance_per_day=0.38)
ENDOSTATIN = Drug("endostatin", e_per_day_per_mg_kg=0.66, clearance_per_day=1.7)

PAPER_SCHEDULES: dict[str, tuple[Drug, DosingSchedule]] = {
    "tnp470": (TNP470, DosingSchedule(dose_mg_per_kg=30.0, interval_days=2.0)),
    "angiostatin": (ANGIOSTATIN, DosingSchedule(dose_mg_per_kg=20.0, interval_days=1.0)),
    "endostatin": (ENDOSTATIN, DosingSchedule(dose_mg_per_kg=20.0, interval_days=1.0)),
}
"""The treatments of the paper's experiments: TNP-470 30 mg/kg every other day, angiostatin
and endostatin 20 mg/kg daily, each with the drug constants fitted in the paper."""

PARAMETER_TABLE: tuple[ParameterInfo, ...] = (
    ParameterInfo("lambda1_per_day", "1/day", "Hahnfeldt et al. 1999, Table 1 (control fit)"),
    ParameterInfo("lambda2_per_day", "1/day", "Hahnfeldt et al. 1999: set to 0 in the fits"),
    ParameterInfo("b_per_day", "1/day", "Hahnfeldt et al. 1999, Table 1 (control fit)"),
    ParameterInfo("d_per_mm2_per_day", "1/(mm^2·day)", "Hahnfeldt et al. 1999, Table 1"),
    ParameterInfo("V0_mm3", "mm^3", "Hahnfeldt et al. 1999, initial volume of the control fit"),
    ParameterInfo("K0_mm3", "mm^3", "Hahnfeldt et al. 1999, initial capacity of the control fit"),
    ParameterInfo(
        "TNP-470 e, clr", "1/(day·mg/kg), 1/day", "Hahnfeldt et al. 1999, Table 1: 1.3, 10.1"
    ),
    ParameterInfo(
        "angiostatin e, clr", "1/(day·mg/kg), 1/day", "Hahnfeldt et al. 1999, Table 1: 0.15, 0.38"
    ),
    ParameterInfo(
        "endostatin e, clr", "1/(day·mg/kg), 1/day", "Hahnfeldt et al. 1999, Table 1: 0.66, 1.7"
    ),
)


def steady_state_mm3(
    p: HahnfeldtParameters, drug_level_mg_kg: float = 0.0, drug: Drug | None = None
) -> float:
    """Positive steady state V* = K* = ((b − λ₂ − e·c)/d)^{3/2}, mm³ (0 if the bracket ≤ 0)."""
    e = 0.0 if drug is None else drug.e_per_day_per_mg_kg
    net = p.b_per_day - p.lambda2_per_day - e * drug_level_mg_kg
    return float((net / p.d_per_mm2_per_day) ** 1.5) if net > 0 else 0.0


def _rhs(p: HahnfeldtParameters, e: float, clr: float):
    def f(_t: float, y: np.ndarray) -> np.ndarray:
        v, k, c = y
        v = max(v, 1e-300)
        k = max(k, 1e-300)
        dv = -p.lambda1_per_day * v * np.log(v / k)
        dk = (
            -p.lambda2_per_day * k
            + p.b_per_day * v
            - p.d_per_mm2_per_day * k * v ** (2.0 / 3.0)
            - e * c * k
        )
        return np.array([dv, dk, -clr * c])

    return f


@dataclass(frozen=True)
class HahnfeldtSolution:
    """Trajectory on the requested grid: t_days, V_mm3, K_mm3, c_mg_per_kg (all shape (n,))."""

    t_days: np.ndarray
    V_mm3: np.ndarray
    K_mm3: np.ndarray
    c_mg_per_kg: np.ndarray


def solve(
    p: HahnfeldtParameters,
    t_end_days: float,
    *,
    drug: Drug | None = None,
    schedule: DosingSchedule | None = None,
    n_points: int = 401,
    rtol: float = 1e-9,
) -> HahnfeldtSolution:
    """Integrate the model on [0, t_end] (days) with bolus doses; returns values on a grid.

    The drug compartment jumps by the dose at each dose time; between doses the system is
    integrated with SciPy's LSODA.
    """
    t_out = np.linspace(0.0, t_end_days, n_points)
    e = 0.0 if drug is None else drug.e_per_day_per_mg_kg
    clr = 0.0 if drug is None else drug.clearance_per_day
    doses = np.array([]) if (drug is None or schedule is None) else schedule.times_days(t_end_days)
    dose = 0.0 if schedule is None else schedule.dose_mg_per_kg
    edges = np.unique(
        np.concatenate([[0.0], doses[(doses > 0) & (doses < t_end_days)], [t_end_days]])
    )
    y = np.array([p.V0_mm3, p.K0_mm3, 0.0])
    out = np.empty((3, n_points))
    f = _rhs(p, e, clr)
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        if np.any(np.isclose(doses, lo)):
            y = y + np.array([0.0, 0.0, dose])
        mask = (t_out >= lo) & (t_out < hi)
        t_eval = np.append(t_out[mask], hi)
        sol = integrate.solve_ivp(
            f, (lo, hi), y, method="LSODA", t_eval=t_eval, rtol=rtol, atol=1e-9
        )
        if not sol.success:
            raise RuntimeError(f"integration failed on [{lo}, {hi}]: {sol.message}")
        out[:, mask] = sol.y[:, :-1]
        y = sol.y[:, -1]
    out[:, -1] = y
    return HahnfeldtSolution(t_out, out[0], out[1], out[2])


def solve_paper_arm(
    arm: str, t_end_days: float, p: HahnfeldtParameters | None = None, n_points: int = 401
) -> HahnfeldtSolution:
    """Solve one arm of the paper: 'control', 'tnp470', 'angiostatin' or 'endostatin'."""
    p = p or HahnfeldtParameters()
    if arm == "control":
        return solve(p, t_end_days, n_points=n_points)
    if arm not in PAPER_SCHEDULES:
        raise ValueError(f"unknown arm {arm!r}; valid: control, {', '.join(PAPER_SCHEDULES)}")
    drug, schedule = PAPER_SCHEDULES[arm]
    return solve(p, t_end_days, drug=drug, schedule=schedule, n_points=n_points)
