from __future__ import annotations

import json
import time
from pathlib import Path

import click

from pipeline.cli.common import allow_outside_option, is_terminal, lang_option, project_option
from pipeline.errors import FilmpipeError
from pipeline.findings import Finding, Report
from pipeline.project import load_project
from pipeline.validate.rules import clock
from pipeline.validate.run import validate_project

COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


class ValidationCrashed(FilmpipeError):
    """An unexpected failure inside validation: reported like a failed validation."""

    exit_code = 1


class _Progress:
    """'Decoding media: 45% (about 12 s left)' on stderr, on one line, only on a terminal."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.shown = False
        self.last = 0.0

    def __call__(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self.last < 0.25 and fraction < 1.0:
            return
        self.last = now
        elapsed = now - self.start
        left = f" (about {elapsed / fraction - elapsed:.0f} s left)" if 0.02 < fraction < 1.0 else ""
        click.echo(f"\rDecoding media: {fraction * 100:3.0f}%{left}\x1b[K", err=True, nl=False)
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", err=True, nl=False)


def _place(f: Finding) -> str:
    """'subtitles/pl.srt:14  cue 4  00:00:12.480' (the parts that apply)."""
    parts = []
    if f.file:
        parts.append(f"{f.file}:{f.line}" if f.line is not None else f.file)
    if f.cue is not None:
        parts.append(f"cue {f.cue}")
    if f.time is not None:
        parts.append(clock(f.time))
    return "  ".join(parts)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_text(report: Report, project_languages: list[tuple[str, str]], strict: bool, colour: bool) -> str:
    """Findings grouped by language, each with its hint beneath; a summary line last."""

    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if colour else text

    out: list[str] = []
    groups: list[tuple[str, list[Finding]]] = [("Film and master", [f for f in report.findings if f.language is None])]
    for code, name in project_languages:
        groups.append((f"{name} ({code})", [f for f in report.findings if f.language == code]))
    for title, findings in groups:
        if not findings:
            continue
        out.append(style(title, bold=True))
        for f in findings:
            severity = style(f.severity.ljust(7), fg=COLOURS.get(f.severity), bold=f.severity == "error")
            out.append(f"  {severity}  {_place(f)}  {style(f.code, bold=True)}  {f.message}")
            if f.hint:
                out.append(style(f"           fix: {f.hint}", dim=True))
        out.append("")
    errors, warnings = report.count("error"), report.count("warning")
    languages = _plural(len(project_languages), "language")
    if errors:
        summary = style(
            f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in {languages}: fix the errors before building.",
            fg="red",
            bold=True,
        )
    elif warnings and strict:
        summary = style(
            f"{_plural(warnings, 'warning')} in {languages}, which --strict counts as failures.", fg="yellow", bold=True
        )
    elif warnings:
        summary = style(f"No errors, {_plural(warnings, 'warning')} in {languages}: ready to build.", fg="yellow")
    else:
        summary = style(f"No problems found in {languages}: ready to build.", fg="green")
    out.append(summary)
    return "\n".join(out)


@click.command()
@project_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json (the findings contract in DESIGN.md) for tools.",
)
@click.option("--strict", is_flag=True, help="Count warnings as failures (exit 1).")
@lang_option
@allow_outside_option
def validate(
    project_path: Path | None, fmt: str, strict: bool, langs: tuple[str, ...] | None, allow_outside: bool
) -> None:
    """Check the master, dubs and subtitles before anything is rendered.

    Reads every subtitle file (any encoding), checks timings, reading speed, line lengths,
    scripts and glyphs against each language's limits, compares translations with the source
    language, and decodes the master and each dub once (results are cached by content). Each
    finding names the file, line, cue and time, with the fix beneath. Exits 0 when there are
    no errors, 1 when there are (or warnings with --strict), 2 when film.toml or an option
    is wrong.

    \b
    Example:
      filmpipe validate -p my-film/ --lang pl,ur
      filmpipe validate --format json --strict > findings.json
    """
    project = load_project(project_path, allow_outside=allow_outside)
    progress = _Progress() if is_terminal() else None
    try:
        report = validate_project(project, langs, on_progress=progress)
    except FilmpipeError:
        raise
    except Exception as exc:  # a bug must still end in one sentence, not a traceback (--debug shows it)
        raise ValidationCrashed(
            f"validation stopped on an unexpected problem ({type(exc).__name__}: {exc})",
            "run 'filmpipe --debug validate' and send the output to whoever maintains filmpipe",
        ) from exc
    finally:
        if progress:
            progress.clear()
    shown = project.only(langs)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(strict), ensure_ascii=False, indent=2))
    else:
        names = [(l.code, l.profile.name) for l in shown.languages]
        click.echo(render_text(report, names, strict, colour=is_terminal()))
    if not report.ok(strict):
        raise click.exceptions.Exit(1)
