"""Load scenarios from TOML files or presets, with inheritance (`extends = "breast"`).

Errors name the file, the field path, the value and what was expected.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from metastasis.scenario.schema import Scenario

PRESET_PACKAGE = "metastasis.scenario.presets"
MAX_EXTENDS_DEPTH = 8


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message says where and why."""


def available_presets() -> dict[str, str]:
    """Preset name → one-line description."""
    out = {}
    for entry in sorted(resources.files(PRESET_PACKAGE).iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".toml") and not entry.name.startswith("_"):
            data = tomllib.loads(entry.read_text())
            out[entry.name.removesuffix(".toml")] = str(data.get("description", "")).split("\n")[0]
    return out


def _read_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{origin}: TOML syntax error: {exc}") from None


def _preset_dict(name: str) -> dict[str, Any]:
    entry = resources.files(PRESET_PACKAGE).joinpath(f"{name}.toml")
    if not entry.is_file():
        names = ", ".join(available_presets())
        raise ScenarioError(f"unknown preset {name!r}; expected one of: {names}")
    return _read_toml(entry.read_text(), f"preset {name!r}")


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge `override` into a copy of `base`, recursing into tables."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve(data: dict[str, Any], origin: str, depth: int = 0) -> dict[str, Any]:
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if depth >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(f"{origin}: 'extends' chain deeper than {MAX_EXTENDS_DEPTH}")
    if not isinstance(parent, str):
        raise ScenarioError(f"{origin}: extends = {parent!r}: expected a preset name (string)")
    base = _resolve(_preset_dict(parent), f"preset {parent!r}", depth + 1)
    return deep_merge(base, data)


def _format_validation(exc: ValidationError, origin: str) -> str:
    lines = [f"{origin}: invalid scenario ({exc.error_count()} problem(s))"]
    for err in exc.errors():
        path = ".".join(str(p) for p in err["loc"]) or "(top level)"
        value = err.get("input")
        shown = repr(value) if not isinstance(value, dict) else "{...}"
        if err["type"] == "extra_forbidden":
            lines.append(f"  {path} = {shown}: unknown field")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"  {path} = {shown}: {msg}")
    return "\n".join(lines)


def scenario_from_dict(data: dict[str, Any], origin: str = "<dict>") -> Scenario:
    """Validate a (possibly `extends`-ing) mapping into a Scenario."""
    resolved = _resolve(dict(data), origin)
    try:
        return Scenario.model_validate(resolved)
    except ValidationError as exc:
        raise ScenarioError(_format_validation(exc, origin)) from None


def load_scenario(source: str | Path | Scenario) -> Scenario:
    """Load a scenario from a preset name, a TOML path, or pass a Scenario through."""
    if isinstance(source, Scenario):
        return source
    path = Path(source)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ScenarioError(f"{path}: no such scenario file")
        data = _read_toml(path.read_text(), str(path))
        return scenario_from_dict(data, str(path))
    data = _preset_dict(str(source))
    return scenario_from_dict(data, f"preset {str(source)!r}")
