"""Virtual patients: who each patient is, how its cancer is diagnosed, and its kinetics.

`draw_patients` draws sex, subtype, age and kinetic parameters from a scenario's population;
`prepare_cohort` turns the draws into per-patient engine parameters, diagnosis by the
primary's routes (`presentation`), other-cause death days and follow-up; `run_cohort` runs
them once, each sex with its own organs; `simulate_cohort` does the whole course: diagnoses by
metastatic symptoms, staging and the pathway's treatment.
"""

from metastasis.patients.cohort import PreparedCohort, prepare_cohort, run_cohort
from metastasis.patients.course import simulate_cohort
from metastasis.patients.draw import PatientDraws, draw_patients

__all__ = ["PatientDraws", "PreparedCohort", "draw_patients", "prepare_cohort", "run_cohort",
           "simulate_cohort"]
