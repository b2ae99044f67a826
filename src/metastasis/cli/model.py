"""`metastasis model …`: run a published model with its paper's parameters.

Each command writes DIR/solution.csv (a time column `t_days` — or `step` for the Markov
chain, whose steps carry no time unit — and one column per variable, unit in the name) and
DIR/figure.png, a plot in the manner of the paper's figure.  Any parameter can be changed
with a repeatable `--set name=value`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer

from metastasis.models import benzekry, hahnfeldt1999, iwata2000, newton_markov

model_app = typer.Typer(
    name="model",
    help="Run a published model (Iwata 2000, Hahnfeldt 1999, Benzekry, Newton Markov chain).",
    no_args_is_help=True,
)

SET_HELP = "Override a parameter, NAME=VALUE (repeatable)."


def apply_overrides(settings: list[str] | None, *objects: Any) -> list[Any]:
    """Return copies of the dataclass `objects` with `name=value` overrides applied.

    An unknown name or a malformed item raises typer.BadParameter naming it and listing the
    valid names.
    """
    objs = list(objects)
    fields = [{f.name: f for f in dataclasses.fields(o) if "str" not in str(f.type)} for o in objs]
    valid = sorted(name for fs in fields for name in fs)
    for item in settings or []:
        if "=" not in item:
            raise typer.BadParameter(f"{item!r} is not of the form name=value", param_hint="--set")
        name, raw = (part.strip() for part in item.split("=", 1))
        for i, fs in enumerate(fields):
            if name in fs:
                value = _convert(name, raw, str(fs[name].type))
                try:
                    objs[i] = dataclasses.replace(objs[i], **{name: value})
                except ValueError as err:
                    raise typer.BadParameter(f"{name}={raw}: {err}", param_hint="--set") from err
                break
        else:
            raise typer.BadParameter(
                f"unknown parameter {name!r}; valid names: {', '.join(valid)}", param_hint="--set"
            )
    return objs


def _convert(name: str, raw: str, type_name: str) -> Any:
    """Parse `raw` for a field annotated `type_name` (bool, int, float, optionally None)."""
    try:
        if raw.lower() == "none" and "None" in type_name:
            return None
        if type_name.startswith("bool"):
            return raw.lower() in {"1", "true", "yes"}
        if type_name.startswith("int"):
            return int(raw)
        return float(raw)
    except ValueError as err:
        raise typer.BadParameter(f"{name}={raw!r}: not a number", param_hint="--set") from err


def _prepare(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    return out


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def run_iwata(
    p: iwata2000.IwataParameters, days: float, dt: float, detectable_cells: float, out: Path
) -> pd.DataFrame:
    """Solve the Iwata model, write solution.csv and figure.png to `out`; return the table."""
    sol = iwata2000.solve(p, days, dt)
    table = pd.DataFrame(
        {
            "t_days": sol.t_days,
            "primary_cells": sol.primary_cells,
            "colonies_total": sol.colonies_total,
            "colonies_detectable": sol.colonies_at_least(detectable_cells, sol.t_days),
            "metastatic_cells": sol.metastatic_cells(),
        }
    )
    table.to_csv(_prepare(out) / "solution.csv", index=False)
    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    sizes = np.logspace(0, np.log10(p.b_cells) - 0.01, 200)
    for frac in (0.5, 0.75, 1.0):
        t = frac * sol.t_days[-1]
        ax1.loglog(sizes, np.maximum(sol.colonies_at_least(sizes, t), 1e-3), label=f"t = {t:.0f} d")
    ax1.axvline(detectable_cells, color="grey", ls=":", label="detectable")
    ax1.set(xlabel="colony size x (cells)", ylabel="colonies of size ≥ x", ylim=(1e-2, None))
    ax1.legend()
    ax2.semilogy(sol.t_days, table["primary_cells"], label="primary (cells)")
    ax2.semilogy(
        sol.t_days, np.maximum(table["colonies_detectable"], 1e-3), label="detectable colonies"
    )
    ax2.semilogy(sol.t_days, np.maximum(table["colonies_total"], 1e-3), label="all colonies")
    ax2.set(xlabel="time (days)", ylim=(1e-2, None))
    ax2.legend()
    fig.suptitle("Iwata, Kawasaki & Shigesada 2000")
    fig.tight_layout()
    fig.savefig(out / "figure.png", dpi=120)
    plt.close(fig)
    return table


def run_hahnfeldt(
    p: hahnfeldt1999.HahnfeldtParameters,
    drug_name: str,
    drug: hahnfeldt1999.Drug | None,
    schedule: hahnfeldt1999.DosingSchedule | None,
    days: float,
    out: Path,
) -> pd.DataFrame:
    """Solve one arm of the Hahnfeldt model, write solution.csv and figure.png; return the table."""
    sol = hahnfeldt1999.solve(p, days, drug=drug, schedule=schedule)
    table = pd.DataFrame(
        {
            "t_days": sol.t_days,
            "V_mm3": sol.V_mm3,
            "K_mm3": sol.K_mm3,
            "c_mg_per_kg": sol.c_mg_per_kg,
        }
    )
    table.to_csv(_prepare(out) / "solution.csv", index=False)
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for arm in ("control", *hahnfeldt1999.PAPER_SCHEDULES):
        if arm == drug_name or (arm == "control" and drug is None):
            continue
        ref = hahnfeldt1999.solve_paper_arm(arm, days, p)
        ax.semilogy(ref.t_days, ref.V_mm3, lw=1, alpha=0.6, label=f"{arm} (paper schedule)")
    ax.semilogy(sol.t_days, sol.V_mm3, "k", lw=2, label=f"V, {drug_name}")
    ax.semilogy(sol.t_days, sol.K_mm3, "k--", lw=1, label=f"K, {drug_name}")
    ax.set(xlabel="time (days)", ylabel="volume (mm³)", title="Hahnfeldt et al. 1999")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "figure.png", dpi=120)
    plt.close(fig)
    return table


def run_benzekry(
    law: benzekry.GrowthLaw,
    vp0_mm3: float,
    m: benzekry.MetastasisParameters,
    surgery_day: float,
    days: float,
    out: Path,
) -> pd.DataFrame:
    """Solve the burden model without and with resection, write solution.csv and figure.png."""
    t = np.linspace(0.0, days, 241)
    free = benzekry.solve(law, vp0_mm3, dataclasses.replace(m, surgery_day=None), t)
    cut = benzekry.solve(law, vp0_mm3, dataclasses.replace(m, surgery_day=surgery_day), t)
    table = pd.DataFrame(
        {
            "t_days": t,
            "Vp_mm3": free.primary_mm3,
            "N_metastases": free.n_metastases,
            "N_visible": free.n_visible,
            "M_mm3": free.burden_mm3,
            "Vp_mm3_resected": cut.primary_mm3,
            "N_metastases_resected": cut.n_metastases,
            "N_visible_resected": cut.n_visible,
            "M_mm3_resected": cut.burden_mm3,
        }
    )
    table.to_csv(_prepare(out) / "solution.csv", index=False)
    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.semilogy(t, np.maximum(free.primary_mm3, 1e-6), "k", label="primary")
    ax1.semilogy(t, np.maximum(free.burden_mm3, 1e-6), "r", label="metastatic burden")
    ax1.semilogy(
        t, np.maximum(cut.burden_mm3, 1e-6), "r--", label=f"burden, resection day {surgery_day:g}"
    )
    ax1.axvline(surgery_day, color="grey", ls=":")
    ax1.set(xlabel="time (days)", ylabel="volume (mm³)", ylim=(1e-6, None))
    ax1.legend(fontsize=8)
    ax2.plot(t, free.n_visible, "b", label="visible metastases")
    ax2.plot(t, cut.n_visible, "b--", label="visible, with resection")
    ax2.plot(t, free.n_metastases, "c", label="all metastases")
    ax2.set(xlabel="time (days)", ylabel="number")
    ax2.legend(fontsize=8)
    fig.suptitle("Benzekry et al. metastatic model (dissemination μV^γ, surgery)")
    fig.tight_layout()
    fig.savefig(out / "figure.png", dpi=120)
    plt.close(fig)
    return table


def run_markov(
    primary: str, s: newton_markov.MarkovFitSettings, out: Path
) -> newton_markov.MarkovFit:
    """Fit the Markov chain for `primary`, write solution.csv, matrices and figure.png."""
    fit = newton_markov.fit_primary(primary, s)
    rng = np.random.default_rng(s.seed)
    exact = newton_markov.distribution_by_step(fit, s.n_steps)
    walks = newton_markov.occupancy_by_step(fit, rng, s.n_steps, s.n_walks)
    cols: dict[str, np.ndarray] = {"step": np.arange(s.n_steps + 1)}
    keys = [_key(x) for x in fit.states]
    cols.update({f"p_{k}": exact[:, i] for i, k in enumerate(keys)})
    cols.update({f"walk_fraction_{k}": walks[:, i] for i, k in enumerate(keys)})
    table = pd.DataFrame(cols)
    _prepare(out)
    table.to_csv(out / "solution.csv", index=False)
    pd.DataFrame(fit.matrix, index=fit.states, columns=fit.states).to_csv(
        out / "transition_matrix.csv"
    )
    mfpt = newton_markov.mean_first_passage_steps(fit.matrix)
    pd.DataFrame(mfpt, index=fit.states, columns=fit.states).to_csv(
        out / "mean_first_passage_steps.csv"
    )
    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    x = np.arange(len(fit.target))
    ax1.bar(x - 0.2, fit.target, 0.4, label="MSK-MET share")
    ax1.bar(x + 0.2, fit.stationary, 0.4, label="chain, long run")
    ax1.set_xticks(x, fit.states[1:], rotation=30, ha="right")
    ax1.set(ylabel="probability", title=f"{primary}: fit error (TV) {fit.fit_error_tv:.1e}")
    ax1.legend()
    im = ax2.imshow(fit.matrix, cmap="viridis", vmin=0, vmax=1)
    ax2.set_xticks(range(len(fit.states)), fit.states, rotation=30, ha="right", fontsize=7)
    ax2.set_yticks(range(len(fit.states)), fit.states, fontsize=7)
    ax2.set_title("transition matrix")
    fig.colorbar(im, ax=ax2)
    fig.suptitle("Newton et al. Markov chain of metastatic spread")
    fig.tight_layout()
    fig.savefig(out / "figure.png", dpi=120)
    plt.close(fig)
    return fit


def _key(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name).strip("_").lower()


@dataclasses.dataclass(frozen=True)
class _PrimaryStart:
    """Initial primary volume for the Benzekry command, mm³."""

    vp0_mm3: float


def register(app: typer.Typer) -> None:
    """Add the `model` command group to `app`."""

    @model_app.command("iwata")
    def iwata(
        out: Annotated[Path, typer.Option("--out", help="Output directory.")],
        days: Annotated[
            float, typer.Option(help="Horizon, days from the first malignant cell.")
        ] = 1500.0,
        dt: Annotated[
            float, typer.Option(help="Time step of the characteristics solver, days.")
        ] = 1.0,
        detectable_cells: Annotated[
            float, typer.Option(help="Smallest detectable colony, cells.")
        ] = 1e8,
        set_: Annotated[list[str] | None, typer.Option("--set", help=SET_HELP)] = None,
    ) -> None:
        """Iwata, Kawasaki & Shigesada 2000: colony size distribution (fitted HCC patient)."""
        (p,) = apply_overrides(set_, iwata2000.IwataParameters())
        table = run_iwata(p, days, dt, detectable_cells, out)
        last = table.iloc[-1]
        typer.echo(
            f"day {last.t_days:g}: primary {last.primary_cells:.3g} cells, "
            f"{last.colonies_total:.3g} colonies, {last.colonies_detectable:.3g} of ≥{detectable_cells:g} cells"
        )

    @model_app.command("hahnfeldt")
    def hahnfeldt(
        out: Annotated[Path, typer.Option("--out", help="Output directory.")],
        drug: Annotated[
            str, typer.Option(help="none, tnp470, angiostatin or endostatin.")
        ] = "none",
        days: Annotated[
            float, typer.Option(help="Horizon, days from the start of treatment.")
        ] = 20.0,
        set_: Annotated[list[str] | None, typer.Option("--set", help=SET_HELP)] = None,
    ) -> None:
        """Hahnfeldt et al. 1999: tumour volume V and vascular capacity K, with or without drug."""
        if drug != "none" and drug not in hahnfeldt1999.PAPER_SCHEDULES:
            raise typer.BadParameter(
                f"unknown drug {drug!r}; valid: none, {', '.join(hahnfeldt1999.PAPER_SCHEDULES)}",
                param_hint="--drug",
            )
        d, sch = hahnfeldt1999.PAPER_SCHEDULES.get(
            drug, (hahnfeldt1999.Drug("none", 0.0, 0.0), None)
        )
        sch = sch or hahnfeldt1999.DosingSchedule(dose_mg_per_kg=0.0, interval_days=1.0)
        p, d, sch = apply_overrides(set_, hahnfeldt1999.HahnfeldtParameters(), d, sch)
        table = run_hahnfeldt(
            p, drug, None if drug == "none" else d, None if drug == "none" else sch, days, out
        )
        typer.echo(
            f"day {table.t_days.iloc[-1]:g}: V = {table.V_mm3.iloc[-1]:.4g} mm³, K = {table.K_mm3.iloc[-1]:.4g} mm³ "
            f"(untreated steady state {hahnfeldt1999.steady_state_mm3(p):.4g} mm³)"
        )

    @model_app.command("benzekry")
    def benzekry_cmd(
        out: Annotated[Path, typer.Option("--out", help="Output directory.")],
        law: Annotated[
            str, typer.Option(help="Growth law: " + ", ".join(benzekry.GROWTH_LAWS_2014))
        ] = "breast_gompertz",
        days: Annotated[float, typer.Option(help="Horizon, days from implantation.")] = 60.0,
        surgery_day: Annotated[
            float, typer.Option(help="Day of primary resection (second scenario).")
        ] = 20.0,
        set_: Annotated[list[str] | None, typer.Option("--set", help=SET_HELP)] = None,
    ) -> None:
        """Benzekry et al.: primary growth, dissemination μV^γ and metastatic burden, ± resection."""
        if law not in benzekry.GROWTH_LAWS_2014:
            raise typer.BadParameter(
                f"unknown law {law!r}; valid: {', '.join(benzekry.GROWTH_LAWS_2014)}",
                param_hint="--law",
            )
        growth, vp0 = benzekry.GROWTH_LAWS_2014[law]
        growth, m, start = apply_overrides(
            set_, growth, benzekry.MetastasisParameters(), _PrimaryStart(vp0)
        )
        table = run_benzekry(growth, start.vp0_mm3, m, surgery_day, days, out)
        last = table.iloc[-1]
        typer.echo(
            f"day {last.t_days:g}: burden {last.M_mm3:.4g} mm³ without resection, "
            f"{last.M_mm3_resected:.4g} mm³ with resection on day {surgery_day:g}"
        )

    @model_app.command("markov")
    def markov(
        out: Annotated[Path, typer.Option("--out", help="Output directory.")],
        primary: Annotated[
            str, typer.Option(help="Primary cancer type (MSK-MET name).")
        ] = "Breast Cancer",
        set_: Annotated[list[str] | None, typer.Option("--set", help=SET_HELP)] = None,
    ) -> None:
        """Newton et al.: Markov chain fitted to the MSK-MET site distribution of a primary."""
        if primary not in newton_markov.available_primaries():
            raise typer.BadParameter(
                f"unknown primary {primary!r}; valid: {', '.join(newton_markov.available_primaries())}",
                param_hint="--primary",
            )
        (s,) = apply_overrides(set_, newton_markov.MarkovFitSettings())
        fit = run_markov(primary, s, out)
        mfpt = fit.mean_first_passage_from_primary()
        typer.echo(f"{primary}: fit error (total variation) {fit.fit_error_tv:.3e}")
        for site, share, pi, steps in zip(
            fit.states[1:], fit.target, fit.stationary, mfpt, strict=True
        ):
            typer.echo(
                f"  {site}: target {share:.4f}, long-run {pi:.4f}, first passage {steps:.2f} steps"
            )

    try:
        from metastasis.cli import model_boolean

        model_boolean.register(model_app)
    except ImportError:
        pass
    app.add_typer(model_app, name="model")
