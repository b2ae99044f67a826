"""Radiotherapy to a site: linear-quadratic cell kill per fraction.

Surviving fraction per fraction of d Gy: exp(−α·d − β·d²) (Fowler 1989 Br J Radiol 62:679),
β = α / (α/β). Every cell in the field is hit: growing cells, dormant cells of that organ and
the resistant clone alike.
"""

from __future__ import annotations

import math
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from metastasis.anatomy.organs import ORGANS
from metastasis.therapy.base import DosedCourse, Effects, Kill, PatientContext, Pos


class Radiotherapy(DosedCourse):
    """Fractionated external-beam radiotherapy; `dose` is the dose per fraction."""

    KIND: ClassVar[str] = "radiotherapy"
    DOSE_UNITS: ClassVar[tuple[str, ...]] = ("Gy",)

    therapy: Literal["radiotherapy"] = "radiotherapy"
    site: str = Field("primary", description="'primary' or an organ name")
    cycles: int = Field(25, ge=1, le=100, description="fractions")
    alpha_per_gy: Pos = Field(
        0.3,
        description="α of the linear-quadratic model (1/Gy); typical of human tumours "
        "(Joiner & van der Kogel 2009, Basic Clinical Radiobiology, ch. 8)",
    )
    alpha_beta_gy: Pos = Field(
        4.0,
        description="α/β (Gy); breast cancer about 4 Gy in the START trials (Haviland et al. "
        "2013 Lancet Oncol 14:1086)",
    )

    @field_validator("site")
    @classmethod
    def _site(cls, v: str) -> str:
        if v != "primary" and v not in ORGANS:
            raise ValueError(f"unknown site {v!r}; expected 'primary' or one of {', '.join(ORGANS)}")
        return v

    def surviving_fraction(self) -> float:
        """Surviving fraction of one fraction (dimensionless)."""
        d = self.dose_value()
        beta = self.alpha_per_gy / self.alpha_beta_gy
        return math.exp(-self.alpha_per_gy * d - beta * d * d)

    def effects(self, ctx: PatientContext) -> Effects:
        """One kill per fraction at the site, dormant cells there included."""
        sf = self.surviving_fraction()
        return Effects(kills=[
            Kill(t0, self.site, sf, dormant=self.site != "primary", spares_resistant=False)
            for t0, _ in self.administrations()
        ])
