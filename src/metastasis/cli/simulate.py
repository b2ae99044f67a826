"""`metastasis simulate` and `metastasis presets`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def presets() -> None:
        """List the built-in scenario presets, one line each."""
        typer.echo("(no presets yet)")
