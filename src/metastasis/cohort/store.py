"""Chunk files of a trial run: written atomically, found again on restart, joined at the end.

`DIR/chunks/manifest.json` records what the chunks belong to (trial, seed, patients, chunk
size); a restart with the same settings reuses every finished chunk. A chunk's tables are
written to temporary names and renamed, `patients` last, so a chunk counts as done only when
all of its files are complete.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from metastasis.io.atomic import write_parquet

TABLE_NAMES = ("sites", "courses", "patients")
"""Per-chunk tables, in the order they are renamed into place (`patients` marks completion)."""


class ManifestMismatch(RuntimeError):
    """The output folder holds chunks of a different run."""


class ChunkStore:
    """The chunk folder of one output directory."""

    def __init__(self, out_dir: Path, manifest: dict[str, Any]) -> None:
        self.dir = Path(out_dir) / "chunks"
        self.manifest = manifest

    def open(self, force: bool = False) -> None:
        """Create the folder, or check that an existing one belongs to this run."""
        path = self.dir / "manifest.json"
        if path.exists():
            old = json.loads(path.read_text())
            if old != self.manifest:
                if not force:
                    changed = sorted(k for k in set(old) | set(self.manifest)
                                     if old.get(k) != self.manifest.get(k))
                    raise ManifestMismatch(
                        f"{self.dir} holds chunks of another run (differs in: "
                        f"{', '.join(changed)}); pass --force to start again"
                    )
                shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        for stale in self.dir.glob(".tmp-*"):
            stale.unlink()
        if not path.exists():
            _atomic_text(path, json.dumps(self.manifest, indent=2, sort_keys=True))

    def name(self, start: int) -> str:
        """Base name of the chunk that starts at patient `start`."""
        return f"chunk_{start:09d}"

    def done(self, start: int) -> bool:
        """Whether the chunk starting at `start` is complete."""
        return (self.dir / f"{self.name(start)}.patients.parquet").exists()

    def write(self, start: int, tables: dict[str, pd.DataFrame]) -> None:
        """Write one chunk's tables atomically (temporary files, then renames)."""
        base = self.name(start)
        tmp_paths = {}
        for t in TABLE_NAMES:
            tmp = self.dir / f".tmp-{base}.{t}.parquet"
            write_parquet(tables[t], tmp)
            tmp_paths[t] = tmp
        for t in TABLE_NAMES:
            os.replace(tmp_paths[t], self.dir / f"{base}.{t}.parquet")

    def read(self, starts: list[int], table: str) -> pd.DataFrame:
        """One table of the given chunks, concatenated in chunk order."""
        frames = [pd.read_parquet(self.dir / f"{self.name(s)}.{table}.parquet") for s in starts]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".tmp-{path.name}")
    tmp.write_text(text)
    os.replace(tmp, path)


def write_atomic_text(path: Path, text: str) -> None:
    """Write a text file through a temporary name and a rename."""
    _atomic_text(path, text)


def write_atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write a Parquet file through a temporary name and a rename."""
    tmp = path.with_name(f".tmp-{path.name}")
    write_parquet(df, tmp)
    os.replace(tmp, path)
