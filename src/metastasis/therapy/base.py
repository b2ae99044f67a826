"""What every therapy course shares: timing, dose with units, stop rule, and its effects.

A course is declared in a trial TOML (`[[arms.courses]]`) and compiled, per patient, into
effects on the engine's named rates (`ModifierPulse`) and instantaneous kills (`Kill`); the
schedule builder (`patients.therapy_schedule`) turns the effects of all courses into one `Schedule`.
Times are days from the anchor (diagnosis), never negative.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NonNeg = Annotated[float, Field(ge=0.0)]
Pos = Annotated[float, Field(gt=0.0)]
Prob = Annotated[float, Field(ge=0.0, le=1.0)]

MULTIPLIER_RATES = (
    "growth", "angiogenesis", "emt_forward", "emission", "nk_kill", "dormancy_clearance", "wake",
)
"""Rates a therapy multiplies (dimensionless factors, 1 = no effect)."""
HAZARD_RATES = ("extra_death_per_day", "lesion_immune_per_day")
"""Rates a therapy adds to (hazards per day, 0 = no effect)."""

_DOSE = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([A-Za-z/0-9²]+)\s*$")


@dataclass(frozen=True)
class PatientContext:
    """What a course needs to know about a patient to decide its effect.

    `genotype`: gene → state; `hormone_receptor_positive`: ER+ (breast) or AR-driven
    (prostate); `pdl1_positive_fraction` and `pdl1_protection` as in the scenario's
    circulation section; `primary_site`: organ name.
    """

    genotype: tuple[tuple[str, str], ...] = ()
    hormone_receptor_positive: bool = False
    pdl1_positive_fraction: float = 0.0
    pdl1_protection: float = 0.0
    primary_site: str = "breast"

    def allele(self, gene: str) -> str | None:
        """The patient's state of `gene`, or None if unknown."""
        return dict(self.genotype).get(gene)


@dataclass(frozen=True)
class ModifierPulse:
    """A constant effect on one named rate over [t0_days, t1_days).

    `value` multiplies a rate in MULTIPLIER_RATES or adds to one in HAZARD_RATES.
    `clone_escapes`: the resistant clone does not feel it.
    """

    t0_days: float
    t1_days: float
    rate: str
    value: float
    clone_escapes: bool = False


@dataclass(frozen=True)
class Kill:
    """Instantaneous kill at `t_days` of all but `surviving_fraction` of a target's cells.

    `target`: "primary", an organ name (its lesions), "all_lesions" or "everything".
    """

    t_days: float
    target: str
    surviving_fraction: float
    dormant: bool = False
    spares_resistant: bool = False


@dataclass
class Effects:
    """Everything one course does to one patient."""

    pulses: list[ModifierPulse] = field(default_factory=list)
    kills: list[Kill] = field(default_factory=list)

    def clipped(self, stop_days: float) -> Effects:
        """The effects that happen before `stop_days` (a course stopped early)."""
        pulses = [
            ModifierPulse(p.t0_days, min(p.t1_days, stop_days), p.rate, p.value, p.clone_escapes)
            for p in self.pulses if p.t0_days < stop_days
        ]
        return Effects(pulses, [k for k in self.kills if k.t_days < stop_days])


def parse_dose(text: str) -> tuple[float, str]:
    """'60 mg/m2' → (60.0, 'mg/m2'); raises ValueError on anything else."""
    match = _DOSE.match(str(text))
    if not match:
        raise ValueError(f"expected a dose as '<number> <unit>', e.g. '60 mg/m2', got {text!r}")
    return float(match.group(1)), match.group(2).replace("²", "2")


