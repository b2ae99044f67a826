"""Virtual patients: who each patient is, and the kinetics that make it differ from the others.

`draw_patients` draws sex, subtype, age and kinetic parameters from a scenario's population;
`prepare_cohort` turns the draws into per-patient engine parameters, diagnosis days,
other-cause death days and follow-up; `run_cohort` runs them, each sex with its own organs.
"""

from metastasis.patients.cohort import PreparedCohort, prepare_cohort, run_cohort
from metastasis.patients.draw import PatientDraws, draw_patients

__all__ = ["PatientDraws", "PreparedCohort", "draw_patients", "prepare_cohort", "run_cohort"]
