"""Event codes shared by the kernel and the result tables."""

from __future__ import annotations

EVENT_NAMES = (
    "seeded",
    "arrested",
    "extravasated",
    "dormant",
    "woke",
    "lesion_born",
    "lesion_cleared",
    "treatment",
    "death",
    "detected",
    "symptom",
)
"""Event vocabulary of `events.parquet`, in the order used to break ties at equal times."""
(
    EV_SEEDED,
    EV_ARRESTED,
    EV_EXTRAVASATED,
    EV_DORMANT,
    EV_WOKE,
    EV_LESION_BORN,
    EV_LESION_CLEARED,
    EV_TREATMENT,
    EV_DEATH,
    EV_DETECTED,
    EV_SYMPTOM,
) = range(len(EVENT_NAMES))

PRIMARY_LESION_ID = 0
"""Lesion id used for the primary tumour (metastases are numbered from 1 per patient)."""
NO_LESION = -1
"""Lesion id of events that concern counted cells rather than one lesion."""
DEATH_TOTAL_BURDEN = -2
"""`organ` code of a death from total-body burden rather than one organ."""
