"""Iwata, Kawasaki & Shigesada (2000): size-structured colony density of metastases.

Citation
    Iwata K, Kawasaki K, Shigesada N. A dynamical model for the growth and size distribution
    of multiple metastatic tumors. J Theor Biol 2000;203(2):177-186.
    DOI: 10.1006/jtbi.2000.1075

Model
    ρ(x, t) is the density of metastatic colonies of size x cells at time t (days):

        ∂ρ/∂t + ∂(g(x) ρ)/∂x = 0,                      1 < x < b
        g(1) ρ(1, t) = ∫ β(x) ρ(x, t) dx + β(x_p(t)),   (new colonies start as one cell)
        ρ(x, 0) = 0,

    with Gompertz growth g(x) = a·x·ln(b/x) for every tumour (primary and colonies alike)
    and colonisation rate β(x) = m·x^α.  Colonies seed colonies (the integral term).

Numerics (by characteristics)
    All colonies start at one cell and grow along the same Gompertz characteristic, so a
    colony born at time s has size X(t − s) at time t, with the closed form
    X(τ) = b·(x₀/b)^exp(−aτ).  The whole density is therefore carried by the birth rate
    B(s) = g(1) ρ(1, s) (colonies per day), which solves the linear Volterra equation

        B(t) = β(x_p(t)) + ∫₀ᵗ β(X(t − s)) B(s) ds.

    It is solved by the trapezoidal rule (second order in the step), and every read-out is
    exact given B: the density is ρ(x, t) = B(t − τ(x)) / g(x) with τ the Gompertz age at
    size x, and the cumulative number of colonies of at least x cells is ∫₀^{t−τ(x)} B ds.
    No size grid is used, so there is no numerical diffusion in x.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate, optimize

CITATION = (
    "Iwata K, Kawasaki K, Shigesada N. A dynamical model for the growth and size "
    "distribution of multiple metastatic tumors. J Theor Biol 2000;203:177-186."
)
DOI = "10.1006/jtbi.2000.1075"


@dataclass(frozen=True)
class ParameterInfo:
    """One row of a model's parameter table: unit and source."""

    name: str
    unit: str
    source: str


@dataclass(frozen=True)
class IwataParameters:
    """Parameters of the Iwata model; defaults are the paper's fitted HCC patient.

    a_per_day: Gompertz growth constant a, 1/day.
    b_cells: Gompertz plateau size b, cells.
    m_per_day: colonisation coefficient m, colonies/(day·cell^α).
    alpha: fractal dimension α of the tumour vasculature, dimensionless.
    x0_cells: size of a newly founded colony and of the primary at t = 0, cells.
    """

    a_per_day: float = 0.00286
    b_cells: float = 7.3e10
    m_per_day: float = 5.3e-8
    alpha: float = 0.663
    x0_cells: float = 1.0

    def __post_init__(self) -> None:
        if self.a_per_day <= 0 or self.m_per_day < 0:
            raise ValueError("a_per_day must be > 0 and m_per_day >= 0")
        if not 1.0 <= self.x0_cells < self.b_cells:
            raise ValueError("need 1 <= x0_cells < b_cells")


PARAMETER_TABLE: tuple[ParameterInfo, ...] = (
    ParameterInfo("a_per_day", "1/day", "Iwata et al. 2000, fit to the HCC patient"),
    ParameterInfo("b_cells", "cells", "Iwata et al. 2000, fit to the HCC patient"),
    ParameterInfo(
        "m_per_day", "colonies/(day·cell^alpha)", "Iwata et al. 2000, fit to the HCC patient"
    ),
    ParameterInfo("alpha", "1", "Iwata et al. 2000, fit; fractal dimension of tumour vessels"),
    ParameterInfo("x0_cells", "cells", "Iwata et al. 2000 model: colonies start from one cell"),
)
"""Parameter table.  The values are those quoted for the paper's fitted hepatocellular
carcinoma patient (a = 0.00286 /day, b = 7.3e10 cells, m = 5.3e-8, α = 0.663), as used by
later work on the model and by public reimplementations of it."""


def growth_rate_cells_per_day(x_cells: np.ndarray | float, p: IwataParameters) -> np.ndarray:
    """Gompertz growth g(x) = a·x·ln(b/x), cells/day."""
    x = np.asarray(x_cells, dtype=float)
    return p.a_per_day * x * np.log(p.b_cells / x)


def colonisation_rate_per_day(x_cells: np.ndarray | float, p: IwataParameters) -> np.ndarray:
    """Colonisation rate β(x) = m·x^α of one tumour of size x, new colonies/day."""
    return p.m_per_day * np.asarray(x_cells, dtype=float) ** p.alpha


def gompertz_size_cells(age_days: np.ndarray | float, p: IwataParameters) -> np.ndarray:
    """Size (cells) of a tumour of age τ days started at x₀: b·(x₀/b)^exp(−aτ) (closed form)."""
    tau = np.asarray(age_days, dtype=float)
    return p.b_cells * (p.x0_cells / p.b_cells) ** np.exp(-p.a_per_day * tau)


def gompertz_age_days(x_cells: np.ndarray | float, p: IwataParameters) -> np.ndarray:
    """Age (days) at which a tumour started at x₀ reaches x cells; inf for x ≥ b."""
    x = np.asarray(x_cells, dtype=float)
    ratio = np.log(p.b_cells / np.clip(x, p.x0_cells, None)) / np.log(p.b_cells / p.x0_cells)
    with np.errstate(divide="ignore"):
        age = -np.log(ratio) / p.a_per_day
    return np.where(x >= p.b_cells, np.inf, age)


