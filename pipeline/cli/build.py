from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from pipeline.cli.common import allow_outside_option, is_terminal, lang_option, project_option
from pipeline.cli.progress import BuildDisplay, duration_text
from pipeline.engine import job
from pipeline.engine.executors import EXECUTORS, SCHEDULER_ENV, StartingExecutor
from pipeline.engine.publish import qc_dir
from pipeline.engine.runner import default_jobs
from pipeline.errors import ConfigError, EnvironmentProblem, FilmpipeError, ValidationFailed
from pipeline.findings import Report
from pipeline.project import Project, load_project
from pipeline.publish.shapes import shape_results, summary_sentence


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


def _projects(project_path: Path | None, paths: tuple[Path, ...]) -> list[Path | None]:
    """-p PROJECT and/or PROJECT...; a folder without film.toml stands for the films inside it."""
    given: list[Path | None] = [*([project_path] if project_path is not None else []), *paths]
    if not given:
        return [None]
    found: list[Path | None] = []
    for path in given:
        if path is not None and path.is_dir() and not (path / "film.toml").is_file():
            inside = sorted(p.parent for p in path.glob("*/film.toml"))
            if not inside:
                raise ConfigError(
                    f"{path} holds no film.toml, nor any folder with one",
                    "name a film's folder (or its film.toml), or a folder of film folders",
                )
            found.extend(inside)
        else:
            found.append(path)
    return found


@click.command()
@project_option
@click.argument("projects", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder (one film only). Default: dist/ beside each film.toml.",
)
@lang_option
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Tasks run at the same time (with --executor dask and no scheduler: local worker processes). "
    "Default: the number of CPU cores.",
)
@click.option("--force", is_flag=True, help="Render everything again, ignoring the cache.")
@click.option("--dry-run", is_flag=True, help="List the tasks and whether each would run and why; write nothing.")
@click.option("--draft", is_flag=True, help="Fast presets and two rungs, for a quick look.")
@click.option(
    "--executor",
    type=click.Choice(EXECUTORS),
    default="thread",
    show_default=True,
    help="Where tasks run: a thread pool here, or a Dask cluster (pip install 'filmpipe[dask]').",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    envvar=SCHEDULER_ENV,
    default=None,
    help=f"Dask scheduler address, e.g. tcp://10.0.0.5:8786 (or ${SCHEDULER_ENV}). "
    "Without it, --executor dask starts a local cluster.",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Task cache folder, e.g. on storage every Dask worker sees. Default: .filmpipe-cache beside film.toml.",
)
@allow_outside_option
def build(
    project_path: Path | None,
    projects: tuple[Path, ...],
    out_dir: Path | None,
    langs: tuple[str, ...] | None,
    jobs: int | None,
    force: bool,
    dry_run: bool,
    draft: bool,
    executor: str,
    scheduler: str | None,
    cache_dir: Path | None,
    allow_outside: bool,
) -> None:
    """Validate the project(s), then render and publish every output into dist/.

    Each video rung is encoded once and shared by every language; finished work is cached
    beside the project, so a rebuild redoes only what changed. The output folder is
    replaced only when the new build is complete and verified. Several films (or a folder
    of film folders) build as one graph: identical tasks run once, and each film is
    published as soon as its own tasks are done.

    \b
    Example:
      filmpipe build -p .
      filmpipe build -p . --lang pl --dry-run
      filmpipe build films/ --executor dask --scheduler tcp://scheduler:8786 --cache-dir /shared/cache
    """
    paths = _projects(project_path, projects)
    if out_dir is not None and len(paths) > 1:
        raise ConfigError(
            f"-o names one output folder, but {len(paths)} films are being built",
            "drop -o: each film publishes into dist/ beside its own film.toml",
        )
    if scheduler and executor != "dask":
        raise ConfigError(
            "--scheduler only applies to --executor dask",
            "add --executor dask, or drop --scheduler to build on this machine",
        )
    # A Dask LocalCluster takes seconds to start: start it now, while the films are validated and planned.
    starting = None if dry_run else StartingExecutor(executor, jobs or default_jobs(), scheduler)
    try:
        films = _plan_films(paths, out_dir, langs, force, draft, cache_dir, allow_outside)
        if starting is None:
            for plan, out, _ in films:
                _print_plan(plan, out)
            return
        _run_films(films, starting, jobs, draft, executor)
    finally:
        if starting is not None:
            starting.close()


