"""Who the patients of a scenario are: sex, age, subtype, and the spread of their kinetics.

A preset's `[population]` says how real patients with its cancer differ from one another.
Every patient draws from it on its own random stream (`metastasis.patients`), so a cohort is
a population rather than one patient repeated. A distribution of kind `fixed` pins a value.

Kinetic parameters (`KINETIC_PARAMETERS`): `volume_doubling_time_days` is absolute (days, of
the untreated primary at 1 cm³); the others are dimensionless multipliers of the scenario's
own rate, so a median of 1 leaves the scenario's calibration at the centre of the population.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from metastasis.scenario.distributions import Distribution

Prob = Annotated[float, Field(ge=0.0, le=1.0)]
Pos = Annotated[float, Field(gt=0.0)]

KINETIC_PARAMETERS: dict[str, str] = {
    "volume_doubling_time_days": "volume doubling time of the untreated primary at 1 cm³ "
    "(days) for the wild-type genotype; every growth and EMT rate of the primary and of its "
    "metastases is scaled so that the patient's tumour has it, and the genotype's "
    "multipliers act on top",
    "dissemination": "multiplier of the emission coefficient (intravasation.emission_coefficient)",
    "dormancy_entry": "multiplier of dormancy.entry_probability (capped at 1)",
    "dormancy_clearance": "multiplier of dormancy.clearance_per_day",
    "dormancy_wake": "multiplier of dormancy.wake_per_day",
    "immune_control": "multiplier of colonisation.immune_kill_per_day (T/NK killing of small "
    "lesions)",
    "angiogenic_dormancy": "multiplier of colonisation.avascular_mean_days (how long a new "
    "colony stays avascular)",
}
"""The population parameters a preset may spread, with what each acts on."""

SHARE_TOLERANCE = 1e-6
"""How far the subtype shares may sum from 1 (rounding in a TOML file)."""


MOVED_TO_PRESENTATION = {
    "diagnosis_diameter_mm": "remove it, and set presentation.primary_symptoms instead",
    "max_years_to_diagnosis": "use presentation.max_years_to_diagnosis",
}
"""Population fields that older scenario files may still hold, with what replaced them."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Subtype(_Section):
    """One subtype of the cancer (receptor status, histology) with its share and kinetics."""

    share: Prob = Field(description="share of patients with this subtype")
    hormone_receptor_positive: bool | None = Field(
        None, description="oestrogen/progesterone receptor status, where the cancer has one"
    )
    her2_positive: bool | None = Field(None, description="HER2 status, where the cancer has one")
    doubling_time_multiplier: Pos = Field(
        1.0, description="multiplies the patient's volume doubling time (dimensionless)"
    )
    dissemination_multiplier: Pos = Field(
        1.0, description="multiplies the patient's dissemination (dimensionless)"
    )
    source: str = Field("", description="where the share and the multipliers come from")


class Correlation(_Section):
    """Correlation of two kinetic parameters' normal scores (a Gaussian copula)."""

    between: tuple[str, str]
    rho: Annotated[float, Field(gt=-1.0, lt=1.0)]
    source: str = ""


def _default_age() -> Distribution:
    return Distribution(distribution="normal", mean=65.0, sd=12.0, min=20.0, max=95.0)


