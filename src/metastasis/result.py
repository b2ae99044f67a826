"""SimulationResult: the tables of a run, and how to save and plot them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from metastasis.io.atomic import atomic_output_dir, write_parquet

TABLES = ("events", "trajectories", "patients", "lesions")


@dataclass
class SimulationResult:
    """Result of `metastasis.simulate`.

    `events`: patient, time_days, event, organ, lesion_id, value, detail.
    `trajectories`: patient, time_days, compartment, organ, cells.
    `patients`: one row per patient (arm, genotype, first metastasis, detection, sites, death).
    `lesions`: one row per lesion (organ, birth, clearance, largest size, detection).
    """

    events: pd.DataFrame
    trajectories: pd.DataFrame
    patients: pd.DataFrame
    lesions: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)

    def save(self, directory: str | Path, force: bool = False, plot: bool = True) -> Path:
        """Write the tables as Parquet (and burden, body-map and, for a cohort, survival-by-stage
        plots) into `directory`, atomically."""
        directory = Path(directory)
        with atomic_output_dir(directory, force=force) as tmp:
            for name in TABLES:
                write_parquet(getattr(self, name), tmp / f"{name}.parquet")
            (tmp / "metadata.json").write_text(json.dumps(self.metadata, indent=2, sort_keys=True))
            if plot:
                self.plot_burden(tmp / "burden.png")
                self.plot_body_map(tmp / "body_map.png")
                if self.has_stages():
                    self.plot_survival_by_stage(tmp / "survival_by_stage.png")
        return directory

    def has_stages(self) -> bool:
        """Whether more than one patient was diagnosed and staged (a cohort to summarise)."""
        p = self.patients
        return "summary_stage" in p.columns and int((p.summary_stage != "").sum()) > 1

    def plot_survival_by_stage(self, path: str | Path) -> Path:
        """Kaplan–Meier overall survival from diagnosis by summary stage."""
        from metastasis.report.stage_plot import plot_survival_by_stage

        name = self.metadata.get("scenario", "")
        return plot_survival_by_stage(self.patients, Path(path),
                                      title=f"{name}: overall survival by stage at diagnosis")

    def plot_burden(self, path: str | Path, patient: int | None = None) -> Path:
        """PNG of tumour burden per organ over time, with detection and symptom marks."""
        from metastasis.report.burden_plot import plot_burden

        return plot_burden(self, Path(path), patient=patient)

    def plot_body_map(self, path: str | Path, patient: int | None = None) -> Path:
        """PNG of a body outline with one disc per organ sized by its tumour burden."""
        from metastasis.report.body_map import plot_body_map

        return plot_body_map(self, Path(path), patient=patient)

    def summary(self, patient: int | None = None) -> str:
        """Readable account of one patient: sites, detection, symptoms, outcome."""
        from metastasis.report.summary import patient_summary

        return patient_summary(self, patient=patient)
