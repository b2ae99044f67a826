"""Cytotoxic chemotherapy: cycles of log-kill of proliferating cells; dormant cells spared.

Each cycle kills a fixed fraction of the cells of the primary and of every growing lesion
(the log-kill hypothesis, Skipper et al. 1964 Cancer Chemother Rep 35:1); dormant
disseminated cells are out of cycle and survive (Naumov et al. 2003 Breast Cancer Res Treat
82:199: dormant cells persist through doxorubicin that clears growing metastases). The
resistant clone, if any, is spared.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from metastasis.therapy.base import (
    DosedCourse,
    Effects,
    Kill,
    NonNeg,
    PatientContext,
    Pos,
    log_surviving_fraction,
)


class Chemotherapy(DosedCourse):
    """Cycles of cytotoxic chemotherapy (e.g. anthracycline/taxane)."""

    KIND: ClassVar[str] = "chemotherapy"
    DOSE_UNITS: ClassVar[tuple[str, ...]] = ("mg/m2",)
    CLONE_ESCAPES: ClassVar[bool] = True

    therapy: Literal["chemotherapy"] = "chemotherapy"
    interval_days: Pos = Field(21.0, description="cycle length (days); 3-weekly is standard")
    cycles: int = Field(6, ge=1, le=100, description="number of cycles")
    log_kill_per_cycle: NonNeg = Field(
        0.9,
        description="decades of proliferating cells killed per cycle at the reference dose; "
        "assumption: clinical regimens kill well under the 2-4 logs per dose of murine "
        "leukaemia (Skipper 1964); calibrated in examples/adjuvant_chemotherapy against the "
        "EBCTCG 2012 breast cancer mortality ratio",
    )
    reference_dose: Pos = Field(
        60.0, description="dose giving log_kill_per_cycle (mg/m2); doxorubicin in AC, 60 mg/m2"
    )

    def effects(self, ctx: PatientContext) -> Effects:
        """One kill per cycle of primary and lesions; kill ∝ dose (log scale)."""
        logs = self.log_kill_per_cycle * self.dose_value() / self.reference_dose
        sf = log_surviving_fraction(logs)
        return Effects(kills=[
            Kill(t0, "everything", sf, dormant=False, spares_resistant=self.escapes())
            for t0, _ in self.administrations()
        ])
