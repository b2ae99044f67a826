"""Benzekry et al.: tumour growth laws and the metastatic-burden model with surgery.

Citations
    Benzekry S, Lamont C, Beheshti A, Tracz A, Ebos JML, Hlatky L, Hahnfeldt P. Classical
    mathematical models for description and prediction of experimental tumor growth.
    PLoS Comput Biol 2014;10(8):e1003800. DOI: 10.1371/journal.pcbi.1003800
    Hartung N, Mollard S, Barbolosi D, et al. Mathematical modeling of tumor growth and
    metastatic spreading: validation in tumor-bearing mice. Cancer Res 2014;74(22):6397-6407.
    DOI: 10.1158/0008-5472.CAN-14-0721
    Benzekry S, Tracz A, Mastri M, Corbelli R, Barbolosi D, Ebos JML. Modeling spontaneous
    metastasis following surgery: an in vivo-in silico approach. Cancer Res 2016;76(3):535-547.
    DOI: 10.1158/0008-5472.CAN-15-1389

Model (volumes in mm³, time in days)
    The primary tumour grows by a growth law V_p(t) and disseminates new metastases at the
    rate d(V_p) = μ·V_p^γ (metastases/day).  Every metastasis starts at V_m0 (one cell) and
    grows by a growth law V_m(age).  Surgery at T removes the primary, which stops
    dissemination; metastases already seeded keep growing.  As in Benzekry et al. 2016,
    metastases are not assumed to disseminate further.  Then, with T_d = min(t, T):

        N(t)        = ∫₀^{T_d} d(V_p(s)) ds                        (number of metastases)
        N_vis(t)    = ∫₀^{min(T_d, t − τ_vis)} d(V_p(s)) ds       (those above V_vis)
        M(t)        = ∫₀^{T_d} d(V_p(s)) V_m(t − s) ds             (metastatic burden, mm³)

    with τ_vis the age at which a metastasis reaches V_vis.  The integrals are evaluated
    with SciPy quadrature on the growth laws' closed forms.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from typing import Protocol

import numpy as np
from scipy import integrate, optimize

CITATION = (
    "Benzekry S et al. PLoS Comput Biol 2014;10:e1003800; Hartung N et al. Cancer Res "
    "2014;74:6397-6407; Benzekry S et al. Cancer Res 2016;76:535-547."
)
DOI = "10.1371/journal.pcbi.1003800; 10.1158/0008-5472.CAN-14-0721; 10.1158/0008-5472.CAN-15-1389"

MM3_PER_CELL: float = 1.0e-6
"""Volume of one tumour cell, mm³ (1 mm³ ≈ 1e6 cells; Benzekry et al. 2014, Methods)."""


@dataclass(frozen=True)
class ParameterInfo:
    """One row of a parameter table: unit and source."""

    name: str
    unit: str
    source: str


class GrowthLaw(Protocol):
    """A growth law with closed-form solution."""

    def volume_mm3(self, age_days: np.ndarray | float, v0_mm3: float) -> np.ndarray: ...

    def rate_mm3_per_day(self, v_mm3: np.ndarray | float) -> np.ndarray: ...


@dataclass(frozen=True)
class ExponentialGrowth:
    """dV/dt = a·V, a in 1/day."""

    a_per_day: float

    def volume_mm3(self, age_days: np.ndarray | float, v0_mm3: float) -> np.ndarray:
        """V(τ) = V₀ e^{aτ}, mm³."""
        return v0_mm3 * np.exp(self.a_per_day * np.asarray(age_days, dtype=float))

    def rate_mm3_per_day(self, v_mm3: np.ndarray | float) -> np.ndarray:
        """dV/dt, mm³/day."""
        return self.a_per_day * np.asarray(v_mm3, dtype=float)


@dataclass(frozen=True)
class PowerLawGrowth:
    """dV/dt = a·V^e; a in mm³^(1−e)/day, exponent e dimensionless (0 < e < 1)."""

    a: float
    exponent: float

    def volume_mm3(self, age_days: np.ndarray | float, v0_mm3: float) -> np.ndarray:
        """V(τ) = (V₀^{1−e} + (1−e) a τ)^{1/(1−e)}, mm³."""
        g = 1.0 - self.exponent
        return (v0_mm3**g + g * self.a * np.asarray(age_days, dtype=float)) ** (1.0 / g)

    def rate_mm3_per_day(self, v_mm3: np.ndarray | float) -> np.ndarray:
        """dV/dt, mm³/day."""
        return self.a * np.asarray(v_mm3, dtype=float) ** self.exponent


@dataclass(frozen=True)
class GompertzGrowth:
    """dV/dt = (α − β ln(V/V_c))·V with V_c = 1 mm³ (Benzekry et al. 2014 form).

    alpha_per_day: specific growth rate at V_c, 1/day.  beta_per_day: decay of the growth
    rate, 1/day.  The plateau is K = V_c·e^{α/β}.
    """

    alpha_per_day: float
    beta_per_day: float
    vc_mm3: float = 1.0

    @property
    def capacity_mm3(self) -> float:
        """Plateau volume K = V_c e^{α/β}, mm³."""
        return self.vc_mm3 * float(np.exp(self.alpha_per_day / self.beta_per_day))

    def volume_mm3(self, age_days: np.ndarray | float, v0_mm3: float) -> np.ndarray:
        """V(τ) = K (V₀/K)^{e^{−βτ}}, mm³."""
        k = self.capacity_mm3
        return k * (v0_mm3 / k) ** np.exp(-self.beta_per_day * np.asarray(age_days, dtype=float))

    def rate_mm3_per_day(self, v_mm3: np.ndarray | float) -> np.ndarray:
        """dV/dt, mm³/day."""
        v = np.asarray(v_mm3, dtype=float)
        return (self.alpha_per_day - self.beta_per_day * np.log(v / self.vc_mm3)) * v


GROWTH_LAWS_2014: dict[str, tuple[GrowthLaw, float]] = {
    "lung_exponential": (ExponentialGrowth(a_per_day=0.257), 13.2),
    "lung_power": (PowerLawGrowth(a=0.921, exponent=0.788), 1.0),
    "lung_gompertz": (GompertzGrowth(alpha_per_day=0.743, beta_per_day=0.0792), 1.0),
    "breast_exponential": (ExponentialGrowth(a_per_day=0.0846), 68.2),
    "breast_power": (PowerLawGrowth(a=1.32, exponent=0.58), 1.0),
    "breast_gompertz": (GompertzGrowth(alpha_per_day=0.56, beta_per_day=0.0719), 1.0),
}
"""Best-fit growth laws and initial volumes V₀ (mm³) of Benzekry et al. 2014, Table 2:
Lewis lung carcinoma (ectopic, s.c.) and LM2-4LUC+ breast carcinoma (orthotopic).  V₀ is
the injected 1e6 cells = 1 mm³ except for the exponential law, whose V₀ was estimated.
(The same values are tabulated in the MTGM toolbox of Bulai, De Bonis & Laurita 2024.)"""


LLC_DATA_FILE = "benzekry2014_llc_volumes.csv"


def llc_growth_data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lewis lung carcinoma volumes that Table 2's lung parameters were fitted to.

    Returns (mouse_id, t_days, volume_mm3), each shape (188,): 20 mice, days 4-24 after
    s.c. injection of 1e6 cells (Benzekry et al. 2014; see the bundled file's ``.md``).
    """
    text = resources.files("metastasis.data").joinpath(LLC_DATA_FILE).read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    mouse = np.array([int(r["mouse_id"]) for r in rows])
    t = np.array([float(r["t_days"]) for r in rows])
    v = np.array([float(r["volume_mm3"]) for r in rows])
    return mouse, t, v


