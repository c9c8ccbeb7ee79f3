"""Publish: assemble a staging folder beside dist/, verify it, then swap it into place.

Finished task folders are hard-linked (copied across file systems) into `<out>.staging`
under each task's `publish_to` prefix; the site (manifest, preview, report) is written
there; every video and audio output is probed. Only then does the swap happen: `out` is
renamed to `<out>.old`, the staging folder to `out`, and the old one deleted. A crash
between the two renames is repaired by `recover()` at the next start, so the output folder
is always either the previous build or the new one, complete.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from pipeline import ffmpeg
from pipeline.engine.model import Artifact, BuildInfo, PlanContext, Task, TaskOutput
from pipeline.engine.runner import TaskResult
from pipeline.errors import ConfigError, FilmpipeError
from pipeline.findings import Report
from pipeline.render.common import master_duration, master_fps

VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".m4a")


class PublishCheckFailed(FilmpipeError):
    """An output failed its check after rendering; nothing was published."""

    exit_code = 3


def staging_path(out_dir: Path) -> Path:
    return out_dir.parent / f"{out_dir.name}.staging"


def old_path(out_dir: Path) -> Path:
    return out_dir.parent / f"{out_dir.name}.old"


def recover(out_dir: Path) -> str | None:
    """Repair what an interrupted publish left; returns what was done, if anything."""
    done = None
    old, staging = old_path(out_dir), staging_path(out_dir)
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)
        done = "removed an unfinished staging folder"
    if old.exists():
        if out_dir.exists():
            shutil.rmtree(old, ignore_errors=True)
            done = "removed the previous output left by an interrupted publish"
        else:
            os.rename(old, out_dir)
            done = f"restored the previous {out_dir.name}/ after an interrupted publish"
    return done


def safe_relative(prefix: str, *parts: str) -> PurePosixPath:
    """A path relative to the output folder; refuses absolute paths and '..' whatever produced it."""
    joined = PurePosixPath(prefix.strip("/"), *parts)
    if joined.is_absolute() or any(p in ("..", "") for p in joined.parts) or not joined.parts:
        raise ConfigError(f"output path '{joined}' would leave the output folder", "this is a bug in a render task")
    return joined


def layout(tasks: list[Task], results: dict[str, TaskResult]) -> dict[str, Path]:
    """Every published file: its path in the output folder -> the finished file in the cache."""
    files: dict[str, Path] = {}
    for task in tasks:
        if task.publish_to is None:
            continue
        folder = results[task.id].folder
        for source in sorted(folder.rglob("*")):
            if source.is_dir():
                continue
            rel = safe_relative(task.publish_to, *source.relative_to(folder).parts).as_posix()
            if rel in files:
                raise ConfigError(f"two tasks publish {rel}", "this is a bug in a render task")
            files[rel] = source
    return files


def check_out_dir(out_dir: Path, project_root: Path, ours: bool) -> None:
    """Refuse an output folder that would swallow the project or someone else's files."""
    out, root = out_dir.resolve(), project_root.resolve()
    if out == root or out in root.parents:
        raise ConfigError(f"the output folder {out_dir} holds the project itself", "choose a folder such as dist/")
    if out.exists() and not out.is_dir():
        raise ConfigError(f"the output folder {out_dir} is a file", "choose a folder such as dist/")
    if out.is_dir() and not ours and any(out.iterdir()) and not (out / "manifest.json").is_file():
        raise ConfigError(
            f"the output folder {out_dir} holds files filmpipe did not write",
            "choose an empty or new folder with -o, or remove that folder first",
        )


def is_current(out_dir: Path, files: dict[str, Path]) -> bool:
    """True when the output folder already holds exactly these files (same inodes: our links)."""
    if not out_dir.is_dir():
        return False
    for rel, source in files.items():
        try:
            a, b = (out_dir / rel).stat(), source.stat()
        except OSError:
            return False
        if (a.st_ino, a.st_dev) != (b.st_ino, b.st_dev):
            return False
    return True


def _place(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, dest)
    except OSError:
        shutil.copy2(source, dest)


