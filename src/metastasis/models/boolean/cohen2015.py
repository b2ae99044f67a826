"""Cohen et al. 2015: Boolean model of the pathways enabling tumour-cell invasion and migration.

Cohen DPA, Martignetti L, Robine S, Barillot E, Zinovyev A, Calzone L. Mathematical modelling
of molecular pathways enabling tumour cell invasion and migration. PLoS Comput Biol
11(11):e1004571 (2015). doi:10.1371/journal.pcbi.1004571

32 nodes; two inputs (``ECMicroenv``, ``DNAdamage``) and six phenotype nodes. The network and
its configuration are the bundled files ``networks/cohen2015.bnd``/``.cfg`` (source in the
README there). All rates are 1 per model time unit, as in the published MaBoSS setting.
"""

from __future__ import annotations

from collections.abc import Mapping

from metastasis.models.boolean.bundled import load_network
from metastasis.models.boolean.network import BooleanNetwork

NAME = "cohen2015"
DOI = "10.1371/journal.pcbi.1004571"
CITATION = (
    "Cohen DPA, Martignetti L, Robine S, Barillot E, Zinovyev A, Calzone L (2015). Mathematical "
    "modelling of molecular pathways enabling tumour cell invasion and migration. "
    "PLoS Comput Biol 11(11): e1004571."
)
INPUTS: tuple[str, ...] = ("ECMicroenv", "DNAdamage")
PHENOTYPES: tuple[str, ...] = (
    "Apoptosis",
    "CellCycleArrest",
    "EMT",
    "Invasion",
    "Migration",
    "Metastasis",
)

#: named genotypes: node clamps (loss of function = 0, gain of function = 1)
MUTANTS: Mapping[str, Mapping[str, int]] = {
    "wild_type": {},
    "p53_loss": {"p53": 0},
    "notch_gain": {"NICD": 1},
    "notch_gain_p53_loss": {"NICD": 1, "p53": 0},
    "notch_gain_p53_p73_loss": {"NICD": 1, "p53": 0, "p73": 0},
    "p63_loss": {"p63": 0},
    "p73_loss": {"p73": 0},
    "akt1_gain": {"AKT1": 1},
    "akt2_gain": {"AKT2": 1},
    "zeb2_gain": {"ZEB2": 1},
    "twist1_gain": {"TWIST1": 1},
    "snai2_gain_mir203_gain": {"SNAI2": 1, "miR203": 1},
    "cdh1_loss": {"CDH1": 0},
}


def load() -> BooleanNetwork:
    """The bundled network with its configuration."""
    return load_network(NAME)
