"""Domain errors. Each carries a one-sentence message and a hint; the CLI phrases them.

Exit codes follow DESIGN.md: 1 validation errors / mismatch, 2 usage or configuration,
3 render or environment failure.
"""

from __future__ import annotations

from collections.abc import Sequence


class FilmpipeError(Exception):
    """Base class: a problem the user can fix, told in one sentence plus a hint."""

    exit_code = 3

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ConfigError(FilmpipeError):
    """film.toml (or a command-line option) is wrong."""

    exit_code = 2


class ValidationFailed(FilmpipeError):
    """Inputs have errors; nothing was written."""

    exit_code = 1


class EnvironmentProblem(FilmpipeError):
    """A tool, encoder, filter or font this machine lacks."""

    exit_code = 3


class BuildLocked(FilmpipeError):
    """Another build holds the output folder's lock."""

    exit_code = 3


class FfmpegError(FilmpipeError):
    """ffmpeg or ffprobe failed; keeps the argv and the last lines of stderr."""

    exit_code = 3

    def __init__(self, argv: Sequence[str], returncode: int, stderr_tail: str, what: str = "") -> None:
        self.argv = list(argv)
        self.returncode = returncode
        self.stderr_tail = stderr_tail
        tool = self.argv[0].rsplit("/", 1)[-1] if self.argv else "ffmpeg"
        doing = f" while {what}" if what else ""
        last = stderr_tail.strip().splitlines()[-1] if stderr_tail.strip() else "no message"
        super().__init__(
            f"{tool} failed{doing} (exit {returncode}): {last}",
            "run with --debug to see the full command and its output",
        )

    def __reduce__(self):  # survive pickling across worker processes
        return (type(self), (self.argv, self.returncode, self.stderr_tail))


class Interrupted(FilmpipeError):
    """The user pressed Ctrl-C; children were stopped and dist/ left as it was."""

    exit_code = 130
