"""Hormone therapy (ER+ breast: tamoxifen or aromatase inhibitors; prostate: androgen
deprivation): slows growth of hormone-receptor-positive tumours, no effect otherwise."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from metastasis.therapy.base import DosedCourse, Effects, PatientContext, Pos, Prob

HORMONE_SITES = ("breast", "prostate")
"""Primary sites where hormone therapy is defined."""


class HormoneTherapy(DosedCourse):
    """Endocrine therapy: lowers the growth rate of primary and lesions in HR+ patients."""

    KIND: ClassVar[str] = "hormone"
    DOSE_UNITS: ClassVar[tuple[str, ...]] = ("mg",)
    CLONE_ESCAPES: ClassVar[bool] = True

    therapy: Literal["hormone"] = "hormone"
    interval_days: Pos = Field(1.0, description="daily tablets")
    growth_multiplier: Prob = Field(
        0.5,
        description="factor on the Gompertz rate at the reference dose in receptor-positive "
        "patients; assumption: five years of tamoxifen lower ER+ breast cancer mortality by "
        "about a third (EBCTCG 2011 Lancet 378:771), consistent with slower regrowth",
    )
    reference_dose: Pos = Field(20.0, description="dose giving growth_multiplier (mg); tamoxifen 20 mg")
    wake_multiplier: Prob = Field(
        1.0,
        description="factor on the wake rate of dormant cells in receptor-positive patients "
        "while on treatment (1: no effect). Below 1 keeps oestrogen-dependent disseminated "
        "cells quiescent while their clearance goes on, so fewer remain to wake once treatment "
        "stops: the carry-over of benefit after five years of tamoxifen (EBCTCG 2011 Lancet "
        "378:771, recurrence rate ratio 0.68 in years 5-9); the value is an assumption",
    )

    def effects(self, ctx: PatientContext) -> Effects:
        """Slower growth while on treatment, for receptor-positive patients only."""
        if ctx.primary_site not in HORMONE_SITES:
            raise ValueError(
                f"hormone therapy is defined for primary sites {', '.join(HORMONE_SITES)}; "
                f"this scenario's primary is {ctx.primary_site!r}"
            )
        if not ctx.hormone_receptor_positive:
            return Effects()
        m = self.scaled_multiplier(self.growth_multiplier, self.reference_dose)
        return Effects(pulses=self.continuous("growth", m) + self.continuous(
            "wake", self.scaled_multiplier(self.wake_multiplier, self.reference_dose)))
