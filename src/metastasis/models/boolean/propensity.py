"""Per-genotype phenotype propensities from a Boolean network, for the cascade engine.

The engine turns a clone's genotype into EMT/invasion rates through
:func:`genotype_propensities`: the fraction of simulated cells (trajectories of the bundled
Cohen et al. 2015 network by default) that reach Migration and Metastasis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from metastasis.models.boolean.bundled import load_network
from metastasis.models.boolean.errors import NetworkFileError
from metastasis.models.boolean.network import BooleanNetwork
from metastasis.models.boolean.simulator import simulate

DEFAULT_PHENOTYPES: tuple[str, ...] = ("Migration", "Metastasis")


def parse_genotype(spec: str | Mapping[str, int] | Sequence[str] | None) -> dict[str, int]:
    """``"p53=0,NICD=1"``, ``["p53=0", "NICD=1"]`` or a mapping → ``{"p53": 0, "NICD": 1}``."""
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        return {str(k): int(v) for k, v in spec.items()}
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    out: dict[str, int] = {}
    for raw in items:
        item = raw.strip()
        if not item:
            continue
        node, sep, value = item.partition("=")
        if not sep or value.strip() not in ("0", "1"):
            raise NetworkFileError(
                f"mutant {item!r}: expected NODE=0 or NODE=1", file="mutant", line=None, item=item
            )
        out[node.strip()] = int(value)
    return out


def genotype_propensities(
    genotype: str | Mapping[str, int] | Sequence[str] | None = None,
    *,
    network: BooleanNetwork | str = "cohen2015",
    phenotypes: Sequence[str] = DEFAULT_PHENOTYPES,
    sample_count: int = 2000,
    max_time: float | None = None,
    seed: int = 0,
    ever: bool = False,
) -> dict[str, float]:
    """Fraction of trajectories reaching each phenotype node for a genotype.

    Parameters
    ----------
    genotype
        Node clamps, e.g. ``{"p53": 0, "NICD": 1}`` or ``"p53=0,NICD=1"`` (0 = loss of
        function, 1 = gain); ``None`` or empty for the wild type.
    network
        A :class:`BooleanNetwork` or the name/path of one (default: the bundled Cohen et
        al. 2015 network, initial conditions from its configuration: each input on with
        probability 1/2, all else off).
    phenotypes
        Nodes to report (default Migration and Metastasis).
    sample_count, max_time, seed
        Number of trajectories, simulated time (default: the configuration's) and seed.
    ever
        If False (default) a trajectory counts when the node is on at ``max_time`` (the
        phenotype has been reached and kept); if True, when it was on at any time.

    Returns
    -------
    ``{phenotype: fraction in [0, 1]}``. Deterministic for a given seed; results for
    named networks are cached.
    """
    mutants = tuple(sorted(parse_genotype(genotype).items()))
    if isinstance(network, str):
        return dict(
            _cached(mutants, network, tuple(phenotypes), sample_count, max_time, seed, ever)
        )
    return _compute(network, mutants, tuple(phenotypes), sample_count, max_time, seed, ever)


@lru_cache(maxsize=256)
def _cached(
    mutants: tuple[tuple[str, int], ...],
    name: str,
    phenotypes: tuple[str, ...],
    sample_count: int,
    max_time: float | None,
    seed: int,
    ever: bool,
) -> tuple[tuple[str, float], ...]:
    result = _compute(load_network(name), mutants, phenotypes, sample_count, max_time, seed, ever)
    return tuple(result.items())


def _compute(
    network: BooleanNetwork,
    mutants: tuple[tuple[str, int], ...],
    phenotypes: tuple[str, ...],
    sample_count: int,
    max_time: float | None,
    seed: int,
    ever: bool,
) -> dict[str, float]:
    for p in phenotypes:
        if p not in network.nodes:
            raise NetworkFileError(
                f"unknown phenotype node {p!r}", file=network.bnd_path, line=None, item=p
            )
    result = simulate(
        network, mutants=dict(mutants), sample_count=sample_count, max_time=max_time, seed=seed
    )
    return {p: result.fraction_active(p, ever=ever) for p in phenotypes}
