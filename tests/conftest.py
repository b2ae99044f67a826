"""Session set-up: Numba's cache is warmed once, and the bounds-checked compile runs beside
the suite.

The kernel compiles on first use and caches to disk, so every later test, worker process and
CLI subprocess loads it instead of compiling again. The bounds-checked run of
`tests/unit/engine/test_boundary.py` needs a compile of its own (a separate cache, with
`NUMBA_BOUNDSCHECK=1`); when that test is collected its subprocess starts right away, on the
second core, and the test only collects its result.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

BOUNDSCHECK_TEST = "test_kernel_stays_in_bounds_for_every_preset_and_a_therapy"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile (or load) the kernel before any test runs."""
    from metastasis.engine.batch import run_batch
    from metastasis.engine.params import build_inputs
    from metastasis.scenario import load_scenario

    run_batch(build_inputs(load_scenario("breast"), years=0.05), [0], seed=0)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    """Start the bounds-checked run in the background if its test was selected."""
    found = [item for item in items if item.name == BOUNDSCHECK_TEST]
    if not found or not isinstance(found[0], pytest.Function):
        return
    script = found[0].module.BOUNDSCHECK_SCRIPT
    cache = tempfile.mkdtemp(prefix="numba-boundscheck-")
    env = dict(os.environ, NUMBA_BOUNDSCHECK="1", NUMBA_CACHE_DIR=cache)
    config.stash[_RUN] = _BackgroundRun(
        subprocess.Popen([sys.executable, "-c", script], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        time.perf_counter(), Path(cache),
    )


class _BackgroundRun:
    def __init__(self, proc: subprocess.Popen[str], started: float, cache: Path) -> None:
        self.proc = proc
        self.started = started
        self.cache = cache


_RUN = pytest.StashKey[_BackgroundRun]()


@pytest.fixture
def boundscheck_run(request: pytest.FixtureRequest) -> tuple[int, str, float]:
    """(exit code, output, seconds) of the bounds-checked run, waiting for it to finish."""
    run = request.config.stash[_RUN]
    out, err = run.proc.communicate(timeout=1800)
    return run.proc.returncode, out + err, time.perf_counter() - run.started


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the background run if the session ends first, and remove its cache."""
    run = session.config.stash.get(_RUN, None)
    if run is None:
        return
    if run.proc.poll() is None:
        run.proc.kill()
        run.proc.communicate()
    import shutil

    shutil.rmtree(run.cache, ignore_errors=True)
