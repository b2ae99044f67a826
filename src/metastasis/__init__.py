"""metastasis: a whole-body, multi-scale simulator of the metastatic cascade.

Public API::

    import metastasis
    sc = metastasis.load_scenario("breast")
    result = metastasis.simulate(sc, patients=1, years=10, seed=0)
    result.events, result.trajectories, result.patients
    result.save("run/")

    plan = metastasis.load_trial("examples/trials/adjuvant_chemotherapy.toml")
    metastasis.run_trial(plan, ...)          # arms, survival analysis, plots
"""

from metastasis._version import __version__
from metastasis.result import SimulationResult
from metastasis.scenario import Scenario, ScenarioError, available_presets, load_scenario
from metastasis.simulation import simulate

_LAZY = {
    "load_trial": "metastasis.cohort.trial_loader",
    "run_trial": "metastasis.trial",
}


def __getattr__(name: str):
    """Trial entry points are imported on first use (they pull in the cohort runners)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'metastasis' has no attribute {name!r}")


__all__ = [
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "__version__",
    "available_presets",
    "load_scenario",
    "load_trial",
    "run_trial",
    "simulate",
]