@dataclass(frozen=True)
class MetastasisParameters:
    """Dissemination and detection settings of the metastatic model (volumes in mm³).

    mu_per_day: dissemination coefficient μ, metastases/(day·mm³^γ).
    gamma: exponent γ of d(V) = μV^γ (γ = 1: each cell disseminates at the same rate).
    vm0_mm3: volume of a newly seeded metastasis (one cell).
    v_visible_mm3: smallest metastasis counted as visible.
    surgery_day: day the primary is resected; None for no surgery.
    """

    mu_per_day: float = 5.0e-4
    gamma: float = 1.0
    vm0_mm3: float = MM3_PER_CELL
    v_visible_mm3: float = 1.0
    surgery_day: float | None = None

    def __post_init__(self) -> None:
        if self.mu_per_day < 0 or self.vm0_mm3 <= 0:
            raise ValueError("mu_per_day must be >= 0 and vm0_mm3 > 0")


PARAMETER_TABLE: tuple[ParameterInfo, ...] = (
    ParameterInfo(
        "alpha_per_day, beta_per_day", "1/day", "Benzekry et al. 2014, Table 2 (Gompertz)"
    ),
    ParameterInfo(
        "gamma", "1", "Benzekry et al. 2016: γ = 1 (dissemination proportional to cells)"
    ),
    ParameterInfo("vm0_mm3", "mm^3", "Benzekry et al. 2016 / Hartung et al. 2014: one cell"),
    ParameterInfo(
        "mu_per_day",
        "1/(day·mm^3)",
        "assumption: 5e-4/(day·mm³) = 5e-10 per cell per day, giving O(10) metastases by "
        "day 40 in the breast model; the fitted population value of Benzekry et al. 2016 is "
        "not reproduced here",
    ),
    ParameterInfo("v_visible_mm3", "mm^3", "assumption: 1 mm³ (≈1e6 cells, ~1.2 mm diameter)"),
    ParameterInfo("surgery_day", "day", "scenario setting (resection time)"),
)


