"""Scenarios: validated TOML descriptions of what to simulate, and the built-in presets."""

from metastasis.scenario.loader import ScenarioError, available_presets, load_scenario
from metastasis.scenario.schema import Scenario

__all__ = ["Scenario", "ScenarioError", "available_presets", "load_scenario"]
