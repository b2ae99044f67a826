"""Output bytes of fixed small runs are pinned: a refactor must not change them.

A deliberate model change regenerates the hashes with `python tests/golden/update.py`
(see `cases.py`), and its commit says so. The hashes hold on the kind of CPU they were made
on; on another the comparison is skipped, saying which CPU made them.
"""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import CASES, machine  # noqa: E402

RECORD = json.loads((Path(__file__).resolve().parent / "hashes.json").read_text())
HASHES = RECORD["hashes"]


def test_every_case_has_a_hash():
    assert sorted(HASHES) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_bytes_unchanged(name):
    if RECORD["machine"] != machine():
        pytest.skip(f"hashes made on CPU {RECORD['machine']!r}, this is {machine()!r}: "
                    "run `python tests/golden/update.py` to pin outputs on this one")
    assert CASES[name]() == HASHES[name], (
        f"{name}: output bytes changed; if the model change is deliberate, run "
        "`python tests/golden/update.py` and say so in the commit"
    )
