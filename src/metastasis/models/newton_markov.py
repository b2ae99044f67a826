"""Newton et al.: metastatic spread as a Markov chain between anatomical sites.

Citations
    Newton PK, Mason J, Bethel K, Bazhenova LA, Nieva J, Kuhn P. A stochastic Markov chain
    model to describe lung cancer growth and metastasis. PLoS ONE 2012;7(4):e34637.
    DOI: 10.1371/journal.pone.0034637
    Newton PK, Mason J, Venkatappa N, Jochelson MS, Hurt B, Nieva J, Comen E, Norton L,
    Kuhn P. Spatiotemporal progression of metastatic breast cancer: a Markov chain model
    highlighting the role of early metastatic sites. npj Breast Cancer 2015;1:15018.
    DOI: 10.1038/npjbcancer.2015.18

Model
    States are the primary site (a transient start state) and metastatic sites.  A random
    walk leaves the primary with the first-step distribution and then moves between sites
    with a row-stochastic transition matrix.  As in Newton et al. 2012, the chain is fitted
    so that its long-run (stationary) distribution matches an observed site distribution; the
    first-step row is set to that distribution, the paper's starting assumption.  Here the
    site rows are the transition matrix closest (Kullback-Leibler divergence of edge flows) to
    a random Dirichlet draw whose stationary distribution equals the target — one member of
    the ensemble of admissible matrices the paper samples (see `fit`).

    The bundled target is MSK-MET (Nguyen et al. 2022, Cell 185:563): the share of site
    involvements among five sites in metastatic patients of one primary cancer type.  The
    autopsy distribution of DiSibio & French (2008, Arch Pathol Lab Med 132:931) used by the
    paper is not bundled.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

import numpy as np

CITATION = (
    "Newton PK et al. A stochastic Markov chain model to describe lung cancer growth and "
    "metastasis. PLoS ONE 2012;7:e34637. Newton PK et al. Spatiotemporal progression of "
    "metastatic breast cancer: a Markov chain model. npj Breast Cancer 2015;1:15018."
)
DOI = "10.1371/journal.pone.0034637; 10.1038/npjbcancer.2015.18"
DATA_FILE = "markov_mskmet_metpts_5sites.csv"


@dataclass(frozen=True)
class ParameterInfo:
    """One row of a parameter table: unit and source."""

    name: str
    unit: str
    source: str


@dataclass(frozen=True)
class MarkovFitSettings:
    """Settings of the fit and of the random walks.

    prior_concentration: Dirichlet concentration of the random prior rows (1 = uniform on the
    simplex).  seed: seed of the prior draw and of the walks.  n_walks, n_steps: random walks
    simulated from the primary.  tol, max_iter: convergence of the proportional fitting.
    """

    prior_concentration: float = 1.0
    seed: int = 0
    n_walks: int = 10_000
    n_steps: int = 10
    tol: float = 1e-14
    max_iter: int = 100_000


PARAMETER_TABLE: tuple[ParameterInfo, ...] = (
    ParameterInfo(
        "target", "probability", "MSK-MET metastatic patients, 5 sites (Nguyen et al. 2022)"
    ),
    ParameterInfo(
        "first-step row", "probability", "Newton et al. 2012: set to the target distribution"
    ),
    ParameterInfo(
        "prior_concentration", "1", "assumption: uniform Dirichlet prior for the ensemble"
    ),
)


def available_primaries() -> list[str]:
    """Primary cancer types in the bundled MSK-MET table."""
    return sorted({row["primary"] for row in _rows()})


def _rows() -> list[dict[str, str]]:
    text = resources.files("metastasis.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def site_distribution(primary: str) -> tuple[list[str], np.ndarray]:
    """Sites and the share of site involvements for `primary` (sums to 1) from MSK-MET."""
    rows = [r for r in _rows() if r["primary"] == primary]
    if not rows:
        raise ValueError(f"unknown primary {primary!r}; valid: {', '.join(available_primaries())}")
    sites = [r["site"] for r in rows]
    counts = np.array([float(r["n_with_site"]) for r in rows])
    return sites, counts / counts.sum()


def stationary_distribution(p: np.ndarray) -> np.ndarray:
    """Stationary distribution π (π P = π, Σπ = 1) of a chain with one recurrent class."""
    n = p.shape[0]
    a = np.eye(n) - p + np.ones((n, n))
    return np.linalg.solve(a.T, np.ones(n))


def mean_first_passage_steps(p: np.ndarray) -> np.ndarray:
    """Matrix of mean first-passage times (steps) from state i to state j.

    Off the diagonal: expected steps to first reach j from i (inf if j is unreachable);
    on the diagonal: mean recurrence time of j (inf for a transient state).
    """
    n = p.shape[0]
    out = np.empty((n, n))
    for j in range(n):
        keep = np.arange(n) != j
        m = np.eye(n - 1) - p[np.ix_(keep, keep)]
        if np.linalg.cond(m) > 1e12:  # some state cannot reach j
            h = np.full(n - 1, np.inf)
        else:
            h = np.linalg.solve(m, np.ones(n - 1))
        out[keep, j] = h
        w = p[j, keep]
        out[j, j] = 1.0 + float(np.sum(w[w > 0] * h[w > 0]))
    return out


def random_walks(
    p: np.ndarray, start: int, n_steps: int, n_walks: int, rng: np.random.Generator
) -> np.ndarray:
    """Simulate `n_walks` walks of `n_steps` steps from `start`; int array (n_walks, n_steps+1)."""
    cum = np.cumsum(p, axis=1)
    cum[:, -1] = 1.0
    states = np.empty((n_walks, n_steps + 1), dtype=np.int64)
    states[:, 0] = start
    for k in range(n_steps):
        u = rng.random(n_walks)
        rows = cum[states[:, k]]
        states[:, k + 1] = (u[:, None] >= rows).sum(axis=1)
    return states


@dataclass(frozen=True)
class MarkovFit:
    """A fitted chain: states[0] is the primary; `matrix` is (S+1, S+1) row-stochastic."""

    states: list[str]
    matrix: np.ndarray
    target: np.ndarray
    prior: np.ndarray

    @property
    def stationary(self) -> np.ndarray:
        """Long-run distribution over the sites (the primary, being transient, has 0)."""
        return stationary_distribution(self.matrix)[1:]

    @property
    def fit_error_tv(self) -> float:
        """Total variation distance between the stationary and the target distribution."""
        return 0.5 * float(np.abs(self.stationary - self.target).sum())

    def mean_first_passage_from_primary(self) -> np.ndarray:
        """Expected number of steps from the primary to first reach each site, shape (S,)."""
        return mean_first_passage_steps(self.matrix)[0, 1:]


def fit(
    sites: list[str],
    target: np.ndarray,
    settings: MarkovFitSettings = MarkovFitSettings(),
    *,
    primary: str = "primary",
) -> MarkovFit:
    """Fit the site-to-site transition matrix so its stationary distribution equals `target`.

    π P = π with π = target fixed is linear in P: the stationary edge flows F_ij = π_i P_ij
    must have row and column sums π.  The fitted F is the flow matrix closest in
    Kullback-Leibler divergence to the prior flows π_i Q_ij (Q a random Dirichlet matrix),
    found by alternating row and column scaling (iterative proportional fitting).
    """
    target = np.asarray(target, dtype=float)
    if target.ndim != 1 or len(sites) != target.size or np.any(target <= 0):
        raise ValueError("target must be a positive vector with one entry per site")
    target = target / target.sum()
    s = target.size
    rng = np.random.default_rng(settings.seed)
    prior = rng.dirichlet(np.full(s, settings.prior_concentration), size=s)
    prior = np.clip(prior, np.finfo(float).tiny, None)
    prior /= prior.sum(axis=1, keepdims=True)
    flow = target[:, None] * prior
    for _ in range(settings.max_iter):
        flow *= (target / flow.sum(axis=1))[:, None]
        flow *= (target / flow.sum(axis=0))[None, :]
        if np.max(np.abs(flow.sum(axis=1) - target)) < settings.tol:
            break
    else:
        raise RuntimeError("iterative proportional fitting did not converge")
    full = np.zeros((s + 1, s + 1))
    full[0, 1:] = target
    full[1:, 1:] = flow / flow.sum(axis=1, keepdims=True)
    return MarkovFit(states=[primary, *sites], matrix=full, target=target, prior=prior)


def fit_primary(primary: str, settings: MarkovFitSettings = MarkovFitSettings()) -> MarkovFit:
    """Fit the chain to the MSK-MET site distribution of one primary cancer type."""
    sites, target = site_distribution(primary)
    return fit(sites, target, settings, primary=primary)


def occupancy_by_step(
    fit_: MarkovFit, rng: np.random.Generator, n_steps: int, n_walks: int
) -> np.ndarray:
    """Fraction of simulated walks in each state after k steps, shape (n_steps+1, S+1)."""
    walks = random_walks(fit_.matrix, 0, n_steps, n_walks, rng)
    n_states = fit_.matrix.shape[0]
    return np.stack(
        [np.bincount(walks[:, k], minlength=n_states) / n_walks for k in range(n_steps + 1)]
    )


def distribution_by_step(fit_: MarkovFit, n_steps: int) -> np.ndarray:
    """Exact state distribution after k steps from the primary, shape (n_steps+1, S+1)."""
    n_states = fit_.matrix.shape[0]
    dist = np.zeros((n_steps + 1, n_states))
    dist[0, 0] = 1.0
    for k in range(n_steps):
        dist[k + 1] = dist[k] @ fit_.matrix
    return dist
