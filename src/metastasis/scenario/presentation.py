"""How a patient's cancer comes to attention: symptoms, screening, incidental imaging.

Before diagnosis a patient is imaged only through these routes, each a hazard or a test on
the untreated primary's own course (and, for metastatic symptoms, on its metastases):

- **primary symptoms** (a breast lump, rectal bleeding, cough): onset hazard
  h(D) = h_max / (1 + (D50 / D)^k) per day at primary diameter D (mm), rising with size;
- **screening** (mammography, PSA, colonoscopy): a participant is tested at every round of the
  programme's age range and detected with sensitivity s(D) = s_max / (1 + (D50 / D)^k);
- **incidental imaging** (imaging done for another reason that covers the primary's organ):
  a Poisson rate of examinations, each detecting with the modality's curve;
- **metastatic symptoms** (bone pain, headache, jaundice): the site-symptom hazards of
  `data/symptoms.csv` on the patient's metastatic burden.

The first route to fire is the diagnosis, and it is recorded (`patients.presentation`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Prob = Annotated[float, Field(ge=0.0, le=1.0)]
Pos = Annotated[float, Field(gt=0.0)]
NonNeg = Annotated[float, Field(ge=0.0)]
Modality = Literal["CT", "MRI", "FDG-PET/CT", "bone scan"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class PrimarySymptom(_Section):
    """A symptom of the primary tumour whose onset hazard rises with the primary's diameter."""

    name: str = Field(description="what the patient notices, e.g. 'breast lump'")
    max_per_year: Pos = Field(description="the hazard's plateau h_max (per year)")
    diameter50_mm: Pos = Field(description="diameter at which the hazard is h_max / 2 (mm)")
    hill: Pos = Field(4.0, description="steepness k of the rise with diameter (dimensionless)")
    source: str = Field("", description="where the numbers come from, or the assumption")


class Screening(_Section):
    """An organised or opportunistic screening programme for the primary."""

    test: str = Field(description="the screening test, e.g. 'mammography'")
    enabled: bool = Field(True, description="false switches the programme off")
    sex: Literal["female", "male", "any"] = Field("any", description="who is invited")
    start_age_years: Pos = Field(description="age at the first round (years)")
    stop_age_years: Pos = Field(description="no round at or after this age (years)")
    interval_years: Pos = Field(description="years between rounds")
    uptake: Prob = Field(
        description="share of patients who take part; a participant attends every round "
        "(assumption: adherence is folded into uptake)"
    )
    max_sensitivity: Prob = Field(1.0, description="sensitivity s_max for a large tumour")
    diameter50_mm: Pos = Field(description="diameter at which the sensitivity is s_max / 2 (mm)")
    hill: Pos = Field(4.0, description="steepness k of the sensitivity curve (dimensionless)")
    source: str = Field("", description="where the programme and its sensitivity come from")

    @model_validator(mode="after")
    def _ages(self) -> Screening:
        if self.stop_age_years <= self.start_age_years:
            raise ValueError(
                f"screening {self.test!r}: the age range is empty (start_age_years = "
                f"{self.start_age_years}, stop_age_years = {self.stop_age_years}); expected "
                "start_age_years < stop_age_years")
        return self

    def rounds(self) -> int:
        """Most rounds a participant can attend."""
        span = self.stop_age_years - self.start_age_years
        return int(span // self.interval_years) + 1


class Incidental(_Section):
    """Imaging done for other reasons that happens to cover the primary's organ."""

    imaging_per_year: NonNeg = Field(
        0.02, description="examinations per person-year that image the primary's organ"
    )
    modality: Modality = Field("CT", description="modality of those examinations")
    source: str = Field(
        "assumption: a few percent of adults have a CT of a given body region each year",
        description="where the rate comes from",
    )


class Constitutional(_Section):
    """Constitutional symptoms of the whole tumour burden (primary and metastases together):
    onset hazard h_max·Bⁿ/(Bⁿ + B50ⁿ) per day, held from one trajectory record to the next."""

    enabled: bool = Field(True, description="constitutional symptoms can lead to diagnosis")
    name: str = Field("weight loss and fatigue", description="what the patient notices")
    burden50_cells: Pos = Field(
        1.0e11, description="total burden at half the maximal hazard (cells; about 100 g)"
    )
    max_per_day: Pos = Field(0.02, description="maximal onset hazard (1/day)")
    hill: Pos = Field(
        3.0, description="Hill coefficient n of the hazard in the burden (dimensionless). "
        "Assumption: weight loss and fatigue belong to advanced disease, so the hazard is "
        "steep: at n = 3 a burden of 1e10 cells (10 g) gives 2e-5/day, against 2e-3/day at "
        "n = 1, under which half of the colorectal cancers presented this way at a median "
        "primary of 28 mm",
    )
    source: str = Field(
        "assumption: weight loss, anorexia and fatigue come with a large tumour burden; "
        "cachexia affects most patients with advanced cancer (Fearon et al. 2011 Lancet Oncol "
        "12:489); half-maximal near 100 g, so that almost no cancer reaches a lethal kilogram "
        "unnoticed",
        description="where the hazard comes from",
    )


def _default_symptoms() -> list[PrimarySymptom]:
    return [PrimarySymptom(
        name="local symptoms", max_per_year=1.0, diameter50_mm=30.0, hill=4.0,
        source="assumption: a generic primary is noticed at a few centimetres",
    )]


class Presentation(_Section):
    """Routes to diagnosis. The first to fire diagnoses the patient."""

    primary_symptoms: list[PrimarySymptom] = Field(
        default_factory=_default_symptoms, description="symptoms of the primary tumour"
    )
    screening: list[Screening] = Field(
        default_factory=list, description="screening programmes (none by default)"
    )
    incidental: Incidental = Field(default_factory=Incidental)
    metastasis_symptoms: bool = Field(
        True, description="symptoms of metastases (data/symptoms.csv) can lead to diagnosis"
    )
    constitutional: Constitutional = Field(default_factory=Constitutional)
    max_years_to_diagnosis: Pos = Field(
        60.0,
        description="a cancer not diagnosed this long after its first malignant cell is never "
        "diagnosed (years)",
    )
