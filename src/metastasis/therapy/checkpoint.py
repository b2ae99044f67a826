"""Immune checkpoint inhibitor (anti-PD-1/PD-L1): restores killing that PD-L1 had blocked.

In the scenario a PD-L1+ CTC escapes a share `pdl1_protection` of NK/T killing; blocking the
axis gives back a share `blockade` of it, so the NK hazard on CTCs rises by the factor
1 + blockade·f·p / (1 − f·p) (f: PD-L1+ share, p: protection), and lesions gain an immune
hazard proportional to f. Patients with PD-L1-negative tumours gain nothing (Topalian et al.
2012 NEJM 366:2443: responses in PD-L1+ tumours only).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from metastasis.therapy.base import DosedCourse, Effects, NonNeg, PatientContext, Pos, Prob


class CheckpointInhibitor(DosedCourse):
    """An anti-PD-1 or anti-PD-L1 antibody."""

    KIND: ClassVar[str] = "checkpoint_inhibitor"
    DOSE_UNITS: ClassVar[tuple[str, ...]] = ("mg", "mg/kg")

    therapy: Literal["checkpoint_inhibitor"] = "checkpoint_inhibitor"
    interval_days: Pos = Field(21.0, description="days between infusions (pembrolizumab: q3w)")
    blockade: Prob = Field(
        0.7,
        description="share of PD-L1 protection removed at the reference dose; PD-1 receptor "
        "occupancy about 70% (Brahmer et al. 2010 J Clin Oncol 28:3167)",
    )
    reference_dose: Pos = Field(
        200.0, description="dose giving `blockade` (unit of `dose`); pembrolizumab 200 mg q3w"
    )
    lesion_kill_per_day: NonNeg = Field(
        0.05,
        description="immune hazard on lesion cells of a fully PD-L1+ tumour at full blockade "
        "(1/day); assumption, sized so that responding lesions shrink over weeks",
    )

    def effects(self, ctx: PatientContext) -> Effects:
        """Higher NK killing of CTCs and immune killing of lesions, both scaled by PD-L1."""
        b = min(1.0, self.blockade * self.dose_value() / self.reference_dose)
        fp = ctx.pdl1_positive_fraction * ctx.pdl1_protection
        nk = 1.0 + b * fp / (1.0 - fp) if fp < 1.0 else 1.0
        hazard = self.lesion_kill_per_day * b * ctx.pdl1_positive_fraction
        return Effects(pulses=self.continuous("nk_kill", nk)
                       + self.continuous("lesion_immune_per_day", hazard))
