"""The standard-of-care pathway: which courses a diagnosed patient receives, by stage and subtype.

Each step names a therapy course (the trial courses of `metastasis.therapy`, with their doses
and timing in days from diagnosis) and who receives it: patients of given summary stages,
receptor status, node status or T category. A patient receives every step it is eligible for.
Steps are applied when `history = "standard_of_care"`; with `history = "natural"` nobody is
treated (teaching and natural-history studies).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from metastasis.anatomy.organs import ORGANS
from metastasis.therapy import AnyCourse

SummaryStage = Literal["localized", "regional", "distant"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Eligibility(_Section):
    """Who receives a step; an unset criterion admits everyone."""

    summary_stage: list[SummaryStage] | None = Field(
        None, description="SEER summary stages at diagnosis that receive the step"
    )
    hormone_receptor_positive: bool | None = Field(None, description="receptor status required")
    her2_positive: bool | None = Field(None, description="HER2 status required")
    node_positive: bool | None = Field(None, description="nodal status at diagnosis required")
    min_t: Annotated[int, Field(ge=1, le=4)] | None = Field(
        None, description="lowest T category that receives the step (1-4)"
    )
    m1_sites_within: list[str] | None = Field(
        None, description="the distant lesions found at the work-up lie in these organs only "
        "(at least one found): candidates for metastasectomy"
    )
    max_m1_lesions: Annotated[int, Field(ge=1)] | None = Field(
        None, description="at most this many distant lesions found at the work-up (lesions)"
    )

    @field_validator("m1_sites_within")
    @classmethod
    def _organs(cls, v: list[str] | None) -> list[str] | None:
        for organ in v or []:
            if organ not in ORGANS:
                raise ValueError(f"unknown organ {organ!r}; expected one of {', '.join(ORGANS)}")
        return v


class PathwayStep(_Section):
    """One course of the pathway and who receives it."""

    name: str = Field(description="what the step is, e.g. 'breast-conserving surgery'")
    eligible: Eligibility = Field(default_factory=Eligibility)
    course: AnyCourse = Field(description="the course, timed in days from diagnosis")
    source: str = Field("", description="the guideline or trial behind the step")


class Pathway(_Section):
    """The steps of the pathway, applied to every diagnosed patient who is eligible."""

    steps: list[PathwayStep] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
