"""Targeted therapy for a genotype (e.g. a KRAS G12C or MYC-directed drug).

Patients whose tumour carries the target allele get slower growth and an extra kill hazard;
everyone else gets nothing. The resistant clone escapes (acquired resistance, e.g. secondary
KRAS mutations: Awad et al. 2021 NEJM 384:2382).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator

from metastasis.therapy.base import DosedCourse, Effects, NonNeg, PatientContext, Pos, Prob

TARGETABLE = {"TP53": "loss", "MYC": "gain", "KRAS": "mutant", "CDH1": "methylated"}
"""Gene → the allele a targeted drug can be aimed at."""


class TargetedTherapy(DosedCourse):
    """A drug aimed at one altered gene."""

    KIND: ClassVar[str] = "targeted"
    DOSE_UNITS: ClassVar[tuple[str, ...]] = ("mg",)
    CLONE_ESCAPES: ClassVar[bool] = True

    therapy: Literal["targeted"] = "targeted"
    target: str = Field(..., description="'GENE:allele', e.g. 'KRAS:mutant'")
    growth_multiplier: Prob = Field(
        0.3,
        description="factor on the Gompertz rate of target-positive tumours at the reference "
        "dose; assumption: a targeted drug stalls growth of dependent tumours",
    )
    kill_per_day: NonNeg = Field(
        0.01,
        description="extra death hazard of target-positive tumour cells (1/day); assumption: "
        "partial responses over months (sotorasib: Skoulidis et al. 2021 NEJM 384:2371)",
    )
    reference_dose: Pos = Field(960.0, description="dose giving the effects (mg); sotorasib 960 mg")

    @field_validator("target")
    @classmethod
    def _target(cls, v: str) -> str:
        gene, _, allele = v.partition(":")
        if TARGETABLE.get(gene) != allele:
            options = ", ".join(f"{g}:{a}" for g, a in TARGETABLE.items())
            raise ValueError(f"unknown target {v!r}; expected one of {options}")
        return v

    def effects(self, ctx: PatientContext) -> Effects:
        """Slower growth and a kill hazard, for target-positive patients only."""
        gene, _, allele = self.target.partition(":")
        if ctx.allele(gene) != allele:
            return Effects()
        scale = self.dose_value() / self.reference_dose
        m = self.scaled_multiplier(self.growth_multiplier, self.reference_dose)
        return Effects(pulses=self.continuous("growth", m)
                       + self.continuous("extra_death_per_day", self.kill_per_day * scale))