def assemble(staging: Path, files: dict[str, Path]) -> None:
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for rel, source in files.items():
        _place(source, staging / rel)


def verify(staging: Path, context: PlanContext, outputs: dict[str, TaskOutput]) -> None:
    """Probe every published video/audio file: readable, the master's duration, expected streams."""
    expected = master_duration(context.master)
    frame = float(1 / master_fps(context.master))
    for task_id, output in outputs.items():
        for artifact in output.artifacts:
            path = staging / artifact.path
            if not path.is_file():
                raise PublishCheckFailed(
                    f"task {task_id} lists {artifact.path}, which it did not write", "this is a bug in a render task"
                )
            if path.suffix.lower() in VIDEO_SUFFIXES:
                _check_media(path, artifact, expected, frame, context)


def _check_media(path: Path, artifact: Artifact, expected: float, frame: float, context: PlanContext) -> None:
    data = ffmpeg.probe(path)
    streams = data.get("streams", [])
    fail = lambda what: PublishCheckFailed(  # noqa: E731
        f"{artifact.path} {what}", "run the build again with --force; if it persists, run with --debug"
    )
    try:
        duration = float(data.get("format", {}).get("duration"))
    except (TypeError, ValueError):
        raise fail("has no duration") from None
    if abs(duration - expected) > frame + 1e-3:
        raise fail(f"lasts {duration:.3f} s but the master lasts {expected:.3f} s (more than one frame apart)")
    for stream in streams:  # every stream, not only the container: a short video hides behind its audio
        try:
            seconds = float(stream["duration"])
        except (KeyError, TypeError, ValueError):
            continue
        if stream.get("codec_type") in ("video", "audio") and abs(seconds - expected) > frame + 1e-3:
            raise fail(f"has a {stream['codec_type']} stream of {seconds:.3f} s but the master lasts {expected:.3f} s")
    videos = [s for s in streams if s.get("codec_type") == "video"]
    audios = [s for s in streams if s.get("codec_type") == "audio"]
    if artifact.kind in ("progressive", "open-captions"):
        if len(videos) != 1 or videos[0].get("codec_name") != "h264":
            raise fail("does not hold exactly one H.264 video stream")
        if len(audios) != 1 or audios[0].get("codec_name") != "aac":
            raise fail("does not hold exactly one AAC audio stream")
        if artifact.height and int(videos[0].get("height", 0)) != artifact.height:
            raise fail(f"is {videos[0].get('height')} pixels high, not {artifact.height}")
        if artifact.language:
            try:
                want = context.project.language(artifact.language).profile.iso639_2
            except KeyError:
                want = None
            got = (audios[0].get("tags") or {}).get("language")
            if want and got != want:
                raise fail(f"has audio language tag '{got}', not '{want}'")
    elif artifact.mime_type.startswith("video/") and not videos:
        raise fail("has no video stream")
    elif artifact.mime_type.startswith("audio/") and not audios:
        raise fail("has no audio stream")


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM for the few microseconds of the swap (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for s in previous:
        signal.signal(s, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if received:
            os.kill(os.getpid(), received[0])


def swap(staging: Path, out_dir: Path) -> None:
    old = old_path(out_dir)
    if old.exists():
        shutil.rmtree(old)
    with _signals_deferred():
        if out_dir.exists():
            os.rename(out_dir, old)
        os.rename(staging, out_dir)
    shutil.rmtree(old, ignore_errors=True)


def publish(
    out_dir: Path,
    tasks: list[Task],
    results: dict[str, TaskResult],
    context: PlanContext,
    build: BuildInfo,
    report: Report,
) -> Path:
    """Stage, write the site, verify, swap. On any failure the output folder is left as it was."""
    files = layout(tasks, results)
    staging = staging_path(out_dir)
    try:
        assemble(staging, files)
        outputs = {task_id: result.output for task_id, result in results.items()}
        from pipeline.publish.site import write_site

        write_site(staging, context, outputs, build, report)
        verify(staging, context, outputs)
        swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir
