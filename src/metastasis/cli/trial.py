"""`metastasis trial`: run an in-silico trial from a trial TOML."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Attach `trial` to the root command."""

    @app.command()
    def trial(
        trial_file: Path = typer.Argument(..., help="trial TOML file"),
        patients: int = typer.Option(1000, "--patients", "-n", min=1, help="patients in total"),
        out: Path = typer.Option(Path("metastasis-trial"), "--out", "-o", help="output directory"),
        seed: int = typer.Option(0, "--seed", "-s", min=0, help="random seed"),
        workers: int = typer.Option(1, "--workers", "-w", min=1,
                                    help="local worker processes (1: in this process)"),
        chunk_size: int = typer.Option(250, "--chunk-size", min=1, help="patients per chunk"),
        scheduler: str = typer.Option(None, "--scheduler",
                                      help="Dask scheduler address, e.g. tcp://host:8786"),
        dask_local: int = typer.Option(0, "--dask-local", min=0,
                                       help="start a Dask LocalCluster with this many workers"),
        force: bool = typer.Option(False, "--force", help="discard chunks of a different run"),
        no_plots: bool = typer.Option(False, "--no-plots", help="skip the PNG plots"),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress or summary output"),
    ) -> None:
        """Simulate a randomised trial; write per-patient tables, a summary and plots."""
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        from metastasis.cohort.executors import (
            DaskExecutor,
            Executor,
            PoolExecutor,
            SerialExecutor,
        )
        from metastasis.cohort.store import ManifestMismatch
        from metastasis.cohort.trial_loader import TrialError, load_trial
        from metastasis.trial import run_trial

        console = Console(stderr=True, quiet=quiet)
        try:
            plan = load_trial(trial_file)
        except TrialError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        if scheduler and dask_local:
            raise typer.BadParameter("use either --scheduler or --dask-local, not both")
        executor: Executor
        if scheduler:
            executor = DaskExecutor.connect(scheduler)
        elif dask_local:
            executor = DaskExecutor.local(dask_local)
        elif workers > 1:
            executor = PoolExecutor(workers)
        else:
            executor = SerialExecutor()
        try:
            with Progress(
                "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TimeRemainingColumn(), console=console, disable=quiet,
            ) as bar:
                task = bar.add_task("patients", total=patients)
                result = run_trial(plan, patients, out, seed=seed, chunk_size=chunk_size,
                                   executor=executor, progress=lambda k: bar.advance(task, k),
                                   force=force, plots=not no_plots)
        except ManifestMismatch as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        finally:
            executor.close()
        if not quiet:
            typer.echo(result.summary.to_text())
            typer.echo(f"wrote {out}/ (patients, sites, courses .parquet; summary.json, "
                       "summary.txt; km.png, incidence_by_organ.png, swimmer.png)")
