"""Clinical read-out: imaging detection, site symptoms, death and staging."""

from metastasis.clinical.imaging import DetectionCurve, detection_curves, detection_probability
from metastasis.clinical.readout import ClinicalReadout, clinical_readout
from metastasis.clinical.symptoms import SymptomRule, symptom_rules

__all__ = [
    "ClinicalReadout",
    "DetectionCurve",
    "SymptomRule",
    "clinical_readout",
    "detection_curves",
    "detection_probability",
    "symptom_rules",
]