@dataclass(frozen=True)
class IwataSolution:
    """Birth rate of colonies on a uniform time grid, with exact read-outs along characteristics.

    t_days: grid, shape (n,). birth_rate_per_day: B(t), new colonies/day, shape (n,).
    """

    params: IwataParameters
    t_days: np.ndarray
    birth_rate_per_day: np.ndarray

    @property
    def primary_cells(self) -> np.ndarray:
        """Primary tumour size x_p(t), cells, shape (n,)."""
        return gompertz_size_cells(self.t_days, self.params)

    @property
    def colonies_total(self) -> np.ndarray:
        """Cumulative number of colonies founded by time t (any size), shape (n,)."""
        return integrate.cumulative_trapezoid(self.birth_rate_per_day, self.t_days, initial=0.0)

    def _birth_cumulative_at(self, s_days: np.ndarray) -> np.ndarray:
        """∫₀^s B, interpolated linearly in the cumulative (exact for the trapezoid rule)."""
        s = np.asarray(s_days, dtype=float)
        cum = self.colonies_total
        return np.where(s <= 0.0, 0.0, np.interp(s, self.t_days, cum))

    def colonies_at_least(
        self, x_cells: float | np.ndarray, t_days: float | np.ndarray
    ) -> np.ndarray:
        """Cumulative number of colonies of at least x cells at time t (broadcast)."""
        x = np.asarray(x_cells, dtype=float)
        t = np.asarray(t_days, dtype=float)
        if np.any(t > self.t_days[-1] + 1e-9):
            raise ValueError("t_days beyond the solved horizon")
        return self._birth_cumulative_at(t - gompertz_age_days(x, self.params))

    def density_per_cell(self, x_cells: float | np.ndarray, t_days: float) -> np.ndarray:
        """Colony density ρ(x, t) = B(t − τ(x)) / g(x), colonies per cell of size."""
        x = np.asarray(x_cells, dtype=float)
        s = t_days - gompertz_age_days(x, self.params)
        b = np.where(s < 0.0, 0.0, np.interp(s, self.t_days, self.birth_rate_per_day))
        return b / growth_rate_cells_per_day(x, self.params)

    def metastatic_cells(self) -> np.ndarray:
        """Total number of cells in all colonies at each grid time, shape (n,)."""
        t, b = self.t_days, self.birth_rate_per_day
        out = np.zeros_like(t)
        for i in range(1, t.size):
            ages = t[i] - t[: i + 1]
            out[i] = np.trapezoid(b[: i + 1] * gompertz_size_cells(ages, self.params), t[: i + 1])
        return out


def solve(
    p: IwataParameters, t_end_days: float, dt_days: float = 1.0, *, secondary: bool = True
) -> IwataSolution:
    """Solve the Iwata model on [0, t_end] with step dt (days).

    The primary starts at x₀ cells at t = 0 and grows by the same Gompertz law.
    With ``secondary=False`` colonies do not seed colonies (primary-only dissemination).
    """
    if t_end_days <= 0 or dt_days <= 0:
        raise ValueError("t_end_days and dt_days must be positive")
    n = int(round(t_end_days / dt_days))
    t = np.linspace(0.0, n * dt_days, n + 1)
    h = t[1] - t[0] if n > 0 else dt_days
    source = colonisation_rate_per_day(gompertz_size_cells(t, p), p)
    # kernel k(τ) = β(X(τ)) at the grid ages; the primary follows the same characteristic
    # from x₀, so k equals the source term sampled on the same grid.
    kernel = source.copy() if secondary else np.zeros_like(t)
    b = np.empty_like(t)
    b[0] = source[0]
    diag = 1.0 - 0.5 * h * kernel[0]
    k_rev = np.ascontiguousarray(kernel[::-1])  # k_rev[n - m] = k(t_m): contiguous slices
    for i in range(1, t.size):
        # trapezoid: h[½k(t_i)B_0 + Σ_{j=1}^{i-1} k(t_i − t_j)B_j + ½k(0)B_i]
        conv = 0.5 * kernel[i] * b[0] + np.dot(k_rev[n - i + 1 : n], b[1:i])
        b[i] = (source[i] + h * conv) / diag
    return IwataSolution(params=p, t_days=t, birth_rate_per_day=b)


def malthusian_rate_per_day(p: IwataParameters) -> float:
    """Asymptotic growth rate λ of the colony count, from the renewal equation.

    λ is the root of ∫₀^∞ β(X(τ)) e^{−λτ} dτ = 1 (Devys, Goudon & Lafitte 2009); the number of
    colonies then grows like e^{λt}.  Returns 0 when m is zero.
    """
    if p.m_per_day == 0.0:
        return 0.0

    def laplace(lam: float) -> float:
        # substitute u = e^{−aτ}: X = b (x₀/b)^u, dτ = −du/(a u); the factor u^{λ/a − 1}
        # is handed to quad as an algebraic weight so the end point u = 0 is exact.
        def f(u: float) -> float:
            x = p.b_cells * (p.x0_cells / p.b_cells) ** u
            return p.m_per_day * x**p.alpha / p.a_per_day

        val, _ = integrate.quad(f, 0.0, 1.0, weight="alg", wvar=(lam / p.a_per_day - 1.0, 0.0))
        return val - 1.0

    lo, hi = 1e-6 * p.a_per_day, 1.0
    if laplace(lo) < 0:
        return 0.0
    return float(optimize.brentq(laplace, lo, hi, xtol=1e-14, rtol=1e-12))