@dataclass(frozen=True)
class BurdenSolution:
    """Model read-outs on a time grid (each shape (n,)): see module docstring for definitions."""

    t_days: np.ndarray
    primary_mm3: np.ndarray
    n_metastases: np.ndarray
    n_visible: np.ndarray
    burden_mm3: np.ndarray


def dissemination_rate_per_day(v_mm3: np.ndarray | float, m: MetastasisParameters) -> np.ndarray:
    """d(V) = μ V^γ, new metastases per day."""
    return m.mu_per_day * np.asarray(v_mm3, dtype=float) ** m.gamma


def _age_to_reach(law: GrowthLaw, v_target: float, v0: float, horizon: float) -> float:
    """Age (days) at which `law` grown from v0 reaches v_target; inf if not within horizon."""
    if v_target <= v0:
        return 0.0

    def f(a: float) -> float:
        return float(law.volume_mm3(a, v0)) - v_target

    if f(horizon) < 0:
        return np.inf
    return float(optimize.brentq(f, 0.0, horizon, xtol=1e-10))


def solve(
    primary: GrowthLaw,
    vp0_mm3: float,
    m: MetastasisParameters,
    t_days: np.ndarray,
    *,
    metastasis_growth: GrowthLaw | None = None,
) -> BurdenSolution:
    """Primary volume, number of (visible) metastases and metastatic burden at times t_days.

    Metastases grow by `metastasis_growth` (default: the primary's law, as in the 2016 paper).
    """
    mg = metastasis_growth or primary
    t = np.asarray(t_days, dtype=float)
    stop = np.inf if m.surgery_day is None else m.surgery_day
    tau_vis = _age_to_reach(mg, m.v_visible_mm3, m.vm0_mm3, horizon=max(1.0, 10.0 * t.max()))

    def d(s: float) -> float:
        return float(dissemination_rate_per_day(primary.volume_mm3(s, vp0_mm3), m))

    n = np.empty_like(t)
    n_vis = np.empty_like(t)
    burden = np.empty_like(t)
    for i, ti in enumerate(t):
        td = min(ti, stop)
        n[i] = integrate.quad(d, 0.0, td, limit=200)[0] if td > 0 else 0.0
        tv = min(td, ti - tau_vis)
        n_vis[i] = integrate.quad(d, 0.0, tv, limit=200)[0] if tv > 0 else 0.0
        burden[i] = (
            integrate.quad(
                lambda s, ti=ti: d(s) * float(mg.volume_mm3(ti - s, m.vm0_mm3)), 0.0, td, limit=200
            )[0]
            if td > 0
            else 0.0
        )
    vp = primary.volume_mm3(t, vp0_mm3)
    vp = np.where(t >= stop, 0.0, vp)
    return BurdenSolution(t, vp, n, n_vis, burden)
