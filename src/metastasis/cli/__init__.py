"""The `metastasis` command line: a thin layer over the Python API."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="metastasis",
    help="Whole-body simulator of the metastatic cascade.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Whole-body simulator of the metastatic cascade."""


def _register() -> None:
    """Attach each command group; each lives in its own module of this package."""
    from metastasis.cli import model as _model
    from metastasis.cli import simulate as _simulate
    from metastasis.cli import spatial as _spatial
    from metastasis.cli import trial as _trial

    _simulate.register(app)
    _spatial.register(app)
    _model.register(app)
    _trial.register(app)


_register()


def main() -> None:
    """Console-script entry point."""
    app()
