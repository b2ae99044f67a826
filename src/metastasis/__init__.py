"""metastasis: a whole-body, multi-scale simulator of the metastatic cascade.

Public API::

    import metastasis
    sc = metastasis.load_scenario("breast")
    result = metastasis.simulate(sc, patients=1, years=10, seed=0)
    result.events, result.trajectories, result.patients
    result.save("run/")
"""

__version__ = "0.1.0"

from metastasis.result import SimulationResult  # noqa: E402
from metastasis.scenario import Scenario, ScenarioError, available_presets, load_scenario  # noqa: E402
from metastasis.simulation import simulate  # noqa: E402

__all__ = [
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "__version__",
    "available_presets",
    "load_scenario",
    "simulate",
]
