"""Reproduction of Cohen et al. 2015, the Boolean invasion/migration model.

Cohen DPA, Martignetti L, Robine S, Barillot E, Zinovyev A, Calzone L. Mathematical modelling
of molecular pathways enabling tumour cell invasion and migration. PLoS Comput Biol
11(11):e1004571 (2015). doi:10.1371/journal.pcbi.1004571

Targets and where they are printed:

* Wild type: nine stable states (Cohen et al. 2015, Results, stable states of the master
  model). The full 32-node table of the nine states is printed in the CoLoMoTo notebook
  reproduction of the paper: Levy N, Naldi A, Hernandez C, Stoll G, Thieffry D, Zinovyev A,
  Calzone L, Paulevé L (2018), Front Physiol 9:787, notebook "Usecase - Mutations enabling
  tumour invasion", table of `biolqm.fixpoints`; it states that four of them are apoptotic,
  all with DNA damage. We compare every entry of that table.
* Notch gain / p53 loss double mutant (NICD=1, p53=0): loses the apoptotic outcome and all
  trajectories reach the metastatic phenotype (Cohen et al. 2015, Results on the Notch++/p53--
  double mutant; Levy et al. 2018, notebook section "Simulation of double mutant
  Notch++/p53--": "all the trajectories ... reach the metastatic invasive state exclusively").
* Phenotype probabilities of the wild type: no number is printed in a form we could read, so
  the test compares with MaBoSS itself run on the same files (cmaboss 1.0.0b34, 10,000
  trajectories, seed 0; `benchmarks/maboss_compare.py`, recorded in `benchmarks/RESULTS.md`).
  This is an agreement-with-reference check, not a number from the paper.
* Derived quantities (not printed in the paper, following from the rules): metastatic states
  need ECM signalling and apoptotic ones DNA damage, so with each input on with probability
  1/2 neither phenotype can exceed 1/2.
"""

from __future__ import annotations

import pytest

from metastasis.models.boolean import load_network, simulate, stable_states
from metastasis.models.boolean.cohen2015 import MUTANTS, PHENOTYPES

# Levy et al. 2018 notebook, fixpoint table: one string per stable state, columns in this order
COLUMNS = (
    "ECMicroenv DNAdamage Metastasis Migration Invasion EMT Apoptosis CellCycleArrest GF TGFbeta "
    "p21 CDH1 CDH2 VIM TWIST1 SNAI1 SNAI2 ZEB1 ZEB2 AKT1 DKK1 CTNNB1 NICD p63 p53 p73 miR200 "
    "miR203 miR34 AKT2 ERK SMAD"
).split()
PRINTED_WILD_TYPE = {
    "00000000000100000000000000000000",
    "00000101100011111110000000000110",
    "01000011001100000000000010110000",
    "01000011001100000000000101100000",
    "01000101100011111110000000000110",
    "10111101110011111110101000000111",
    "11000011011100000000000010110000",
    "11000011011100000000000101100000",
    "11111101110011111110101000000111",
}
METASTATIC = "CellCycleArrest -- EMT -- Invasion -- Migration -- Metastasis"
# MaBoSS (cmaboss 1.0.0b34) last-window probabilities, Cohen network, 10,000 trajectories, seed 0
MABOSS_WILD_TYPE = {
    "Apoptosis -- CellCycleArrest": 0.4343,
    METASTATIC: 0.3006,
    "<nil>": 0.2055,
    "CellCycleArrest -- EMT": 0.0596,
}


def _canonical(label: str) -> str:
    order = {p: i for i, p in enumerate(PHENOTYPES)}
    return " -- ".join(sorted(label.split(" -- "), key=lambda x: order.get(x, -1)))


@pytest.fixture(scope="module")
def network():
    return load_network("cohen2015")


def test_wild_type_has_the_nine_printed_stable_states(network) -> None:
    states = stable_states(network)
    ours = {"".join(str(int(row[c])) for c in COLUMNS) for _, row in states.iterrows()}
    assert len(states) == 9
    assert ours == PRINTED_WILD_TYPE


def test_wild_type_phenotype_makeup(network) -> None:
    states = stable_states(network)
    apoptotic = states[states.Apoptosis == 1]
    metastatic = states[states.Metastasis == 1]
    emt_only = states[(states.EMT == 1) & (states.Invasion == 0)]
    homeostatic = states[states[list(PHENOTYPES)].sum(axis=1) == 0]
    assert (len(homeostatic), len(emt_only), len(apoptotic), len(metastatic)) == (1, 2, 4, 2)
    assert (apoptotic.DNAdamage == 1).all()  # "four of which enable apoptosis ... DNAdamage active"
    assert (metastatic.ECMicroenv == 1).all()
    assert (metastatic[["Migration", "Invasion", "EMT"]] == 1).all().all()


def test_notch_gain_p53_loss_has_only_metastatic_stable_states(network) -> None:
    states = stable_states(network, MUTANTS["notch_gain_p53_loss"])
    assert len(states) == 4  # one per combination of the two inputs
    assert (states.Metastasis == 1).all() and (states.Apoptosis == 0).all()


@pytest.mark.slow
def test_notch_gain_p53_loss_sends_every_trajectory_to_metastasis(network) -> None:
    res = simulate(network, mutants={"NICD": 1, "p53": 0}, sample_count=2000, seed=1)
    final = {_canonical(k): v for k, v in res.last_window_probabilities.items()}
    assert final == {METASTATIC: 1.0}


def test_notch_gain_alone_removes_apoptotic_stable_states(network) -> None:
    # derived from the rules: active NICD represses p53, p63 and p73 upstream of apoptosis
    states = stable_states(network, MUTANTS["notch_gain"])
    assert (states.Apoptosis == 0).all()
    assert len(states[states.Metastasis == 1]) == 4


def test_p53_loss_alone_keeps_apoptosis(network) -> None:
    # derived: with DNA damage, p63/p73 still reach apoptosis without p53
    states = stable_states(network, MUTANTS["p53_loss"])
    assert len(states) == 7
    assert (states.Apoptosis == 1).any()
    res = simulate(network, mutants={"p53": 0}, sample_count=2000, seed=2)
    assert res.fraction_active("Metastasis") < 0.5


def test_wild_type_probabilities_agree_with_maboss(network) -> None:
    res = simulate(network, seed=0)  # 10,000 trajectories, max_time 100, from the .cfg
    ours = {_canonical(k): v for k, v in res.last_window_probabilities.items()}
    theirs = {_canonical(k): v for k, v in MABOSS_WILD_TYPE.items()}
    tvd = 0.5 * sum(abs(ours.get(k, 0.0) - theirs.get(k, 0.0)) for k in set(ours) | set(theirs))
    assert tvd <= 0.02
    # derived bounds: each phenotype needs its input on (probability 1/2)
    assert ours[METASTATIC] <= 0.5 + 0.02
    assert ours["Apoptosis -- CellCycleArrest"] <= 0.5 + 0.02
