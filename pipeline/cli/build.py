from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from pipeline.cli.common import allow_outside_option, is_terminal, lang_option, project_option
from pipeline.cli.progress import BuildDisplay, duration_text
from pipeline.engine import job
from pipeline.engine.runner import default_jobs
from pipeline.errors import EnvironmentProblem, FilmpipeError, ValidationFailed
from pipeline.findings import Report
from pipeline.project import Project, load_project


def _validate(project: Project, langs: tuple[str, ...] | None) -> Report:
    try:
        from pipeline.validate.run import validate_project
    except ImportError:  # validation not part of this version yet
        return Report(findings=())
    return validate_project(project, langs)


def _print_findings(report: Report, severity: str) -> None:
    for f in report.findings:
        if f.severity != severity:
            continue
        where = f.file or ""
        if f.line:
            where += f":{f.line}"
        if f.cue:
            where += f" cue {f.cue}"
        click.echo(f"{f.severity}  {f.code}  {where + ': ' if where else ''}{f.message}", err=True)
        if f.hint:
            click.echo(f"    fix: {f.hint}", err=True)


_signalled = threading.Event()


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM stop a build the same way: children ended, output folder untouched.

    The flag tells an ffmpeg child's death by the same Ctrl-C (which the terminal sends to
    the whole process group) from a real ffmpeg failure.
    """

    def handler(signum, frame):
        _signalled.set()
        raise KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)


@click.command()
@project_option
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder. Default: dist/ beside film.toml.",
)
@lang_option
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Tasks run at the same time. Default: the number of CPU cores.",
)
@click.option("--force", is_flag=True, help="Render everything again, ignoring the cache.")
@click.option("--dry-run", is_flag=True, help="List the tasks and whether each would run and why; write nothing.")
@click.option("--draft", is_flag=True, help="Fast presets and two rungs, for a quick look.")
@allow_outside_option
def build(
    project_path: Path | None,
    out_dir: Path | None,
    langs: tuple[str, ...] | None,
    jobs: int | None,
    force: bool,
    dry_run: bool,
    draft: bool,
    allow_outside: bool,
) -> None:
    """Validate the project, then render and publish every output into dist/.

    Each video rung is encoded once and shared by every language; finished work is cached
    beside the project, so a rebuild redoes only what changed. The output folder is
    replaced only when the new build is complete and verified.

    \b
    Example:
      filmpipe build -p .
      filmpipe build -p . --lang pl --dry-run
    """
    project = load_project(project_path, allow_outside=allow_outside).only(langs)
    out = (out_dir if out_dir is not None else job.default_out_dir(project)).absolute()
    report = _validate(project, langs)
    if report.has_errors:
        _print_findings(report, "error")
        raise ValidationFailed(
            f"{report.count('error')} validation error(s) in {project.path.name}'s inputs; nothing was written",
            f"fix them and build again; 'filmpipe validate -p {project.root}' lists every finding",
        )
    plan = job.prepare(project, draft=draft, force=force)
    if dry_run:
        _print_plan(plan, out)
        return
    _stop_on_signals()
    display = BuildDisplay(live=is_terminal())
    runs = len(plan.to_run)
    workers = jobs or default_jobs()
    click.echo(
        f"Building {project.film.id} into {out}: {runs} of {len(plan.tasks)} tasks to run"
        f" ({len(plan.tasks) - runs} up to date), {workers} at a time" + (", draft quality" if draft else "") + "."
    )
    try:
        outcome = job.execute(plan, out, report, jobs=jobs, on_event=display)
    except FilmpipeError:
        if _signalled.is_set():
            raise KeyboardInterrupt from None
        raise
    except OSError as err:  # disk full, permissions: a sentence, not a traceback
        where = f" {err.filename}" if err.filename else ""
        raise EnvironmentProblem(
            f"could not read or write{where}: {err.strerror or err}",
            f"check free disk space and permissions beside {out}; {out.name}/ was left as it was",
        ) from err
    finally:
        display.close()
    for note in outcome.notes:
        click.echo(f"Note: {note}.")
    warnings = report.count("warning")
    status = "published" if outcome.published else "already up to date, left as it was"
    click.echo(
        f"Done in {duration_text(outcome.seconds)}: {out} {status}"
        + (f"; {warnings} warning(s), see the QC report" if warnings else "")
        + "."
    )
    click.echo(f"Preview page: {out / 'index.html'}")
    click.echo(f"Manifest:     {out / 'manifest.json'}")


def _print_plan(plan: job.Plan, out: Path) -> None:
    ctx = plan.context
    click.echo(
        f"Plan for {ctx.project.film.id} into {out}: ladder {'/'.join(map(str, ctx.ladder))}, "
        f"{len(ctx.project.languages)} language(s){', draft quality' if ctx.draft else ''}."
    )
    width = max(len(t.id) for t in plan.tasks)
    for task in plan.tasks:
        status = plan.statuses[task.id]
        click.echo(f"  {'run ' if status.runs else 'skip'}  {task.id.ljust(width)}  {status.reason}")
    runs = len(plan.to_run)
    click.echo(f"{len(plan.tasks)} tasks: {runs} would run, {len(plan.tasks) - runs} up to date.")
