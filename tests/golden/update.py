"""Regenerate the golden-output hashes after a deliberate model change.

    python tests/golden/update.py

Rewrites `tests/golden/hashes.json` and prints which cases changed. Run it only when the
model is meant to change, and say so in the commit message.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import CASES, machine  # noqa: E402

HASHES = Path(__file__).resolve().parent / "hashes.json"


def main() -> None:
    old = json.loads(HASHES.read_text()) if HASHES.exists() else {}
    same_cpu = old.get("machine") == machine()
    new = {name: run() for name, run in CASES.items()}
    for name, digest in new.items():
        state = "unchanged" if same_cpu and old.get("hashes", {}).get(name) == digest else "CHANGED"
        print(f"{state:9s} {name} {digest[:16]}")
    record = {"machine": machine(), "hashes": new}
    HASHES.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
