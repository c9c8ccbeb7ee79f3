"""The one module that runs ffmpeg and ffprobe.

Every call is an argv list (never a shell), starts with `-nostdin`, reports progress from
`-progress pipe:1`, keeps stderr and raises FfmpegError with the command and its last lines.
Running children are tracked so that Ctrl-C can stop every one of them; on Linux each child
also gets a parent-death signal, so even a `kill -9` of filmpipe leaves no ffmpeg running.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.errors import EnvironmentProblem, FfmpegError

FFMPEG = os.environ.get("FILMPIPE_FFMPEG", "ffmpeg")
FFPROBE = os.environ.get("FILMPIPE_FFPROBE", "ffprobe")
STDERR_TAIL_LINES = 25

ProgressCallback = Callable[[float], None]  # seconds of output done

_children: set[subprocess.Popen] = set()
_children_lock = threading.Lock()


def _executable(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise EnvironmentProblem(
            f"{name} is not installed or not on PATH",
            "install it with: apt-get install ffmpeg (or run 'filmpipe doctor')",
        )
    return found


def _parent_death_signal() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to SIGKILL the child when its parent dies (prctl
    PR_SET_PDEATHSIG): Ctrl-C and failures stop children through `stop_all`, but nothing in
    filmpipe runs when it is killed outright, and an orphaned ffmpeg would go on encoding."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def set_signal() -> None:  # runs in the child between fork and exec: nothing but syscalls
        prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return set_signal


FRAMES_OUTPUT = "<frames>"  # stands in argv for the pipe that a FrameTap reads raw frames from


@dataclass(frozen=True)
class FrameTap:
    """Raw video frames of a fixed size that ffmpeg writes to an extra pipe (the output named
    FRAMES_OUTPUT in argv), handed to `on_frame` one at a time while ffmpeg runs."""

    frame_bytes: int
    on_frame: Callable[[bytes], None]


def _spawn(argv: list[str], **kwargs) -> subprocess.Popen:
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, preexec_fn=_parent_death_signal(), **kwargs)
    with _children_lock:
        _children.add(proc)
    return proc


def _forget(proc: subprocess.Popen) -> None:
    with _children_lock:
        _children.discard(proc)


def spawn_tracked(argv: list[str], **kwargs) -> subprocess.Popen:
    """Start another tool's process (Chromium for the caption check) under the same tracking as
    ffmpeg's: `stop_all` ends it on Ctrl-C and the parent-death signal ends it if filmpipe dies."""
    return _spawn(argv, **kwargs)


def forget(proc: subprocess.Popen) -> None:
    """A process from `spawn_tracked` that has ended."""
    _forget(proc)


def stop_all() -> None:
    """Terminate every ffmpeg/ffprobe child still running (used on Ctrl-C and on failure)."""
    with _children_lock:
        procs = list(_children)
    for proc in procs:
        if proc.poll() is None:
            try:
                proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
    for proc in procs:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


_TIME_KEYS = ("out_time_us", "out_time_ms")  # both are microseconds in ffmpeg 5


def _run_with_progress(
    args: Sequence[str | os.PathLike[str]],
    *,
    what: str,
    on_progress: ProgressCallback | None,
    cwd: Path | None,
    keep_lines: int | None,
    overwrite: bool,
    tap: FrameTap | None = None,
) -> tuple[float | None, list[str]]:
    """Run ffmpeg with `-progress pipe:1`: (seconds of output reached, stderr lines kept).

    stderr is drained on a thread so a chatty ffmpeg can never block on a full pipe;
    `keep_lines` bounds what is kept (None: everything, for analysis filters).
    """
    argv = [_executable(FFMPEG), "-nostdin", "-hide_banner", "-nostats"]
    argv += (["-y"] if overwrite else []) + ["-progress", "pipe:1"]
    argv += [os.fspath(a) for a in args]
    frames_read, frames_write = os.pipe() if tap else (-1, -1)
    if tap:
        argv = [f"pipe:{frames_write}" if a == FRAMES_OUTPUT else a for a in argv]
    try:
        proc = _spawn(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, pass_fds=(frames_write,) if tap else ()
        )
    finally:
        if tap:
            os.close(frames_write)
    lines: deque[str] = deque(maxlen=keep_lines)
    reached: float | None = None
    tap_error: list[BaseException] = []

    def read_frames() -> None:
        assert tap is not None
        with os.fdopen(frames_read, "rb", buffering=1 << 20) as fh:
            while True:
                frame = fh.read(tap.frame_bytes)
                if len(frame) < tap.frame_bytes:
                    return
                if not tap_error:
                    try:
                        tap.on_frame(frame)
                    except Exception as exc:  # keep draining, so ffmpeg never blocks; raised below
                        tap_error.append(exc)

    frames_thread = threading.Thread(target=read_frames, daemon=True) if tap else None
    if frames_thread:
        frames_thread.start()

    def drain() -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            lines.append(raw.decode("utf-8", "replace").rstrip("\n"))

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:
            key, _, value = raw.decode("ascii", "replace").strip().partition("=")
            if key in _TIME_KEYS and value.isdigit():
                seconds = int(value) / 1_000_000
                reached = seconds if reached is None else max(reached, seconds)
                if on_progress:
                    on_progress(seconds)
        proc.wait()
        reader.join()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        _forget(proc)
        if frames_thread:
            frames_thread.join()
    if proc.returncode != 0:
        raise FfmpegError(argv, proc.returncode, "\n".join(list(lines)[-STDERR_TAIL_LINES:]), what)
    if tap_error:
        raise tap_error[0]
    return reached, list(lines)


