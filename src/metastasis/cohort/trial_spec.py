"""The trial TOML: population, diagnosis, arms of therapy courses, imaging and endpoints.

Time axes. A scenario is natural history from the first malignant cell. A trial places
*diagnosis* on that axis per patient — the first day the untreated primary reaches a
diameter drawn from `population.diagnosis.diameter_mm` (trigger "primary_diameter"), or a
fixed tumour age (trigger "tumour_age") — and everything in the trial is timed from it:
course start days, the scan schedule (a staging scan on the day of diagnosis, then every
`imaging.interval_days`), follow-up and every endpoint. Randomisation happens at diagnosis.
Patients whose primary never reaches the size, or who die of metastases before it does, are
not enrolled (their rows say `enrolled = false`).
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from metastasis.scenario.distributions import Distribution
from metastasis.scenario.schema import Genotype, Modality
from metastasis.therapy import AnyCourse

Pos = Annotated[float, Field(gt=0.0)]
Prob = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Parameter(Distribution):
    """A scenario field varied across patients; `relative`: the draw multiplies its value."""

    relative: bool = False


class Diagnosis(_Strict):
    """When each patient is diagnosed (and randomised) on the natural-history time axis."""

    trigger: Literal["primary_diameter", "tumour_age"] = "primary_diameter"
    diameter_mm: Distribution = Field(
        default_factory=lambda: Distribution(distribution="lognormal", median=20.0, sigma=0.5,
                                             min=3.0, max=80.0),
        description="primary diameter at diagnosis (mm); default median 20 mm, the size near "
        "which symptomatic and screen-detected breast cancers are found (Tabár et al. 2000 "
        "Cancer 89:1504: median 14-21 mm); spread an assumption",
    )
    tumour_age_days: Distribution | None = Field(
        None, description="days from the first malignant cell, for trigger 'tumour_age'"
    )
    max_tumour_age_years: Pos = Field(
        60.0, description="patients whose primary never reaches the size by then are not enrolled"
    )

    @model_validator(mode="after")
    def _age(self) -> Diagnosis:
        if self.trigger == "tumour_age" and self.tumour_age_days is None:
            raise ValueError("trigger 'tumour_age' needs tumour_age_days")
        return self


class Population(_Strict):
    """Who is enrolled: genotype frequencies, receptor status, parameter spread, diagnosis."""

    genotype: dict[str, dict[str, Prob]] = Field(
        default_factory=dict,
        description="gene → {allele: probability}; the rest keep the scenario's allele",
    )
    hormone_receptor_positive: Prob = Field(
        0.0, description="probability of an ER+ (breast) or hormone-driven (prostate) tumour"
    )
    parameters: dict[str, Parameter] = Field(
        default_factory=dict,
        description="'section.field' of the scenario → its distribution across patients",
    )
    diagnosis: Diagnosis = Field(default_factory=Diagnosis)

    @field_validator("genotype")
    @classmethod
    def _genes(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        fields = Genotype.model_fields
        for gene, alleles in v.items():
            if gene not in fields:
                raise ValueError(f"unknown gene {gene!r}; expected one of {', '.join(fields)}")
            allowed = get_args(fields[gene].annotation)  # Literal[...] values
            for allele in alleles:
                if allele not in allowed:
                    raise ValueError(f"{gene}: unknown allele {allele!r}; expected one of {allowed}")
            if sum(alleles.values()) > 1.0 + 1e-12:
                raise ValueError(f"{gene}: allele probabilities sum to {sum(alleles.values())} > 1")
        return v


class Arm(_Strict):
    """One arm: a name, an allocation weight and its therapy courses."""

    name: str
    allocation: Annotated[int, Field(ge=1, le=100)] = Field(1, description="randomisation weight")
    courses: list[AnyCourse] = Field(default_factory=list)

    @model_validator(mode="after")
    def _no_overlap(self) -> Arm:
        for i, a in enumerate(self.courses):
            for j in range(i):
                b = self.courses[j]
                if a.drug_name() != b.drug_name():
                    continue
                if a.start_days < b.end_days() and b.start_days < a.end_days():
                    raise ValueError(
                        f"courses[{i}] of {a.drug_name()!r} (days {a.start_days:g}-"
                        f"{a.end_days():g}) overlaps courses[{j}] (days {b.start_days:g}-"
                        f"{b.end_days():g}); expected courses of one drug not to overlap"
                    )
        return self


class Randomisation(_Strict):
    """Permuted-block randomisation; blocks are drawn from (seed, block) only."""

    block_size: Annotated[int, Field(ge=1, le=1000)] = Field(
        4, description="patients per block; a multiple of the summed allocation weights"
    )


class TrialImaging(_Strict):
    """Scans from diagnosis: a staging scan on day 0, then every `interval_days`."""

    interval_days: Pos = Field(
        180.0, description="days between follow-up scans; assumption: six-monthly surveillance"
    )
    modality: Modality | None = Field(None, description="modality (default: the scenario's)")


class Endpoints(_Strict):
    """What the summary reports."""

    primary: Literal["overall_survival", "metastasis_free_survival",
                     "time_to_detected_metastasis"] = "overall_survival"
    landmark_years: list[Pos] = Field(default_factory=lambda: [5.0])
    reference_arm: str | None = Field(None, description="arm hazard ratios are against (default: first)")
    exclude_metastatic_at_diagnosis: bool = Field(
        True, description="leave out patients whose staging scan shows distant metastases (M1)"
    )


class Trial(_Strict):
    """A complete, validated trial."""

    name: str = "trial"
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    scenario: str = Field(..., description="preset name or scenario TOML path (relative to this file)")
    scenario_overrides: dict = Field(default_factory=dict, description="merged into the scenario")
    follow_up_years: Pos = Field(10.0, description="follow-up from diagnosis (years)")
    population: Population = Field(default_factory=Population)
    randomisation: Randomisation = Field(default_factory=Randomisation)
    imaging: TrialImaging = Field(default_factory=TrialImaging)
    arms: list[Arm] = Field(..., min_length=1)
    endpoints: Endpoints = Field(default_factory=Endpoints)

    @model_validator(mode="after")
    def _consistent(self) -> Trial:
        names = [a.name for a in self.arms]
        if len(set(names)) != len(names):
            raise ValueError(f"arm names must be unique, got {names}")
        total = sum(a.allocation for a in self.arms)
        if self.randomisation.block_size % total:
            raise ValueError(
                f"randomisation.block_size = {self.randomisation.block_size} is not a multiple "
                f"of the summed arm allocations ({total})"
            )
        ref = self.endpoints.reference_arm
        if ref is not None and ref not in names:
            raise ValueError(f"endpoints.reference_arm = {ref!r}: expected one of {names}")
        horizon = self.follow_up_years * 365.25
        for k, arm in enumerate(self.arms):
            for i, c in enumerate(arm.courses):
                if c.start_days >= horizon:
                    raise ValueError(
                        f"arms[{k}].courses[{i}].start_days = {c.start_days:g} is after the end "
                        f"of follow-up ({horizon:.0f} days)"
                    )
        return self

    def reference(self) -> str:
        """Name of the reference arm."""
        return self.endpoints.reference_arm or self.arms[0].name
