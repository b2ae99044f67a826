"""Anti-angiogenic therapy (VEGF inhibition): lowers angiogenic stimulation, with escape.

The drug multiplies Hahnfeldt's stimulation b of the primary and of every lesion by a
factor < 1 (Hahnfeldt et al. 1999 Cancer Res 59:4770 model anti-angiogenic drugs on b).
Tumours escape within months through other pro-angiogenic signals (Bergers & Hanahan 2008
Nat Rev Cancer 8:592): the inhibition fades with a half-life, administration by administration.
"""

from __future__ import annotations

import math
from typing import ClassVar, Literal

from pydantic import Field

from metastasis.therapy.base import DosedCourse, Effects, ModifierPulse, PatientContext, Pos, Prob


class AntiVEGF(DosedCourse):
    """A VEGF inhibitor such as bevacizumab."""

    KIND: ClassVar[str] = "anti_vegf"
    DOSE_UNITS: ClassVar[tuple[str, ...]] = ("mg/kg",)

    therapy: Literal["anti_vegf"] = "anti_vegf"
    interval_days: Pos = Field(14.0, description="days between infusions (bevacizumab: q2w)")
    angiogenesis_multiplier: Prob = Field(
        0.3,
        description="factor on angiogenic stimulation at the reference dose, before escape; "
        "assumption: bevacizumab lowers tumour perfusion by about 30-50% within two weeks "
        "(Willett et al. 2004 Nat Med 10:145), taken here as 70% less stimulation",
    )
    reference_dose: Pos = Field(5.0, description="dose giving angiogenesis_multiplier (mg/kg)")
    escape_half_life_days: Pos | None = Field(
        180.0,
        description="half-life of the inhibition under continued treatment (days); None = no "
        "escape. Assumption: evasive resistance within months (Bergers & Hanahan 2008)",
    )

    def effects(self, ctx: PatientContext) -> Effects:
        """One pulse per administration; the inhibition fades with time on treatment."""
        m0 = self.scaled_multiplier(self.angiogenesis_multiplier, self.reference_dose)
        pulses = []
        for a, b in self.administrations():
            fade = 1.0
            if self.escape_half_life_days is not None:
                fade = math.exp(-math.log(2.0) * (a - self.start_days) / self.escape_half_life_days)
            value = 1.0 - (1.0 - m0) * fade
            if value != 1.0:
                pulses.append(ModifierPulse(a, b, "angiogenesis", value, self.escapes()))
        return Effects(pulses=pulses)
