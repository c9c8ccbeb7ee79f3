from __future__ import annotations

import click

from pipeline.errors import EnvironmentProblem


@click.command()
def build() -> None:
    """(Not built yet.)"""
    raise EnvironmentProblem("filmpipe build is not built yet", "this command arrives with a later version of filmpipe")
