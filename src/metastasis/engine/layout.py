"""Layout of the kernel's outputs: status codes, summary slots, trajectory columns, counters."""

from __future__ import annotations

STATUS_OK = 0
STATUS_EVENTS_FULL = 1
STATUS_OBSERVATIONS_FULL = 2
STATUS_TRAJECTORY_FULL = 3

# summary vector slots (one row per patient)
S_DEATH_T = 0
S_DEATH_CAUSE = 1
S_N_EVENTS = 2
S_N_TRAJ = 3
S_N_LESIONS = 4
S_N_OBS = 5
S_DROPPED_LESIONS = 6
S_FIRST_LESION_T = 7
S_RESISTANT_CELLS = 8  # resistant cells in the primary and lesions at the end
S_TUMOUR_CELLS = 9  # all cells in the primary and lesions at the end
N_SUMMARY = 10

N_TRAJ_FIXED = 4
"""Trajectory row: t, then E, H, M, K, then lesion burden per organ, then dormant cells per organ."""

# output counters (`Output.ctr`)
C_EVENTS = 0  # event rows written
C_TRAJ = 1  # trajectory rows written
C_OBS = 2  # observation rows written
C_STATUS = 3  # first buffer that ran out (a STATUS_* code), 0 while all fit
N_COUNTERS = 4

# primary compartments (`Patient.primary`), cells; P_CAP is the vascular capacity K
P_E, P_H, P_M, P_RE, P_RH, P_RM, P_CAP = range(7)
