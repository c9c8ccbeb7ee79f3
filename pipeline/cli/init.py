from __future__ import annotations

from pathlib import Path

import click

from pipeline.scaffold import scaffold


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--source", "source", default="en", show_default=True, help="The master's language (BCP 47).")
@click.option("--language", "languages", multiple=True, metavar="CODE", help="Another language to set up; repeatable.")
@click.option("--title", default=None, help="The film's title. Default: from the folder name.")
def init(directory: Path, source: str, languages: tuple[str, ...], title: str | None) -> None:
    """Start a new film project in DIRECTORY.

    Writes film.toml, the assets/, subtitles/ and locales/ folders and a README of what
    to put where. Never overwrites an existing film.toml.

    \b
    Example:
      filmpipe init my-film --language pl --language ur
    """
    written = scaffold(directory, source, languages, title)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(
        f"Next: put the master film at {directory / 'assets' / 'master.mp4'} and the subtitles in "
        f"{directory / 'subtitles'}, then run 'filmpipe validate -p {directory}'."
    )
