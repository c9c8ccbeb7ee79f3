"""The `filmpipe` command: a thin Click layer over the stages.

Each command lives in its own module here; they parse options, call the stages and turn
domain errors into one plain sentence, a hint and an exit code (DESIGN.md).
"""

from __future__ import annotations

import sys

import click

from pipeline import __version__
from pipeline.cli.build import build
from pipeline.cli.common import run_guarded
from pipeline.cli.doctor import doctor
from pipeline.cli.fix import fix
from pipeline.cli.init import init
from pipeline.cli.validate import validate
from pipeline.cli.verify import verify


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="filmpipe", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Show full tracebacks and ffmpeg commands on failure.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Turn a master film plus per-language subtitles and dubs into web-ready video.

    \b
    Example:
      filmpipe validate -p . && filmpipe build -p .
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


for command in (doctor, init, validate, fix, build, verify):
    cli.add_command(command)


def main() -> None:
    sys.exit(run_guarded(cli))
