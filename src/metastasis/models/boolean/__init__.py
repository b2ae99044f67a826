"""Boolean pathway networks in MaBoSS format: reading, stochastic simulation, stable states.

>>> from metastasis.models.boolean import load_network, simulate, stable_states
>>> net = load_network("cohen2015")
>>> len(stable_states(net))
9
"""

from metastasis.models.boolean.bundled import bundled_names, load_network
from metastasis.models.boolean.errors import NetworkFileError
from metastasis.models.boolean.network import BooleanNetwork
from metastasis.models.boolean.propensity import genotype_propensities, parse_genotype
from metastasis.models.boolean.simulator import BooleanSimulation, simulate
from metastasis.models.boolean.stable_states import stable_states, stable_states_exhaustive

__all__ = [
    "BooleanNetwork",
    "BooleanSimulation",
    "NetworkFileError",
    "bundled_names",
    "genotype_propensities",
    "load_network",
    "parse_genotype",
    "simulate",
    "stable_states",
    "stable_states_exhaustive",
]
