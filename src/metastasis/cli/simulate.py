"""`metastasis simulate` and `metastasis presets`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

PROGRESS_MIN_PATIENTS = 20


def register(app: typer.Typer) -> None:
    """Attach `simulate` and `presets` to the root command."""

    @app.command()
    def presets() -> None:
        """List the built-in scenario presets, one line each."""
        from metastasis.scenario import available_presets

        for name, desc in available_presets().items():
            typer.echo(f"{name:12s} {desc}")

    @app.command()
    def simulate(
        scenario: str = typer.Argument(..., help="preset name or path to a scenario TOML file"),
        patients: int = typer.Option(1, "--patients", "-n", min=1, help="number of patients"),
        years: float = typer.Option(None, "--years", "-y", help="follow-up (years); default: scenario's"),
        seed: int = typer.Option(0, "--seed", "-s", min=0, help="random seed"),
        out: Path = typer.Option(Path("metastasis-run"), "--out", "-o", help="output directory"),
        force: bool = typer.Option(False, "--force", help="overwrite an existing output directory"),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="no summary or progress output"),
    ) -> None:
        """Simulate virtual patients of a preset or scenario file and write the result tables."""
        import metastasis
        from metastasis.io.atomic import OutputExistsError
        from metastasis.scenario import ScenarioError

        console = Console(stderr=True, quiet=quiet)
        if years is not None and years <= 0:
            raise typer.BadParameter(f"--years {years}: expected a positive number")
        if out.exists() and not force:
            console.print(f"[red]error:[/] {out} exists; pass --force to overwrite it")
            raise typer.Exit(2)
        try:
            sc = metastasis.load_scenario(scenario)
        except ScenarioError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        show_bar = patients >= PROGRESS_MIN_PATIENTS and not quiet
        with Progress(
            "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
            TimeRemainingColumn(), console=console, disable=not show_bar,
        ) as bar:
            task = bar.add_task("patients", total=patients)
            result = metastasis.simulate(
                sc, patients=patients, years=years, seed=seed,
                progress=lambda k: bar.advance(task, k),
            )
        try:
            result.save(out, force=force)
        except OutputExistsError as exc:
            console.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2) from None
        if not quiet:
            typer.echo(result.summary())
            if patients > 1:
                typer.echo(_cohort_summary(result, sc))
            plots = "burden.png, body_map.png" + (", survival_by_stage.png"
                                                  if result.has_stages() else "")
            typer.echo(f"\nwrote {out}/ (events, trajectories, patients, lesions .parquet, {plots})")


def _cohort_summary(result, scenario) -> str:
    """A few cohort-level lines: deaths, timing, and the commonest clinically apparent sites."""
    from metastasis.cohort.organotropism import involvement
    from metastasis.units import DAYS_PER_YEAR

    pats = result.patients
    inv = involvement(result, scenario)
    lines = [
        f"\n{len(pats)} patients: {100 * (~pats.censored).mean():.0f}% died within follow-up"
        f" (median {pats.death_days.median() / DAYS_PER_YEAR:.1f} y after the first cell);"
        f" first metastasis founded at a median {pats.first_metastasis_days.median() / DAYS_PER_YEAR:.1f} y",
        f"{inv.n_metastatic} ({100 * inv.n_metastatic / len(pats):.0f}%) with clinically apparent"
        " distant metastases; among them, sites:",
    ]
    top = inv.share_pct.sort_values(ascending=False)
    lines += [f"  {organ:22s} {pct:5.1f}%" for organ, pct in top.items() if pct > 0][:8]
    lines += _stage_lines(pats)
    return "\n".join(lines)


def _stage_lines(pats) -> list[str]:
    """Stage at diagnosis and 5-year overall survival by stage (Kaplan–Meier)."""
    from metastasis.cohort.stage_survival import survival_by_stage

    dx = pats[pats.summary_stage != ""] if "summary_stage" in pats.columns else pats.iloc[:0]
    if len(dx) < 2:
        return []
    lines = [f"{len(dx)} diagnosed; stage at diagnosis, and overall survival from diagnosis:"]
    for s in survival_by_stage(pats):
        at5 = ("5-y OS not reached by follow-up" if s.five_year != s.five_year else
               f"5-y OS {100 * s.five_year:.0f}% (95% CI {100 * s.five_year_ci[0]:.0f}-"
               f"{100 * s.five_year_ci[1]:.0f})")
        lines.append(f"  {s.stage:10s} {100 * s.n / len(dx):5.1f}%  (n = {s.n}, {s.deaths} died)  {at5}")
    return lines
