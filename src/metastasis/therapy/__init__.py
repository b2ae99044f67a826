"""Therapies, one module each: what a course does to the engine's named rates, and its kills.

A course (`Surgery`, `Chemotherapy`, …) is validated data; `course.effects(ctx)` says what it
does to one patient; `metastasis.patients.therapy_schedule.build_schedule` merges the effects of
all courses into the engine's `Schedule`.
"""

from typing import Annotated

from pydantic import Field

from metastasis.therapy.antiangiogenic import AntiVEGF
from metastasis.therapy.base import Course, Effects, Kill, ModifierPulse, PatientContext
from metastasis.therapy.checkpoint import CheckpointInhibitor
from metastasis.therapy.chemotherapy import Chemotherapy
from metastasis.therapy.emt_blocker import EMTBlocker
from metastasis.therapy.hormone import HormoneTherapy
from metastasis.therapy.radiotherapy import Radiotherapy
from metastasis.therapy.surgery import Surgery
from metastasis.therapy.targeted import TargetedTherapy

AnyCourse = Annotated[
    Surgery | Chemotherapy | AntiVEGF | EMTBlocker | CheckpointInhibitor | HormoneTherapy
    | Radiotherapy | TargetedTherapy,
    Field(discriminator="therapy"),
]
"""A course of any therapy kind, chosen by its `therapy` field."""

__all__ = [
    "AntiVEGF", "AnyCourse", "CheckpointInhibitor", "Chemotherapy", "Course", "EMTBlocker",
    "Effects", "HormoneTherapy", "Kill", "ModifierPulse", "PatientContext", "Radiotherapy",
    "Surgery", "TargetedTherapy",
]
