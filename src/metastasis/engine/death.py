"""Step 4 of a patient's day: death when an organ or the whole body passes its lethal burden."""

from __future__ import annotations

from numba import njit

from metastasis.biology.burden import lethal_organ
from metastasis.engine.events import EV_DEATH, NO_LESION
from metastasis.engine.params import O_LETHAL, T_LETHAL_TOTAL
from metastasis.engine.recording import emit


@njit(cache=True)
def death_step(body, s, out, t_death):
    """The cause of death (organ index, or −2 for total burden) if this step's burden is
    lethal, writing the death event at day t_death with the total burden (cells); else −1."""
    total = 0.0
    for o in range(body.burden.shape[0]):
        total += body.burden[o]
    cause = lethal_organ(body.burden, total, s.theta[T_LETHAL_TOTAL], s.organ_par[O_LETHAL])
    if cause != -1:
        emit(out, t_death, EV_DEATH, cause, NO_LESION, total)
    return cause
