"""Publish: assemble a staging folder beside dist/, verify it, then swap it into place.

dist/ holds only what goes on the website. The QC report and its caption frames go into a
folder beside it, `<out>-qc/` (`dist-qc/` for `dist/`), staged and swapped the same way, so
uploading dist/ as a whole never publishes them.

Finished task files are copied (reflinked where the file system can share blocks) into
`<out>.staging` under each task's `publish_to` prefix; never hard-linked, so editing a file
in dist/ can never edit the cache. The site (manifest, preview, report) is written there;
every video and audio output is probed. Only then does the swap happen: `out` is renamed to
`<out>.old`, the staging folder to `out`, and the old one deleted. A crash between the two
renames is repaired by `recover()` at the next start, so the output folder is always either
the previous build or the new one, complete.

Media files are published under content-addressed names (`video/en/en-720.<hash>.mp4`,
pipeline/content_names.py): the layout's names are rewritten here, and so is each artifact's
path, so the manifest, the pages and the report all name the published files.

The output folder must be new, empty or a dist filmpipe published (its manifest.json says
so): a folder holding anyone else's files is refused, never emptied.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path, PurePosixPath

from pipeline import ffmpeg
from pipeline.content_names import hashed_file_name, is_media_name
from pipeline.engine.model import Artifact, BuildInfo, PlanContext, Task, TaskOutput
from pipeline.engine.runner import TaskResult
from pipeline.errors import ConfigError, FilmpipeError
from pipeline.findings import Report
from pipeline.hashing import sha256_file
from pipeline.render.common import master_duration, master_fps

VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".m4a")
MANIFEST = "manifest.json"
STAGING_MARK = ".filmpipe-staging"  # in a staging folder until just before the swap
FICLONE = 0x40049409  # ioctl: share the source's blocks (btrfs, XFS, bcachefs)
HLS_PREFIX = "hls/"  # the HLS task content-addresses its own rendition folders
QC_PREFIX = "qc/"  # tasks publishing here (caption frames) go to the QC folder, not dist/
QC_NAMES = frozenset({"report.html", "qc", STAGING_MARK})  # all a QC folder filmpipe wrote holds


class PublishCheckFailed(FilmpipeError):
    """An output failed its check after rendering; nothing was published."""

    exit_code = 3


def staging_path(out_dir: Path) -> Path:
    return out_dir.parent / f"{out_dir.name}.staging"


def old_path(out_dir: Path) -> Path:
    return out_dir.parent / f"{out_dir.name}.old"


def qc_dir(out_dir: Path) -> Path:
    """The QC folder beside the output folder: `dist-qc/` for `dist/` (report.html, qc/*.png)."""
    return out_dir.parent / f"{out_dir.name}-qc"


def split_files(files: dict[str, Path]) -> tuple[dict[str, Path], dict[str, Path]]:
    """(files for the website, files for the QC folder): caption frames are not for the website."""
    site = {rel: src for rel, src in files.items() if not rel.startswith(QC_PREFIX)}
    qc = {rel: src for rel, src in files.items() if rel.startswith(QC_PREFIX)}
    return site, qc


def is_qc_folder(folder: Path) -> bool:
    """True for a folder holding nothing but what filmpipe writes into the QC folder."""
    try:
        return folder.is_dir() and all(p.name in QC_NAMES for p in folder.iterdir())
    except OSError:
        return False


def is_filmpipe_dist(folder: Path) -> bool:
    """True when `folder` holds a manifest.json that filmpipe wrote (its build.tool says so)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    build = data.get("build") if isinstance(data, dict) else None
    return (
        isinstance(build, dict)
        and isinstance(build.get("tool"), str)
        and build["tool"].startswith("filmpipe ")
        and isinstance(data.get("schemaVersion"), int)
    )


def _is_empty_dir(folder: Path) -> bool:
    try:
        return folder.is_dir() and not any(folder.iterdir())
    except OSError:
        return False


def ours(folder: Path, known: dict[str, list[int]] | None = None) -> bool:
    """A folder filmpipe may delete: empty, a staging folder it made, a dist it published
    (every file one the cache remembers publishing, or, unremembered, its manifest)."""
    if _is_empty_dir(folder) or (folder / STAGING_MARK).is_file():
        return True
    if known is not None and folder.is_dir() and not foreign_files(folder, known):
        return True
    return is_filmpipe_dist(folder)


def recover(out_dir: Path, known: dict[str, list[int]] | None = None) -> str | None:
    """Repair what an interrupted publish left; returns what was done, if anything."""
    done = _recover_one(out_dir, lambda folder: ours(folder, known))
    _recover_one(qc_dir(out_dir), is_qc_folder)
    return done


def _recover_one(out_dir: Path, mine: Callable[[Path], bool]) -> str | None:
    done = None
    old, staging = old_path(out_dir), staging_path(out_dir)
    if staging.exists() and mine(staging):
        shutil.rmtree(staging, ignore_errors=True)
        done = "removed an unfinished staging folder"
    if old.exists() and mine(old):
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


def content_names(files: dict[str, Path]) -> dict[str, str]:
    """{published path: its content-addressed path} for every media file (content_names.py).

    Files under hls/ are left alone: the HLS task names its rendition folders by their content
    itself, and its master playlist is an entry point. Pages and lists keep fixed names too.
    """
    renames = {}
    for rel, source in sorted(files.items()):
        folder, _, name = rel.rpartition("/")
        if rel.startswith(HLS_PREFIX) or not is_media_name(name):
            continue
        hashed = hashed_file_name(name, sha256_file(source))
        renames[rel] = f"{folder}/{hashed}" if folder else hashed
    return renames


def renamed_outputs(outputs: dict[str, TaskOutput], renames: dict[str, str]) -> dict[str, TaskOutput]:
    """The task outputs with each artifact's path as published (its content-addressed name)."""
    return {
        task_id: replace(
            output, artifacts=tuple(replace(a, path=renames.get(a.path, a.path)) for a in output.artifacts)
        )
        for task_id, output in outputs.items()
    }


def check_out_dir(out_dir: Path, project_root: Path, known: dict[str, list[int]] | None = None) -> None:
    """Refuse an output folder that would swallow the project or someone else's files.

    The folder must be new, empty or a previous filmpipe dist: one whose files are all among
    those the cache remembers publishing there (`known`), or, when the cache does not remember
    it, one holding a manifest.json that filmpipe wrote. The two folders a publish makes
    beside it (`<out>.staging`, `<out>.old`) must be absent or filmpipe's own.
    """
    out, root = out_dir.resolve(), project_root.resolve()
    if out == root or out in root.parents:
        raise ConfigError(f"the output folder {out_dir} holds the project itself", "choose a folder such as dist/")
    if out.exists() and not out.is_dir():
        raise ConfigError(f"the output folder {out_dir} is a file", "choose a folder such as dist/")
    if out.is_dir() and not _is_empty_dir(out):
        if known is not None:
            foreign = foreign_files(out, known)
            if foreign:
                raise ConfigError(
                    f"{out_dir / foreign[0]} was not written by filmpipe"
                    + (f" (nor {len(foreign) - 1} other file(s) there)" if len(foreign) > 1 else "")
                    + f", and a build replaces the whole of {out_dir.name}/",
                    "move the files you added elsewhere (a web site's own pages belong outside the output folder)",
                )
        elif not is_filmpipe_dist(out):
            sample = next((p.name for p in sorted(out.iterdir())), "")
            raise ConfigError(
                f"the output folder {out_dir} holds files filmpipe did not write (such as {sample}), "
                "and a build replaces the whole folder",
                "choose a new or empty folder with -o, or move that folder's files elsewhere first",
            )
    for beside in (staging_path(out_dir), old_path(out_dir)):
        if beside.exists() and not (beside.is_dir() and ours(beside, known)):
            raise ConfigError(
                f"{beside} is in the way: a build uses that name beside {out_dir.name}/ and it holds files "
                "filmpipe did not write",
                "rename or move it, or choose another output folder with -o",
            )
    qc = qc_dir(out_dir)
    for beside in (qc, staging_path(qc), old_path(qc)):
        if beside.exists() and not is_qc_folder(beside):
            raise ConfigError(
                f"{beside} is in the way: a build writes the QC report there, beside {out_dir.name}/, and it "
                "holds files filmpipe did not write",
                "rename or move it, or choose another output folder with -o",
            )


def foreign_files(out_dir: Path, known: dict[str, list[int]]) -> list[str]:
    """Files in the output folder that no publish of filmpipe put there (someone added them)."""
    present = [p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if not p.is_dir()]
    return sorted(name for name in present if name not in known)


def inventory(out_dir: Path) -> dict[str, list[int]]:
    """[size, mtime_ns, inode] of every file in a just-published output folder."""
    found = {}
    for path in sorted(out_dir.rglob("*")):
        if not path.is_dir():
            st = path.lstat()
            found[path.relative_to(out_dir).as_posix()] = [st.st_size, st.st_mtime_ns, st.st_ino]
    return found


def is_current(out_dir: Path, recorded: dict[str, list[int]] | None) -> bool:
    """True when the output folder holds exactly the files its last publish wrote, untouched.

    Size, modification time and inode of every file, against what the publish recorded: a
    file edited, appended to, replaced, removed or added by hand makes the folder not current,
    so the next build publishes it again from the (verified) cache.
    """
    if recorded is None or not out_dir.is_dir():
        return False
    try:
        return inventory(out_dir) == recorded
    except OSError:
        return False


def copy_file(source: Path, dest: Path) -> None:
    """A copy of `source` at `dest`: a reflink where possible, else copy_file_range, else read/write.

    Never a hard link: the published file must not share an inode with the cache.
    """
    with open(source, "rb") as src, open(dest, "xb") as dst:
        try:
            fcntl.ioctl(dst.fileno(), FICLONE, src.fileno())
            return
        except OSError:
            pass
        size = os.fstat(src.fileno()).st_size
        copied = 0
        try:
            while copied < size:
                n = os.copy_file_range(src.fileno(), dst.fileno(), size - copied)
                if n == 0:
                    break
                copied += n
        except OSError as err:
            if err.errno not in (errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL, errno.EBADF):
                raise
        if copied < size:
            src.seek(copied)
            dst.seek(copied)
            dst.truncate(copied)
            shutil.copyfileobj(src, dst, 1 << 20)


def _place(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    copy_file(source, dest)


def assemble(staging: Path, files: dict[str, Path]) -> None:
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    (staging / STAGING_MARK).write_bytes(b"")
    for rel, source in files.items():
        _place(source, staging / rel)


def verify(staging: Path, context: PlanContext, outputs: dict[str, TaskOutput], qc_staging: Path | None = None) -> None:
    """Probe every published video/audio file: readable, the master's duration, expected streams."""
    expected = master_duration(context.master)
    frame = float(1 / master_fps(context.master))
    for task_id, output in outputs.items():
        for artifact in output.artifacts:
            home = qc_staging if qc_staging is not None and artifact.path.startswith(QC_PREFIX) else staging
            path = home / artifact.path
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
    before_swap: Callable[[Path], None] | None = None,
) -> Path:
    """Stage, write the site, verify, swap. On any failure the output folder is left as it was.

    `before_swap(staging)` runs once the staging folder is complete (to remember its files).
    The QC folder is swapped right after dist/: both come from the same build, except after a
    crash between the two swaps, when the next build replaces the QC folder.
    """
    site_files, qc_files = split_files(layout(tasks, results))
    renames = content_names(site_files)
    site_files = {renames.get(rel, rel): source for rel, source in site_files.items()}
    staging = staging_path(out_dir)
    qc_out = qc_dir(out_dir)
    qc_staging = staging_path(qc_out)
    try:
        assemble(staging, site_files)
        assemble(qc_staging, qc_files)
        outputs = renamed_outputs({task_id: result.output for task_id, result in results.items()}, renames)
        from pipeline.publish.site import write_site

        write_site(staging, context, outputs, build, report, qc_staging=qc_staging, dist_href=f"../{out_dir.name}/")
        verify(staging, context, outputs, qc_staging)
        (staging / STAGING_MARK).unlink()
        (qc_staging / STAGING_MARK).unlink()
        if before_swap is not None:
            before_swap(staging)
        swap(staging, out_dir)
        swap(qc_staging, qc_out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(qc_staging, ignore_errors=True)
        raise
    return out_dir