class Course(BaseModel):
    """Timing and stop rule common to every therapy.

    Administration k (0 ≤ k < cycles) starts at `start_days + k·interval_days` and acts for
    `duration_days` (default: the whole interval, i.e. continuous exposure).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    DOSE_UNITS: ClassVar[tuple[str, ...]] = ()
    CLONE_ESCAPES: ClassVar[bool] = False
    KIND: ClassVar[str] = ""

    drug: str = Field("", description="drug or procedure name; courses of one drug may not overlap")
    start_days: NonNeg = Field(0.0, description="first administration (days from diagnosis)")
    interval_days: Pos = Field(1.0, description="days between administrations (cycle length)")
    cycles: Annotated[int, Field(ge=1, le=100_000)] = Field(1, description="administrations")
    duration_days: Pos | None = Field(
        None, description="days each administration acts (default: interval_days)"
    )
    stop: Literal["after_cycles", "on_progression"] = Field(
        "after_cycles",
        description="'on_progression': stop at the first scan that shows a new metastasis "
        "after the course started (RECIST 1.1 new-lesion rule, Eisenhauer et al. 2009 Eur J "
        "Cancer 45:228)",
    )
    resistant_clone_escapes: bool | None = Field(
        None, description="the resistant clone is spared (default: per therapy kind)"
    )

    @model_validator(mode="after")
    def _possible(self) -> Course:
        if self.duration_days is not None and self.duration_days > self.interval_days:
            raise ValueError(
                f"duration_days = {self.duration_days} exceeds interval_days = "
                f"{self.interval_days}: administrations of one course cannot overlap"
            )
        return self

    def drug_name(self) -> str:
        """Name used to find overlapping courses: `drug`, or the therapy kind."""
        return self.drug or self.KIND

    def escapes(self) -> bool:
        """Whether the resistant clone is spared by this course."""
        if self.resistant_clone_escapes is None:
            return self.CLONE_ESCAPES
        return self.resistant_clone_escapes

    def end_days(self) -> float:
        """Day the last administration stops acting."""
        dur = self.interval_days if self.duration_days is None else self.duration_days
        return self.start_days + (self.cycles - 1) * self.interval_days + dur

    def administrations(self) -> list[tuple[float, float]]:
        """(start, end) days of each administration."""
        dur = self.interval_days if self.duration_days is None else self.duration_days
        return [
            (self.start_days + k * self.interval_days,
             self.start_days + k * self.interval_days + dur)
            for k in range(self.cycles)
        ]

    def continuous(self, rate: str, value: float) -> list[ModifierPulse]:
        """One pulse per administration with a constant effect on `rate`."""
        if _is_identity(rate, value):
            return []
        if self.duration_days is None or self.duration_days >= self.interval_days:
            return [ModifierPulse(self.start_days, self.end_days(), rate, value, self.escapes())]
        return [ModifierPulse(a, b, rate, value, self.escapes()) for a, b in self.administrations()]

    def effects(self, ctx: PatientContext) -> Effects:  # pragma: no cover - abstract
        """The effects of this course on one patient."""
        raise NotImplementedError


class DosedCourse(Course):
    """A drug course: a dose with units; effects scale with dose / reference dose."""

    dose: str = Field(..., description="dose per administration with units, e.g. '60 mg/m2'")

    @field_validator("dose")
    @classmethod
    def _units(cls, v: str) -> str:
        value, unit = parse_dose(v)
        if unit not in cls.DOSE_UNITS:
            raise ValueError(
                f"dose unit {unit!r} not accepted for {cls.KIND}; expected one of "
                f"{', '.join(cls.DOSE_UNITS)} (e.g. '{value:g} {cls.DOSE_UNITS[0]}')"
            )
        if not value > 0.0:
            raise ValueError("expected a positive dose")
        return v

    def dose_value(self) -> float:
        """Dose per administration in the course's unit."""
        return parse_dose(self.dose)[0]

    def scaled_multiplier(self, at_reference: float, reference_dose: float) -> float:
        """Multiplier at this dose: at_reference^(dose/reference) (assumption: log-linear)."""
        return at_reference ** (self.dose_value() / reference_dose)


def _is_identity(rate: str, value: float) -> bool:
    if rate in MULTIPLIER_RATES:
        return value == 1.0
    if rate in HAZARD_RATES:
        return value == 0.0
    raise ValueError(f"unknown rate {rate!r}")


def log_surviving_fraction(logs_killed: float) -> float:
    """Surviving fraction after killing `logs_killed` decades of cells."""
    return math.pow(10.0, -logs_killed)
