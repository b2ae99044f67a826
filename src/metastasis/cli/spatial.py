"""`metastasis spatial`: run the tissue-scale invasion model and write its outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DEFAULT_STEPS = 2160
"""One day of model time (Δt = 40 s)."""
DEFAULT_FRAMES = 24


def register(app: typer.Typer) -> None:
    @app.command("spatial")
    def spatial(
        preset: Annotated[str, typer.Argument(help="Preset: franssen2019 or invasion.")],
        out: Annotated[Path, typer.Option("--out", help="Output folder.")],
        steps: Annotated[
            int, typer.Option(min=1, help="Steps to run (2160 = one day).")
        ] = DEFAULT_STEPS,
        seed: Annotated[int, typer.Option(help="Seed of the run.")] = 0,
        dim: Annotated[int | None, typer.Option(help="2 or 3 (default: the preset's).")] = None,
        size: Annotated[
            int | None, typer.Option(help="Sites per side (default: the preset's).")
        ] = None,
        set_: Annotated[
            list[str] | None,
            typer.Option(
                "--set", help="Override a parameter, e.g. --set cells.D_M=2e-4 (repeatable)."
            ),
        ] = None,
        frames: Annotated[
            int,
            typer.Option(min=0, help="Snapshots and PNG frames over the run (0: none)."),
        ] = DEFAULT_FRAMES,
        gif: Annotated[bool, typer.Option(help="Join the frames into animation.gif.")] = True,
    ) -> None:
        """Run the spatial invasion model; write snapshots, frames, an animation and tables.

        Output: snapshots/snapshot_<step>.npz (cells and fields), frames/frame_<step>.png,
        animation.gif, timeseries.{parquet,csv}, intravasations.{parquet,csv},
        extravasations.{parquet,csv}, timeseries.png and params.json.
        """
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        from metastasis.spatial import OverrideError, load_preset, with_overrides
        from metastasis.spatial.model import SpatialModel
        from metastasis.spatial.render import make_gif, render_frame
        from metastasis.spatial.snapshots import load_snapshot, save_snapshot

        console = Console(stderr=True)
        overrides = list(set_ or [])
        if dim is not None:
            if dim not in (2, 3):
                raise typer.BadParameter("--dim must be 2 or 3", param_hint="--dim")
            overrides.append(f"grid.dim={dim}")
        if size is not None:
            overrides.append(f"grid.size={size}")
        try:
            params = with_overrides(load_preset(preset), overrides)
        except KeyError as exc:
            raise typer.BadParameter(str(exc.args[0]), param_hint="PRESET") from None
        except OverrideError as exc:
            raise typer.BadParameter(str(exc), param_hint="--set") from None

        out.mkdir(parents=True, exist_ok=True)
        snap_dir, frame_dir = out / "snapshots", out / "frames"
        every = max(1, steps // frames) if frames else 0
        snaps: list[Path] = []
        with console.status("building lattice and compiling kernels"):
            model = SpatialModel(params, seed)
            if every:
                snaps.append(save_snapshot(model, snap_dir))
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[info]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console) as bar:
            task = bar.add_task(f"{params.name} {params.grid.dim}D", total=steps, info="")
            for n in range(1, steps + 1):
                model.step()
                if every and (n % every == 0 or n == steps):
                    snaps.append(save_snapshot(model, snap_dir))
                if n % 50 == 0 or n == steps:
                    row = model.latest
                    bar.update(
                        task,
                        completed=n,
                        info=f"day {model.t_days:.2f}  E {row['primary_E']}  M {row['primary_M']}"
                        f"  intravasated {row['intravasated_cells_total']}",
                    )
        run = model.result()
        run.save(out)
        run.plot_timeseries(out / "timeseries.png")
        if snaps:
            frame_dir.mkdir(exist_ok=True)
            pngs = []
            with Progress(*columns, console=console) as bar:
                task = bar.add_task("frames", total=len(snaps), info="")
                for s in snaps:
                    snap = load_snapshot(s)
                    pngs.append(
                        render_frame(
                            snap,
                            frame_dir / f"frame_{int(snap['step']):07d}.png",
                            params.cells.carrying_capacity,
                            f"{params.name}: day {float(snap['t_days']):.3f} "
                            f"(step {int(snap['step'])})",
                        )
                    )
                    bar.advance(task)
            if gif:
                make_gif(pngs, out / "animation.gif")
        ts = run.timeseries.iloc[-1]
        console.print(
            f"[green]done[/]: {steps} steps = {model.t_days:.3f} days; primary E {ts['primary_E']}, "
            f"M {ts['primary_M']}; intravasations {len(run.intravasations)} "
            f"({int(ts['intravasated_cells_total'])} cells); outputs in {out}"
        )
