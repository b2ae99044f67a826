"""Tissue-scale invasion: a hybrid discrete–continuum model of the primary tumour, in 2D or 3D.

Cancer cells live on a lattice as counts per site and phenotype (epithelial E, mesenchymal M);
they divide (per-phenotype doubling times, per-site carrying capacity), move at random and up
ECM gradients (haptotaxis, M faster than E), switch E↔M under TGF-β and hypoxia, and enter
vessels — normal vessels take mesenchymal cells, ruptured vessels take clusters of any
phenotype. Continuous fields hold ECM, MMP-2 (mostly from M cells, degrading ECM), oxygen
(from vessels, consumed by cells), VEGF (from hypoxic cells, sprouting new vessels) and TGF-β;
optional TAM and CAF agents raise invasion and remodel the matrix. The published model of
Franssen et al. (2019), Bull Math Biol 81:1965, with its secondary-site grids, CTC survival
and extravasation probabilities, is the preset ``franssen2019``; ``invasion`` switches every
extension on.

Time and space units
--------------------
The model runs in the non-dimensional units of Franssen et al. (2019): length ``L = 0.2 cm``
(``params.grid.length_scale_cm``) and time ``τ = 4·10⁴ s`` (``params.grid.time_scale_s``).
One step is ``Δt = 10⁻³ τ = 40 s``, so **one day is 2160 steps** and a step is
``params.grid.step_days ≈ 4.63·10⁻⁴`` days; a lattice site is ``Δx = 5·10⁻³ L = 10 µm``.
Every table of a run (:class:`SpatialRun`) carries ``t_days``: the state after step ``n`` and
the events of step ``n`` are stamped ``t_days = (n + 1)·Δt`` in days, the initial state
``t_days = 0``.

Hand-over to the whole-body engine
----------------------------------
:func:`intravasation_series` turns a run into the table the engine reads when a scenario sets
``emission = "spatial"``: one row per intravasation with ``t_days`` (days since the start of
the spatial run, which the engine aligns with the start of the primary tumour), ``cells``,
``n_E``, ``n_M`` and ``cluster``. The engine uses these events as the primary tumour's emission
for the simulated span (``steps · step_days`` days) and switches to its compartment law after.

Example
-------
>>> from metastasis.spatial import load_preset, run_spatial, intravasation_series
>>> run = run_spatial(load_preset("franssen2019"), steps=2160, seed=1)   # one day
>>> emission = intravasation_series(run)
"""

from metastasis.spatial.model import SpatialModel, run_spatial
from metastasis.spatial.params import (
    OverrideError,
    SpatialParams,
    parameter_names,
    with_overrides,
)
from metastasis.spatial.presets import PRESETS, load_preset
from metastasis.spatial.results import SpatialRun, intravasation_series

__all__ = [
    "PRESETS",
    "OverrideError",
    "SpatialModel",
    "SpatialParams",
    "SpatialRun",
    "intravasation_series",
    "load_preset",
    "parameter_names",
    "run_spatial",
    "with_overrides",
]