class Population(_Section):
    """Distributions of the characteristics that differ between patients."""

    female_share: Prob = Field(
        1.0, description="share of patients who are female (default 1: the default primary "
        "site is the breast)"
    )
    male_breast_lesions: bool = Field(
        False,
        description="whether men can carry lesions in the breast organ; only a male "
        "breast-cancer scenario says so (men have little breast tissue)",
    )
    age_at_diagnosis_years: Distribution = Field(
        default_factory=_default_age,
        description="age at which the patient's primary would present without screening "
        "(years); the age at the first malignant cell is this minus the patient's own time from "
        "first cell to that presentation, so screening and metastatic symptoms can only make "
        "the age at diagnosis younger. Default: assumption (solid tumours are diagnosed at a "
        "median age near 65)",
    )
    subtypes: dict[str, Subtype] = Field(
        default_factory=lambda: {"all": Subtype(share=1.0)},
        description="subtypes by name; shares sum to 1",
    )
    kinetics: dict[str, Distribution] = Field(
        default_factory=dict,
        description="population distributions of KINETIC_PARAMETERS (missing: the scenario's "
        "own value for every patient)",
    )
    vary_kinetics: bool = Field(
        True,
        description="false: every patient gets the median of each kinetic distribution "
        "(subtypes and their multipliers still apply), for mechanism studies",
    )
    correlations: list[Correlation] = Field(
        default_factory=list, description="correlations between kinetic parameters"
    )
    other_cause_mortality: bool = Field(
        True, description="patients can die of other causes, by the bundled life table"
    )
    lymphatic_sigma: Annotated[float, Field(ge=0.0, le=5.0)] | None = Field(
        None,
        description="spread (standard deviation of the natural log) of each patient's own "
        "lymphatic spread: a lognormal multiplier of median 1 that sets how readily the "
        "regional nodes are colonised in place of the patient's `dissemination` multiplier, "
        "so that nodal and blood-borne spread differ between patients independently; None: "
        "the nodes follow the dissemination multiplier like every other organ "
        "(dimensionless)",
    )
    organotropism_sigma: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        0.0,
        description="spread (standard deviation of the natural log) of each patient's own "
        "multiplier on every distant organ's weight (`dormancy.organ_weights`): lognormal with "
        "mean 1, drawn per patient and organ, so that one cancer favours some organs and "
        "spares others while the population keeps the preset's organ preferences; 0: every "
        "patient has the preset's weights. The primary's organ and the regional nodes keep "
        "theirs (dimensionless)",
    )
    sources: list[str] = Field(default_factory=list, description="references for the population")

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, v: object) -> object:
        if isinstance(v, dict):
            for name in MOVED_TO_PRESENTATION:
                if name in v:
                    raise ValueError(
                        f"population.{name} is no longer a setting: diagnosis now comes from "
                        "the routes of [presentation] (primary symptoms, screening, incidental "
                        f"imaging, metastatic symptoms); {MOVED_TO_PRESENTATION[name]}")
        return v

    @field_validator("subtypes")
    @classmethod
    def _shares(cls, v: dict[str, Subtype]) -> dict[str, Subtype]:
        if not v:
            raise ValueError("needs at least one subtype")
        total = sum(s.share for s in v.values())
        if abs(total - 1.0) > SHARE_TOLERANCE:
            shares = ", ".join(f"{k} = {s.share}" for k, s in v.items())
            raise ValueError(f"subtype shares sum to {total:.6g} ({shares}); expected 1")
        return v

    @field_validator("kinetics", mode="before")
    @classmethod
    def _numbers_are_fixed(cls, v: object) -> object:
        """A bare number pins the parameter: `dissemination = 1.0`."""
        if isinstance(v, dict):
            return {k: ({"distribution": "fixed", "value": x}
                        if isinstance(x, int | float) and not isinstance(x, bool) else x)
                    for k, x in v.items()}
        return v

    @field_validator("kinetics")
    @classmethod
    def _kinetic_names(cls, v: dict[str, Distribution]) -> dict[str, Distribution]:
        for name, dist in v.items():
            if name not in KINETIC_PARAMETERS:
                raise ValueError(f"unknown kinetic parameter {name!r}; expected one of: "
                                 f"{', '.join(KINETIC_PARAMETERS)}")
            lo = dist.quantile(1e-9)
            if not lo > 0.0:
                raise ValueError(f"{name}: values must be > 0 (the distribution reaches {lo:g}; "
                                 f"set min > 0 or use a lognormal)")
        return v

    @model_validator(mode="after")
    def _correlations(self) -> Population:
        names = self.kinetic_names()
        for c in self.correlations:
            for name in c.between:
                if name not in self.kinetics:
                    raise ValueError(f"correlation names {name!r}, which is not among the "
                                     f"kinetics given ({', '.join(names) or 'none'})")
            if c.between[0] == c.between[1]:
                raise ValueError(f"correlation of {c.between[0]!r} with itself")
        if self.correlations and not np.all(np.linalg.eigvalsh(self.correlation_matrix()) > 0):
            raise ValueError("the correlations do not form a positive-definite matrix")
        return self

    def sets_growth(self) -> bool:
        """Whether patients' doubling times differ from the scenario's own."""
        return "volume_doubling_time_days" in self.kinetics or any(
            s.doubling_time_multiplier != 1.0 for s in self.subtypes.values())

    def kinetic_names(self) -> tuple[str, ...]:
        """Kinetic parameters drawn per patient, in a fixed order (that of KINETIC_PARAMETERS)."""
        return tuple(k for k in KINETIC_PARAMETERS if k in self.kinetics)

    def correlation_matrix(self) -> np.ndarray:
        """Correlation matrix of the normal scores of `kinetic_names()`."""
        names = self.kinetic_names()
        r = np.eye(len(names))
        for c in self.correlations:
            i, j = names.index(c.between[0]), names.index(c.between[1])
            r[i, j] = r[j, i] = c.rho
        return r
