from __future__ import annotations

import click

from pipeline.errors import EnvironmentProblem


@click.command()
def verify() -> None:
    """(Not built yet.)"""
    raise EnvironmentProblem("filmpipe verify is not built yet", "this command arrives with a later version of filmpipe")
