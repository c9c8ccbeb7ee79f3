from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.publish.verify import verify_dist


@click.command()
@click.argument("dist", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per problem; json: {ok, hashed, probed, problems: [{file, kind, detail}]}.",
)
@click.option("--no-probe", is_flag=True, help="Only check sizes and hashes; skip re-probing media with ffprobe.")
def verify(dist: Path, fmt: str, no_probe: bool) -> None:
    """Check that DIST still holds exactly what its manifest.json lists.

    Re-hashes every listed file and every file of the HLS tree, re-probes every video,
    poster and subtitle file, and reports each missing, changed or extra file, wrong size
    or hash, and any duration more than one frame off. One line per problem, naming the
    file. Exits 0 when everything matches, 1 on any mismatch, 2 when DIST has no manifest.

    \b
    Example:
      filmpipe verify dist/
    """
    result = verify_dist(dist, probe=not no_probe)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "ok": result.ok,
                    "hashed": result.hashed,
                    "probed": result.probed,
                    "problems": [p.to_json() for p in result.problems],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for problem in result.problems:
            click.echo(problem.line())
        if result.ok:
            click.echo(f"OK: {result.hashed} files match {dist / 'manifest.json'} ({result.probed} re-probed).")
        else:
            count = len(result.problems)
            click.echo(
                f"{count} problem{'s' if count != 1 else ''} in {dist} ({result.hashed} files hashed, {result.probed} re-probed)."
            )
    if not result.ok:
        raise click.exceptions.Exit(1)