def run(
    args: Sequence[str | os.PathLike[str]],
    *,
    what: str = "",
    on_progress: ProgressCallback | None = None,
    cwd: Path | None = None,
) -> str:
    """Run ffmpeg with `args` (everything after the program name); return its stderr's last lines.

    Raises FfmpegError on a non-zero exit. `on_progress` receives the seconds of output
    written so far, parsed from `-progress`.
    """
    _, lines = _run_with_progress(args, what=what, on_progress=on_progress, cwd=cwd, keep_lines=400, overwrite=True)
    return "\n".join(lines)


def capture(args: Sequence[str | os.PathLike[str]], *, what: str = "", program: str = "ffmpeg") -> tuple[bytes, str]:
    """Run ffmpeg or ffprobe and return (stdout bytes, stderr text); for analysis filters and probes."""
    exe = _executable(FFPROBE if program == "ffprobe" else FFMPEG)
    argv = [exe, "-hide_banner"] + (["-nostdin", "-nostats"] if program == "ffmpeg" else [])
    argv += [os.fspath(a) for a in args]
    proc = _spawn(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate()
    finally:
        _forget(proc)
    text = err.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise FfmpegError(argv, proc.returncode, "\n".join(text.splitlines()[-STDERR_TAIL_LINES:]), what)
    return out, text


def analyse(
    args: Sequence[str | os.PathLike[str]],
    *,
    what: str = "",
    on_progress: ProgressCallback | None = None,
    tap: FrameTap | None = None,
) -> tuple[float | None, str]:
    """Run an analysis pass (e.g. `-af ebur128 -f null -`): (seconds decoded, the whole stderr).

    Like `run`, it reports progress from `-progress`, but keeps every line of stderr (analysis
    filters print their results there) and returns how far decoding got, which tells a
    truncated file from a whole one. With `tap`, raw frames that ffmpeg writes to the output
    named FRAMES_OUTPUT go to `tap.on_frame` as they come. Raises FfmpegError on a non-zero exit.
    """
    reached, lines = _run_with_progress(
        args, what=what, on_progress=on_progress, cwd=None, keep_lines=None, overwrite=False, tap=tap
    )
    return reached, "\n".join(lines)


def probe(path: Path, *, extra: Sequence[str] = ()) -> dict:
    """ffprobe's JSON for a file: format and streams (plus whatever `extra` asks for)."""
    out, _ = capture(
        ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", *extra, os.fspath(path)],
        what=f"reading {Path(path).name}",
        program="ffprobe",
    )
    return json.loads(out.decode("utf-8", "replace") or "{}")


def packets(path: Path, stream: str = "v:0") -> list[dict]:
    """Every packet of one stream: pts_time, duration_time, size, pos, flags (K = keyframe)."""
    out, _ = capture(
        [
            "-v",
            "error",
            "-select_streams",
            stream,
            "-show_entries",
            "packet=pts_time,dts_time,duration_time,size,pos,flags",
            "-print_format",
            "json",
            os.fspath(path),
        ],
        what=f"reading packets of {Path(path).name}",
        program="ffprobe",
    )
    return json.loads(out.decode("utf-8", "replace") or "{}").get("packets", [])


@dataclass(frozen=True)
class Capabilities:
    version: str
    encoders: frozenset[str]
    filters: frozenset[str]


@lru_cache(maxsize=1)
def capabilities() -> Capabilities:
    """What this ffmpeg can do, asked once."""
    out, _ = capture(["-version"])
    match = re.search(r"ffmpeg version n?(\d+(?:\.\d+)*)", out.decode("utf-8", "replace"))
    version = match.group(1) if match else "unknown"
    enc_out, _ = capture(["-encoders"])
    encoders = frozenset(
        m.group(1) for m in re.finditer(r"^\s[VAS][\w.]{5}\s+(\S+)", enc_out.decode("utf-8", "replace"), re.M)
    )
    fil_out, _ = capture(["-filters"])
    filters = frozenset(
        m.group(1) for m in re.finditer(r"^\s[\w.]{3}\s+(\S+)\s+\S+->\S+", fil_out.decode("utf-8", "replace"), re.M)
    )
    return Capabilities(version=version, encoders=encoders, filters=filters)


def version() -> str:
    return capabilities().version
