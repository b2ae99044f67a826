"""Recurrence after diagnosis without distant disease: when it is found, and where.

A patient staged M0 recurs on the first scan after its work-up that detects a lesion: in the
primary's own organ ("local"), in the regional nodes ("regional") or elsewhere ("distant").
When one scan finds several kinds, the most advanced names the recurrence (distant over
regional over local), as a clinician would stage it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metastasis.anatomy.organs import ORGANS
from metastasis.engine.events import PRIMARY_LESION_ID
from metastasis.patients.cohort import PreparedCohort
from metastasis.patients.staging import REGIONAL
from metastasis.scenario.schema import Scenario

KINDS = ("local", "regional", "distant")
"""Values of `patients.recurrence_type`, least to most advanced."""


def recurrences(lesions: pd.DataFrame, cohort: PreparedCohort, stages: pd.DataFrame,
                sc: Scenario) -> pd.DataFrame:
    """`recurrence_days` (from the first cell; NaN if none) and `recurrence_type` per patient.

    `lesions` is the clinical read-out's lesion table (organ codes, `detected_days`);
    `stages` the staging columns in cohort order.
    """
    patients = cohort.draws.patient
    work_up = pd.Series(cohort.diagnosis_days + sc.clinical.imaging.start_day, index=patients)
    m0 = pd.Series(stages.m_stage.to_numpy() == "M0", index=patients)
    found = lesions[(lesions.lesion_id != PRIMARY_LESION_ID) & lesions.detected_days.notna()]
    found = found[m0.reindex(found.patient).to_numpy()
                  & (found.detected_days.to_numpy()
                     > work_up.reindex(found.patient).to_numpy() + 1e-6)]
    own, regional = ORGANS.index(sc.primary_site), ORGANS.index(REGIONAL)
    kind = np.where(found.organ == own, 0, np.where(found.organ == regional, 1, 2))
    found = found.assign(kind=kind)
    first_day = found.groupby("patient").detected_days.transform("min")
    first = found[found.detected_days == first_day].groupby("patient").agg(
        day=("detected_days", "min"), kind=("kind", "max"))
    day = first.day.reindex(patients).to_numpy(dtype=np.float64)
    k = first.kind.reindex(patients)
    return pd.DataFrame({
        "recurrence_days": day,
        "recurrence_type": [KINDS[int(x)] if x == x else "" for x in k],
    })
