"""Networks shipped with the package (``metastasis/models/networks``) and name lookup."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from metastasis.models.boolean.network import BooleanNetwork


def network_dir() -> Path:
    """Folder holding the bundled ``.bnd``/``.cfg`` files."""
    return Path(str(resources.files("metastasis.models").joinpath("networks")))


def bundled_names() -> list[str]:
    """Names of the bundled networks (file stems with both a .bnd and a .cfg)."""
    d = network_dir()
    return sorted(p.stem for p in d.glob("*.bnd") if p.with_suffix(".cfg").exists())


def load_network(name_or_path: str | Path, cfg: str | Path | None = None) -> BooleanNetwork:
    """Load a bundled network by name (``"cohen2015"``) or a ``.bnd`` path.

    For a path, the configuration is ``cfg`` if given, else the ``.cfg`` beside the
    ``.bnd`` with the same stem if it exists, else none (MaBoSS defaults).
    """
    text = str(name_or_path)
    if text in bundled_names():
        bnd = network_dir() / f"{text}.bnd"
    else:
        bnd = Path(text)
        if not bnd.exists():
            known = ", ".join(bundled_names())
            raise FileNotFoundError(
                f"{text}: no such .bnd file and not a bundled network ({known})"
            )
    if cfg is None and bnd.with_suffix(".cfg").exists():
        cfg = bnd.with_suffix(".cfg")
    return BooleanNetwork.from_files(bnd, cfg)