Film = tuple[job.Plan, Path, Report]  # a film's plan, its output folder and its validation report


def _plan_films(
    paths: list[Path | None],
    out_dir: Path | None,
    langs: tuple[str, ...] | None,
    force: bool,
    draft: bool,
    cache_dir: Path | None,
    allow_outside: bool,
) -> list[Film]:
    """Load, validate and plan every film; ValidationFailed at the first film with errors."""
    films: list[Film] = []
    for path in paths:
        project = load_project(path, allow_outside=allow_outside).only(langs)
        out = (out_dir if out_dir is not None else job.default_out_dir(project)).absolute()
        report = _validate(project, langs)
        if report.has_errors:
            _print_findings(report, "error")
            raise ValidationFailed(
                f"{report.count('error')} validation error(s) in {project.path.name}'s inputs"
                + (f" ({project.film.id})" if len(paths) > 1 else "")
                + "; nothing was written",
                f"fix them and build again; 'filmpipe validate -p {project.root}' lists every finding",
            )
        plan = job.prepare(project, draft=draft, force=force, cache_dir=cache_dir)
        films.append((plan, out, report))
    return films


def _run_films(films: list[Film], starting: StartingExecutor, jobs: int | None, draft: bool, executor: str) -> None:
    """Run every film's tasks as one graph, publish each film as its tasks finish, and say so."""
    _stop_on_signals()
    total = sum(len(plan.tasks) for plan, _, _ in films)
    up_to_date = total - sum(len(plan.to_run) for plan, _, _ in films)
    runs = len({plan.keys[t.id].key for plan, _, _ in films for t in plan.to_run})
    shared = sum(len(plan.to_run) for plan, _, _ in films) - runs
    display = BuildDisplay(live=is_terminal(), films=len(films), tasks=runs)
    pool = starting.get()
    what = films[0][0].context.project.film.id + f" into {films[0][1]}" if len(films) == 1 else f"{len(films)} films"
    where = f"{pool.workers} at a time" + (" on Dask" if executor == "dask" else "")
    click.echo(
        f"Building {what}: {runs} of {total - shared} tasks to run ({up_to_date} up to date"
        + (f"; {shared} more are another film's task and run once" if shared else "")
        + f"), {where}"
        + (", draft quality" if draft else "")
        + "."
    )
    published: list[job.Outcome] = []

    def film_done(outcome: job.Outcome) -> None:
        published.append(outcome)
        if len(films) > 1:
            display.film_done(f"Film {len(published)} of {len(films)} done: {outcome.out_dir}")

    try:
        outcomes = job.execute_many(films, jobs=jobs, on_event=display, on_published=film_done, executor=pool)
    except FilmpipeError:
        if _signalled.is_set():
            raise KeyboardInterrupt from None
        raise
    except OSError as err:  # disk full, permissions: a sentence, not a traceback
        where_err = f" {err.filename}" if err.filename else ""
        raise EnvironmentProblem(
            f"could not read or write{where_err}: {err.strerror or err}",
            "check free disk space and permissions beside the output folder; it was left as it was",
        ) from err
    finally:
        display.close()
        starting.close()  # the workers end before the last lines are printed (build() closes again: a no-op)
    for (_, _, report), outcome in zip(films, outcomes, strict=True):
        for note in outcome.notes:
            click.echo(f"Note: {note}.")
        out = outcome.out_dir
        shapes = shape_results({task: result.output for task, result in outcome.results.items()})
        warnings = report.count("warning") + sum(int(r.get("below") or 0) for r in shapes.values())
        status = "published" if outcome.published else "already up to date, left as it was"
        click.echo(
            f"Done in {duration_text(outcome.seconds)}: {out} {status}"
            + (f"; {warnings} warning(s), see the QC report" if warnings else "")
            + "."
        )
        shapes_line = summary_sentence(shapes)
        if shapes_line:
            click.echo(shapes_line + ".")
        click.echo(f"Preview page: {out / 'index.html'}")
        click.echo(f"Manifest:     {out / 'manifest.json'}")
        click.echo(f"QC report:    {qc_dir(out) / 'report.html'} (not for the website: upload {out.name}/ only)")


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
