"""Surgery: resection of the primary (or of one organ's lesions) with a residual fraction."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, field_validator

from metastasis.anatomy.organs import ORGANS
from metastasis.therapy.base import Course, Effects, Kill, PatientContext


class Surgery(Course):
    """One resection at `start_days`; `residual_fraction` of the target's cells remain."""

    KIND: ClassVar[str] = "surgery"

    therapy: Literal["surgery"] = "surgery"
    cycles: Annotated[int, Field(ge=1, le=1)] = Field(1, description="a resection is one event")
    target: str = Field("primary", description="'primary', or an organ whose lesions are resected")
    residual_fraction: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        0.0,
        description="share of the target's cells left behind (dimensionless); 0 = R0 resection. "
        "Assumption: clear margins leave no clonogenic cells in the model; local recurrence "
        "then comes only from cells that seeded back, set > 0 for an R1 resection",
    )

    @field_validator("target")
    @classmethod
    def _target(cls, v: str) -> str:
        if v != "primary" and v not in ORGANS:
            raise ValueError(f"unknown target {v!r}; expected 'primary' or one of {', '.join(ORGANS)}")
        return v

    def effects(self, ctx: PatientContext) -> Effects:
        """One kill of the target, dormant cells untouched, resistant clone included."""
        return Effects(kills=[Kill(self.start_days, self.target, self.residual_fraction)])
