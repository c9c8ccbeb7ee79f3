"""`filmpipe fix`: mend what a machine can mend in the subtitle files, with a backup and a diff."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import allow_outside_option, is_terminal, lang_option, project_option
from pipeline.fix import BackupRefused, plan, write
from pipeline.project import load_project


def _coloured_diff(diff: str, colour: bool) -> str:
    if not colour:
        return diff
    out = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            out.append(click.style(line, bold=True))
        elif line.startswith("+"):
            out.append(click.style(line, fg="green"))
        elif line.startswith("-"):
            out.append(click.style(line, fg="red"))
        elif line.startswith("@@"):
            out.append(click.style(line, fg="cyan"))
        else:
            out.append(line)
    return "".join(out)


@click.command()
@project_option
@lang_option
@click.option("--dry-run", is_flag=True, help="Print the changes as a diff; write nothing.")
@allow_outside_option
def fix(project_path: Path | None, langs: tuple[str, ...] | None, dry_run: bool, allow_outside: bool) -> None:
    """Mend the subtitle files where a machine can do it safely.

    Re-encodes to UTF-8, restores garbled letters whose original is certain, removes NUL and
    control characters, writes Romanian ș ț with the comma below, replaces letters of another
    alphabet (Arabic ي ك in Urdu, Assamese ৰ ৱ in Bengali, | for ।), writes cue numbers and
    times in full, mends WebVTT signatures and timings, and re-breaks lines by each language's
    craft rules. Words, their order and timings are never changed. Each file is kept beside
    the fixed one as a backup (pl.srt.orig; an older backup is never overwritten: pl.srt.orig.1)
    and a unified diff of every change is printed. The fixed file is validated before it is
    written: fixes that would bring a new finding are not made. Exits 0, or 2 when film.toml
    or an option is wrong.

    \b
    Example:
      filmpipe fix --dry-run            # see what would change
      filmpipe fix -p my-film/ --lang pl,ur
    """
    project = load_project(project_path, allow_outside=allow_outside)
    colour = is_terminal()
    fixes = plan(project, langs)
    written = refused = 0
    for item in fixes:
        if item.refused:
            refused += 1
            click.echo(f"{item.display}: {item.refused}" if not item.refused.startswith(item.display) else item.refused)
            continue
        if not item.changed:
            click.echo(f"{item.display}: nothing to fix")
            continue
        click.echo(_coloured_diff(item.diff(), colour), nl=False)
        what = "; ".join(item.changes)
        counts = f"findings {item.findings_before} -> {item.findings_after}"
        if dry_run:
            click.echo(f"{item.display}: would fix ({what}); {counts}")
            continue
        try:
            backup = write(item)
        except (BackupRefused, OSError) as exc:
            refused += 1
            reason = str(exc) if isinstance(exc, BackupRefused) else (exc.strerror or type(exc).__name__)
            click.echo(f"{item.display}: not written: {reason}")
            continue
        written += 1
        click.echo(f"{item.display}: fixed ({what}); {counts}; the original is kept as {project.relative(backup)}")
    if dry_run:
        click.echo("Dry run: nothing was written.")
    elif written:
        click.echo(f"Fixed {written} file{'s' if written != 1 else ''}. Run 'filmpipe validate' to see what is left.")
