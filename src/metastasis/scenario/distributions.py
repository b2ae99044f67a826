"""Distributions of one per-patient number, as written in scenario and trial files.

A `Distribution` maps a probability u ∈ (0, 1) to a value through its quantile function, so a
patient's draw is one uniform (or one correlated normal, through a Gaussian copula) and
streams stay aligned whatever the distribution's form.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy.special import ndtri

Pos = Annotated[float, Field(gt=0.0)]
NonNeg = Annotated[float, Field(ge=0.0)]

_STANDARD_NORMAL = NormalDist()
_U_LO, _U_HI = 1e-300, 1.0 - 1e-16


def standard_normal_quantile(u: float) -> float:
    """Standard normal quantile, with u kept inside (0, 1)."""
    return _STANDARD_NORMAL.inv_cdf(min(max(u, _U_LO), _U_HI))


def _given(value: float | None, name: str) -> float:
    """`value`, which the distribution's validator has required to be set."""
    if value is None:
        raise ValueError(f"{name} is not set")
    return value


class Distribution(BaseModel):
    """A distribution of one per-patient number, optionally clipped to [min, max].

    fixed: `value`; normal: `mean`, `sd`; lognormal: `median`, `sigma` (standard deviation of
    the natural log, i.e. log of the geometric SD); uniform: `low`, `high`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    distribution: Literal["fixed", "normal", "lognormal", "uniform"]
    value: float | None = None
    mean: float | None = None
    sd: NonNeg | None = None
    median: Pos | None = None
    sigma: NonNeg | None = None
    low: float | None = None
    high: float | None = None
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _complete(self) -> Distribution:
        need = {"fixed": ("value",), "normal": ("mean", "sd"), "lognormal": ("median", "sigma"),
                "uniform": ("low", "high")}[self.distribution]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.distribution} distribution needs {', '.join(need)}; "
                             f"missing {', '.join(missing)}")
        if self.distribution == "uniform" and not (
            _given(self.low, "low") < _given(self.high, "high")
        ):
            raise ValueError(f"uniform needs low < high, got low = {self.low}, high = {self.high}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min = {self.min} exceeds max = {self.max}")
        return self

    @classmethod
    def fixed(cls, value: float) -> Distribution:
        """A distribution that always gives `value`."""
        return cls(distribution="fixed", value=value)

    def sample(self, rng: np.random.Generator) -> float:
        """One draw (always consumes exactly one standard draw, so streams stay aligned)."""
        u = rng.random()
        return self.quantile(u)

    def quantile(self, u: float) -> float:
        """Value at probability u, clipped to [min, max]."""
        if self.distribution == "fixed":
            x = float(_given(self.value, "value"))
        elif self.distribution == "normal":
            x = float(_given(self.mean, "mean")
                      + _given(self.sd, "sd") * standard_normal_quantile(u))
        elif self.distribution == "lognormal":
            x = float(_given(self.median, "median")
                      * math.exp(_given(self.sigma, "sigma") * standard_normal_quantile(u)))
        else:
            low, high = _given(self.low, "low"), _given(self.high, "high")
            x = float(low + (high - low) * u)
        if self.min is not None:
            x = max(x, self.min)
        if self.max is not None:
            x = min(x, self.max)
        return x

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        """`quantile` of every element of u (vectorised)."""
        u = np.clip(np.asarray(u, dtype=np.float64), _U_LO, _U_HI)
        if self.distribution == "fixed":
            x = np.full(u.shape, float(_given(self.value, "value")))
        elif self.distribution == "normal":
            x = _given(self.mean, "mean") + _given(self.sd, "sd") * ndtri(u)
        elif self.distribution == "lognormal":
            x = _given(self.median, "median") * np.exp(_given(self.sigma, "sigma") * ndtri(u))
        else:
            low, high = _given(self.low, "low"), _given(self.high, "high")
            x = low + (high - low) * u
        lo = -np.inf if self.min is None else self.min
        hi = np.inf if self.max is None else self.max
        return np.clip(x, lo, hi)

    def central(self) -> float:
        """The median of the distribution (before clipping moves it), in its own units."""
        return self.quantile(0.5)
