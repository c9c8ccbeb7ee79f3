from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import project_option
from pipeline.doctor import DEFAULT_LANGUAGES, check_machine
from pipeline.errors import ConfigError
from pipeline.project import load_project


@click.command()
@project_option
def doctor(project_path: Path | None) -> None:
    """Check that this machine has what a build needs.

    Looks for ffmpeg and ffprobe, the libx264 and aac encoders, the overlay filter, text
    shaping for captions (HarfBuzz in Pillow), a font for every configured language's script,
    and free disk. Exits 3 and says
    how to install what is missing.

    \b
    Example:
      filmpipe doctor -p my-film/
    """
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    where = None
    try:
        project = load_project(project_path, allow_outside=True)  # reads no file it names
        languages = tuple(l.code for l in project.languages)
        where = project.root
    except ConfigError:
        if project_path is not None:
            raise
    checks = check_machine(languages, where)
    width = max(len(c.name) for c in checks)
    for c in checks:
        mark = "ok     " if c.ok else "MISSING"
        click.echo(f"{mark}  {c.name.ljust(width)}  {c.detail}")
        if not c.ok and c.fix:
            click.echo(f"         {''.ljust(width)}  fix: {c.fix}")
    missing = [c for c in checks if not c.ok]
    if missing:
        click.echo(f"{len(missing)} missing: install them and run 'filmpipe doctor' again.")
        raise click.exceptions.Exit(3)
    click.echo("Everything a build needs is here.")
