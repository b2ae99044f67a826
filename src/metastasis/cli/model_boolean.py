"""`metastasis model boolean`: stable states or stochastic simulation of a MaBoSS network."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def _pairs(items: list[str] | None, what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"{item!r}: expected NAME=VALUE", param_hint=what)
        out[name.strip()] = value.strip()
    return out


def register(model_app: typer.Typer) -> None:
    """Add the ``boolean`` command to the ``model`` command group."""

    @model_app.command("boolean")
    def boolean(
        network: Annotated[
            str,
            typer.Argument(help="Bundled network name (e.g. cohen2015) or path to a .bnd file."),
        ] = "cohen2015",
        cfg: Annotated[
            Path | None,
            typer.Option("--cfg", help="Configuration file (default: the .cfg beside the .bnd)."),
        ] = None,
        stable: Annotated[
            bool,
            typer.Option("--stable-states", help="Print the stable states instead of simulating."),
        ] = False,
        mutant: Annotated[
            list[str] | None,
            typer.Option(
                "--mutant", help="Clamp a node: NODE=0 (loss) or NODE=1 (gain); repeatable."
            ),
        ] = None,
        settings: Annotated[
            list[str] | None,
            typer.Option(
                "--set", help="Override a cfg variable or run parameter: NAME=VALUE; repeatable."
            ),
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option("--out", help="Folder for solution.csv and the plot (simulation only)."),
        ] = None,
        seed: Annotated[
            int | None,
            typer.Option("--seed", help="Random seed (default: the cfg's seed_pseudorandom)."),
        ] = None,
        threads: Annotated[
            int | None,
            typer.Option(
                "--threads", help="Worker threads (0 = all cores; default: cfg thread_count)."
            ),
        ] = None,
    ) -> None:
        """Boolean pathway network (MaBoSS .bnd/.cfg): stable states or phenotype probabilities."""
        from metastasis.models.boolean import (
            NetworkFileError,
            load_network,
            parse_genotype,
            simulate,
            stable_states,
        )
        from metastasis.models.boolean.stable_states import describe

        try:
            net = load_network(network, cfg)
            net = net.with_settings(_pairs(settings, "--set"))
            net = net.with_mutants(parse_genotype(list(mutant or [])), source="--mutant")
        except (NetworkFileError, FileNotFoundError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=2) from None
        if stable:
            states = stable_states(net)
            for line in describe(states):
                typer.echo(line)
            typer.echo(f"{len(states)} stable state{'' if len(states) == 1 else 's'}")
            return
        result = simulate(net, seed=seed, threads=threads)
        final = result.last_window_probabilities
        for label, p in final.items():
            typer.echo(f"{p:8.4f}  {label}")
        if out is not None:
            csv = result.save(out)
            name = Path(network).stem
            result.plot(
                Path(out) / "probabilities.png", title=f"{name}: output-state probabilities"
            )
            typer.echo(f"wrote {csv} and {Path(out) / 'probabilities.png'}")
