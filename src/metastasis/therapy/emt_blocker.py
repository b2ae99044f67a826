"""EMT blocker: lowers forward EMT (E → E/M → M) of the primary.

No EMT-blocking drug is approved; TGF-β receptor kinase inhibitors such as galunisertib block
the main inducer (Herbertz et al. 2015 Drug Des Devel Ther 9:4479). The size of the effect is
an assumption.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from metastasis.therapy.base import DosedCourse, Effects, PatientContext, Pos, Prob


class EMTBlocker(DosedCourse):
    """A drug that lowers the forward EMT rates."""

    KIND: ClassVar[str] = "emt_blocker"
    DOSE_UNITS: ClassVar[tuple[str, ...]] = ("mg", "mg/kg")

    therapy: Literal["emt_blocker"] = "emt_blocker"
    emt_forward_multiplier: Prob = Field(
        0.3,
        description="factor on E→E/M and E/M→M at the reference dose; assumption: TGF-β "
        "pathway inhibition blocks most but not all induction",
    )
    reference_dose: Pos = Field(
        150.0, description="dose giving emt_forward_multiplier (unit of `dose`); galunisertib "
        "150 mg twice daily (Herbertz et al. 2015)",
    )

    def effects(self, ctx: PatientContext) -> Effects:
        """Continuous lowering of forward EMT while the course runs."""
        m = self.scaled_multiplier(self.emt_forward_multiplier, self.reference_dose)
        return Effects(pulses=self.continuous("emt_forward", m))
