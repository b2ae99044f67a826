"""Per-patient random streams from one SeedSequence.

Patient i of a run with seed s uses `SeedSequence(s, spawn_key=(i, stream))`: the engine draws
from stream 0 and the clinical read-out from stream 1. A patient's draws therefore depend on
(seed, patient index) only, never on batch size, chunking, worker count or order.
"""

from __future__ import annotations

import numpy as np

ENGINE_STREAM = 0
CLINICAL_STREAM = 1


def patient_generator(seed: int, patient: int, stream: int) -> np.random.Generator:
    """The Generator of one patient's stream."""
    ss = np.random.SeedSequence(entropy=seed, spawn_key=(patient, stream))
    return np.random.Generator(np.random.PCG64(ss))
PATIENT_STREAM = 3
"""Stream of a patient's characteristics (sex, age, subtype, kinetics; `metastasis.patients`).
Stream 2 is a trial's per-patient draws (`cohort.population`)."""
PRESENTATION_STREAM = 4
"""Stream of a patient's routes to diagnosis: primary-symptom and incidental thresholds, then
screening-round uniforms (`metastasis.patients.presentation`)."""
SYMPTOM_STREAM = 5
"""Stream of the thresholds of the site symptoms of metastases (`data/symptoms.csv`), shared
by presentation and the clinical read-out so that both see the same onsets."""
STAGING_STREAM = 6
"""Stream of the staging work-up: whether involved regional nodes are found
(`metastasis.patients.staging`)."""
CONSTITUTIONAL_STREAM = 7
"""Stream of the threshold of constitutional symptoms of the whole tumour burden
(`scenario.presentation.Constitutional`)."""
TROPISM_STREAM = 8
"""Stream of a patient's own organ preferences (`metastasis.patients.tropism`)."""
LYMPHATIC_STREAM = 9
"""Stream of a patient's own lymphatic spread (`metastasis.patients.tropism`)."""
