from __future__ import annotations

import click

from pipeline.errors import EnvironmentProblem


@click.command()
def validate() -> None:
    """(Not built yet.)"""
    raise EnvironmentProblem("filmpipe validate is not built yet", "this command arrives with a later version of filmpipe")
