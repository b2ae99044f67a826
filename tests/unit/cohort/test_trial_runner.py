"""Trial runs: same bytes for any chunking or executor, after a kill and restart, and on Dask."""

from pathlib import Path

import pandas as pd
import pytest

from metastasis.cohort.executors import DaskExecutor, PoolExecutor, SerialExecutor
from metastasis.cohort.runner import run_trial
from metastasis.cohort.store import ManifestMismatch
from metastasis.cohort.trial_loader import trial_from_dict

PATIENTS = 30
OUTPUTS = ("patients.parquet", "sites.parquet", "courses.parquet", "summary.json",
           "summary.txt", "trial.json")

TRIAL = {
    "name": "runner-test", "scenario": "breast", "follow_up_years": 3,
    "population": {
        "hormone_receptor_positive": 0.5,
        "genotype": {"TP53": {"loss": 0.3}},
        "parameters": {"primary.gompertz_rate_per_day": {
            "distribution": "lognormal", "median": 1.0, "sigma": 0.3, "relative": True}},
        "diagnosis": {"diameter_mm": {"distribution": "uniform", "low": 8.0, "high": 25.0}},
    },
    "randomisation": {"block_size": 2},
    "arms": [
        {"name": "surgery", "courses": [{"therapy": "surgery"}]},
        {"name": "surgery + chemo", "courses": [
            {"therapy": "surgery"},
            {"therapy": "chemotherapy", "dose": "60 mg/m2", "start_days": 28, "cycles": 4},
        ]},
    ],
}


@pytest.fixture(scope="module")
def plan():
    return trial_from_dict(TRIAL, "test")


@pytest.fixture(scope="module")
def reference(plan, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "run"
    run_trial(plan, PATIENTS, out, seed=4, chunk_size=PATIENTS)
    return out


def _same(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_tables_are_sorted_and_complete(reference):
    p = pd.read_parquet(reference / "patients.parquet")
    assert list(p.patient) == list(range(PATIENTS))
    assert set(p.arm) == {"surgery", "surgery + chemo"}
    assert p.enrolled.all() and (p.os_days <= 3 * 365.25 + 1e-6).all()
    c = pd.read_parquet(reference / "courses.parquet")
    assert (c.groupby("patient").size() >= 1).all()


@pytest.mark.parametrize("chunk", [1, 7])
def test_chunk_size_does_not_change_bytes(plan, reference, tmp_path, chunk):
    run_trial(plan, PATIENTS, tmp_path / "run", seed=4, chunk_size=chunk)
    _same(reference, tmp_path / "run")


def test_process_pool_gives_same_bytes(plan, reference, tmp_path):
    pool = PoolExecutor(2)
    try:
        run_trial(plan, PATIENTS, tmp_path / "run", seed=4, chunk_size=4, executor=pool)
    finally:
        pool.close()
    _same(reference, tmp_path / "run")


def test_dask_local_cluster_gives_same_bytes(plan, reference, tmp_path):
    dask = DaskExecutor.local(2, processes=False)
    try:
        assert dask.workers == 2
        run_trial(plan, PATIENTS, tmp_path / "run", seed=4, chunk_size=6, executor=dask)
    finally:
        dask.close()
    _same(reference, tmp_path / "run")


class _KilledAfter(SerialExecutor):
    """Delivers `n` chunks, then dies as a killed process would."""

    def __init__(self, n: int) -> None:
        self.n = n

    def run(self, fn, tasks):
        for k, item in enumerate(super().run(fn, tasks)):
            if k == self.n:
                raise KeyboardInterrupt
            yield item


def test_resume_after_kill_gives_same_bytes(plan, reference, tmp_path):
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        run_trial(plan, PATIENTS, out, seed=4, chunk_size=8, executor=_KilledAfter(2))
    done = sorted(p.name for p in (out / "chunks").glob("*.patients.parquet"))
    assert len(done) == 2 and not (out / "patients.parquet").exists()
    (out / "chunks" / ".tmp-chunk_000000024.sites.parquet").write_bytes(b"half a file")
    seen = []
    run_trial(plan, PATIENTS, out, seed=4, chunk_size=8, progress=seen.append)
    assert seen[0] == 16 and sum(seen) == PATIENTS
    assert not list((out / "chunks").glob(".tmp-*"))
    _same(reference, out)


def test_other_run_in_same_folder_is_refused(plan, reference, tmp_path):
    out = tmp_path / "run"
    run_trial(plan, 6, out, seed=1, chunk_size=3)
    with pytest.raises(ManifestMismatch, match="seed"):
        run_trial(plan, 6, out, seed=2, chunk_size=3)
    run_trial(plan, 6, out, seed=2, chunk_size=3, force=True)


def test_same_patient_same_draws_whatever_the_total(plan, reference, tmp_path):
    run_trial(plan, 10, tmp_path / "run", seed=4, chunk_size=3)
    small = pd.read_parquet(tmp_path / "run" / "patients.parquet")
    big = pd.read_parquet(reference / "patients.parquet").head(10)
    pd.testing.assert_frame_equal(small, big)
