"""Load a trial TOML into a validated `Trial` and its scenario; errors name file, field, value."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from metastasis.cohort.trial_spec import Trial
from metastasis.scenario.loader import ScenarioError, deep_merge, load_scenario, scenario_from_dict
from metastasis.scenario.schema import Scenario

PROBE_QUANTILES = (1e-6, 1.0 - 1e-6)
"""Quantiles of each parameter distribution checked against the scenario schema at load."""


class TrialError(ValueError):
    """A trial that cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class TrialPlan:
    """A validated trial with its resolved base scenario (picklable, sent to workers)."""

    trial: Trial
    scenario: Scenario
    origin: str


def _format(exc: ValidationError, origin: str) -> str:
    lines = [f"{origin}: invalid trial ({exc.error_count()} problem(s))"]
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        # drop pydantic's tagged-union tags (the `therapy` value) from the path
        path = ".".join(p for p in loc if not p.startswith("function-")) or "(top level)"
        value = err.get("input")
        shown = repr(value) if not isinstance(value, dict | list) else "{...}"
        if err["type"] == "extra_forbidden":
            lines.append(f"  {path} = {shown}: unknown field")
        else:
            lines.append(f"  {path} = {shown}: {err['msg'].removeprefix('Value error, ')}")
    return "\n".join(lines)


def _scenario(trial: Trial, base_dir: Path, origin: str) -> Scenario:
    src = trial.scenario
    path = base_dir / src
    try:
        if src.endswith(".toml") or path.exists():
            data = tomllib.loads(path.read_text())
            return scenario_from_dict(deep_merge(data, trial.scenario_overrides), str(path))
        if not trial.scenario_overrides:
            return load_scenario(src)
        return scenario_from_dict({"extends": src, **trial.scenario_overrides},
                                  f"{origin}: scenario_overrides")
    except (ScenarioError, OSError) as exc:
        raise TrialError(f"{origin}: scenario = {src!r}: {exc}") from None


def _check_parameters(trial: Trial, sc: Scenario, origin: str) -> None:
    base = sc.model_dump()
    for key, dist in trial.population.parameters.items():
        section, _, name = key.partition(".")
        where = f"{origin}: population.parameters.{key!r}"
        if section not in base or not isinstance(base[section], dict) or name not in base[section]:
            raise TrialError(f"{where}: not a field of the scenario; expected 'section.field', "
                             "e.g. 'primary.gompertz_rate_per_day'")
        current = base[section][name]
        if isinstance(current, bool) or not isinstance(current, int | float):
            raise TrialError(f"{where}: field holds {current!r}; expected a numeric field")
        for q in PROBE_QUANTILES:
            value = dist.quantile(q) * (current if dist.relative else 1.0)
            try:
                Scenario.model_validate(deep_merge(base, {section: {name: value}}))
            except ValidationError as exc:
                msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
                raise TrialError(
                    f"{where}: the distribution reaches {value:g} at quantile {q:g}, which the "
                    f"scenario rejects ({msg}); set min/max"
                ) from None


def trial_from_dict(data: dict[str, Any], origin: str = "<dict>",
                    base_dir: Path | None = None) -> TrialPlan:
    """Validate a mapping into a TrialPlan."""
    try:
        trial = Trial.model_validate(data)
    except ValidationError as exc:
        raise TrialError(_format(exc, origin)) from None
    sc = _scenario(trial, base_dir or Path.cwd(), origin)
    _check_parameters(trial, sc, origin)
    for arm in trial.arms:
        for course in arm.courses:
            if course.therapy == "hormone" and sc.primary_site not in ("breast", "prostate"):
                raise TrialError(f"{origin}: arm {arm.name!r}: hormone therapy needs a breast or "
                                 f"prostate primary; the scenario's is {sc.primary_site!r}")
    return TrialPlan(trial=trial, scenario=sc, origin=origin)


def load_trial(path: str | Path) -> TrialPlan:
    """Load and validate a trial TOML file."""
    path = Path(path)
    if not path.is_file():
        raise TrialError(f"{path}: no such trial file")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise TrialError(f"{path}: TOML syntax error: {exc}") from None
    return trial_from_dict(data, str(path), path.parent)
