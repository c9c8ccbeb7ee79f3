"""What every command shares: error reporting, the project option, terminal detection."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import click

from pipeline.errors import FilmpipeError, Interrupted


def _debug_requested(argv: list[str]) -> bool:
    return "--debug" in argv


def report_error(err: FilmpipeError, debug: bool = False) -> None:
    """One plain sentence and a hint on stderr; the traceback and command only with --debug."""
    if debug:
        traceback.print_exception(err)
        argv = getattr(err, "argv", None)
        if argv:
            import shlex

            click.echo(f"command: {shlex.join(argv)}", err=True)
            click.echo(getattr(err, "stderr_tail", ""), err=True)
    click.echo(f"Error: {err.message}", err=True)
    if err.hint:
        click.echo(f"Hint: {err.hint}", err=True)


def run_guarded(cli: click.Group, argv: list[str] | None = None) -> int:
    """Run the Click group; domain errors become messages and exit codes, never tracebacks."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        # Without standalone mode, Click returns (not raises) the code of click.exceptions.Exit.
        code = cli.main(args=args, prog_name="filmpipe", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except FilmpipeError as err:
        report_error(err, _debug_requested(args))
        return err.exit_code
    except click.exceptions.Abort:
        click.echo("Stopped.", err=True)
        return Interrupted.exit_code
    except KeyboardInterrupt:
        click.echo("Stopped: every ffmpeg process was ended and the output folder left as it was.", err=True)
        return Interrupted.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return 2 if isinstance(exc, click.UsageError) else exc.exit_code
    except Exception as exc:  # a bug, or a case nobody foresaw: still one sentence (--debug: the traceback)
        unexpected = FilmpipeError(
            f"filmpipe stopped on an unexpected problem ({type(exc).__name__}: {exc})",
            "run the same command with --debug and send its output to whoever maintains filmpipe",
        )
        unexpected.__cause__ = exc
        report_error(unexpected, _debug_requested(args))
        return unexpected.exit_code


def project_option(func: Callable) -> Callable:
    """-p/--project: a folder holding film.toml, or the file itself (default: current folder)."""
    return click.option(
        "-p",
        "--project",
        "project_path",
        type=click.Path(path_type=Path),
        default=None,
        help="Folder holding film.toml, or the file itself. Default: the current folder.",
    )(func)


def allow_outside_option(func: Callable) -> Callable:
    """--allow-outside: let film.toml name files outside its folder (refused by default)."""
    return click.option(
        "--allow-outside",
        is_flag=True,
        help="Let film.toml name files outside its folder ('..', absolute paths, links out). "
        "Refused by default, so a film.toml from someone else cannot publish a file from this machine.",
    )(func)


def lang_option(func: Callable) -> Callable:
    """--lang pl,ur: limit the work to some languages (the source language is always kept)."""

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
        if not value:
            return None
        codes = tuple(c.strip() for c in value.split(",") if c.strip())
        if not codes:
            raise click.BadParameter("name at least one language, e.g. --lang pl,ur")
        return codes

    return click.option(
        "--lang",
        "langs",
        callback=parse,
        default=None,
        metavar="CODES",
        help="Comma-separated language codes to limit the work to, e.g. pl,ur.",
    )(func)


def is_terminal() -> bool:
    return sys.stdout.isatty()
