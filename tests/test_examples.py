"""Every example scenario loads, and every example script runs (small sizes)."""

import runpy
import sys
from pathlib import Path

import pytest

import metastasis

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("path", sorted((EXAMPLES / "scenarios").glob("*.toml")), ids=lambda p: p.name)
def test_example_scenario_loads_and_runs(path):
    sc = metastasis.load_scenario(path)
    res = metastasis.simulate(sc, patients=2, years=3, seed=0)
    assert len(res.patients) == 2


def test_quickstart_runs(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["quickstart.py", "--patients", "8"])
    runpy.run_path(str(EXAMPLES / "quickstart.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "TP53 loss" in out and "outcome:" in out
