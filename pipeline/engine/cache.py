"""The task cache: what a task's identity is, whether its output is already made, and why not.

A task's key is the sha256 of its input files' contents, its settings (JSON, sorted keys),
the tool versions and its dependencies' keys. Input files are hashed through a stat cache:
an unchanged mtime and size reuse the recorded hash, anything else re-reads the content, so
touching a file without changing it does not re-render anything.

Finished outputs live content-addressed under `<project>/.filmpipe-cache/tasks/<key>/`
(`out/` plus `output.json`: the TaskOutput and the size and sha256 of every file in `out/`).
A task is built in `tmp/` and renamed into place only when it succeeded, so a failed or
interrupted task leaves no entry. An entry is trusted only while its files still have the
recorded sizes and hashes (nothing missing, nothing added): a truncated, replaced or edited
cache file makes its task run again, with the reason said, and is never published. Per task
id, `state/` records what the last successful run saw, which is how a dry run can say *why*
something would run: `new`, `input changed: subtitles/pl.srt`, `settings changed`, ...

Every JSON file read back here is checked for shape (stored.py): a damaged or foreign one
counts as missing, so the work is redone rather than a traceback shown.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline.engine import stored
from pipeline.engine.model import Task, TaskOutput
from pipeline.errors import EnvironmentProblem
from pipeline.hashing import sha256_file

CACHE_DIR = ".filmpipe-cache"
UP_TO_DATE = "up to date"
DAMAGED = "cached output damaged"
_sha256_file = sha256_file


def _json_hash(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _safe_name(task_id: str) -> str:
    """A task id as one file name: 'progressive/pl/720' -> 'progressive~pl~720'."""
    return re.sub(r"[^A-Za-z0-9._-]", "~", task_id)


@dataclass(frozen=True)
class TaskKey:
    key: str
    inputs: dict[str, str]  # input name (relative to the project) -> content sha256
    settings: str  # sha256 of the settings JSON
    tool: str
    deps: dict[str, str]  # dependency id -> its key


@dataclass(frozen=True)
class Status:
    runs: bool
    reason: str  # "up to date", "new", "input changed: subtitles/pl.srt", ...


@dataclass(frozen=True)
class FileRecord:
    bytes: int
    sha256: str


@dataclass(frozen=True)
class CacheEntry:
    folder: Path  # the task's finished output folder (read it, never write it)
    output: TaskOutput
    files: dict[str, FileRecord]  # every file in `folder` (relative, forward slashes) as recorded


def output_to_json(output: TaskOutput, files: dict[str, FileRecord] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"artifacts": [asdict(a) for a in output.artifacts], "meta": output.meta}
    if files is not None:
        data["files"] = {name: asdict(record) for name, record in sorted(files.items())}
    return data


def output_from_json(data: Any) -> TaskOutput:
    """A TaskOutput from its JSON; ValueError when the JSON does not have the expected shape."""
    if not isinstance(data, dict):
        raise ValueError("not an object")
    artifacts = data.get("artifacts", [])
    meta = data.get("meta", {})
    if not isinstance(artifacts, list) or not isinstance(meta, dict):
        raise ValueError("artifacts or meta of the wrong type")
    return TaskOutput(artifacts=tuple(stored.artifact(a) for a in artifacts), meta=meta)


def files_from_json(data: Any) -> dict[str, FileRecord]:
    """The recorded files of an entry; ValueError when missing or of the wrong shape."""
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise ValueError("no recorded files")
    records = {}
    for name, record in files.items():
        if not (
            isinstance(record, dict)
            and stored.is_count(record.get("bytes"))
            and stored.is_sha256(record.get("sha256"))
            and stored.is_relative_name(name)
        ):
            raise ValueError(f"a bad record for {name!r}")
        records[name] = FileRecord(bytes=record["bytes"], sha256=record["sha256"])
    return records


def record_files(folder: Path) -> dict[str, FileRecord]:
    """Size and sha256 of every file under `folder` (relative names with forward slashes)."""
    records = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            records[path.relative_to(folder).as_posix()] = FileRecord(path.stat().st_size, sha256_file(path))
    return records


def damage(folder: Path, files: dict[str, FileRecord]) -> str | None:
    """What differs between a cached output folder and its record; None when it all matches.

    Sizes first (cheap), then every file's sha256; a file the record does not name counts too,
    since everything in the folder is published.
    """
    if not folder.is_dir():
        return "its folder is missing"
    present = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if not p.is_dir()}
    for name in sorted(files):
        path = present.get(name)
        if path is None or not path.is_file():
            return f"{name} is missing"
        if path.stat().st_size != files[name].bytes:
            return f"{name} has changed size"
    extra = sorted(set(present) - set(files))
    if extra:
        return f"{extra[0]} was added"
    for name in sorted(files):
        if sha256_file(present[name]) != files[name].sha256:
            return f"{name} has changed"
    return None


class Cache:
    """One project's task cache (`<project>/.filmpipe-cache`)."""

    def __init__(self, root: Path, project_root: Path, tool: str) -> None:
        self.root = root
        self.project_root = project_root
        self.tool = tool
        self.tasks_dir = root / "tasks"
        # A cache shared by several films (--cache-dir) keeps each film's last states apart:
        # task ids repeat across films ("ladder"), keys do not need to.
        own = root.absolute() == (project_root / CACHE_DIR).absolute()
        film = hashlib.sha256(os.fspath(project_root.absolute()).encode()).hexdigest()[:16]
        self.state_dir = root / "state" if own else root / "state" / film
        self.tmp_dir = root / "tmp"
        self._stat_file = root / "stat.json"
        self._stats: dict[str, list] | None = None
        self._stats_dirty = False
        self._use_fd: int | None = None
        self._trust: dict[str, CacheEntry | str] = {}  # key -> the verified entry, or what is wrong

    # -- input hashing --------------------------------------------------------------------

    def _load_stats(self) -> dict[str, list]:
        if self._stats is None:
            data = stored.read_json(self._stat_file)
            self._stats = {
                name: known
                for name, known in (data.items() if isinstance(data, dict) else ())
                if isinstance(known, list)
                and len(known) == 3
                and stored.is_count(known[0])
                and stored.is_count(known[1])
                and stored.is_sha256(known[2])
            }
        return self._stats

    def file_hash(self, path: Path) -> str:
        """Content sha256 of a file; mtime and size first, so an untouched file is not re-read."""
        stats = self._load_stats()
        st = path.stat()
        name = os.fspath(path.resolve())
        known = stats.get(name)
        if known and known[0] == st.st_mtime_ns and known[1] == st.st_size:
            return known[2]
        digest = _sha256_file(path)
        stats[name] = [st.st_mtime_ns, st.st_size, digest]
        self._stats_dirty = True
        return digest

    def save_stats(self) -> None:
        if not self._stats_dirty or self._stats is None:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        stored.write_json(self._stat_file, self._stats)
        self._stats_dirty = False

    def check_usable(self) -> None:
        """Refuse, in one sentence naming the path, a cache that cannot hold anything."""
        if self.root.exists() and not self.root.is_dir():
            raise EnvironmentProblem(
                f"{self.root} is a file, but filmpipe keeps its cache in a folder of that name",
                f"move or delete the file {self.root.name}; the cache is made again",
            )
        for folder in (self.root, self.tasks_dir, self.state_dir, self.tmp_dir):
            if folder.exists() and not folder.is_dir():
                raise EnvironmentProblem(
                    f"{folder} is a file, but filmpipe keeps part of its cache in a folder of that name",
                    f"delete {self.root} (only a cache: it is made again)",
                )
        try:
            for folder in (self.tasks_dir, self.state_dir, self.tmp_dir):
                folder.mkdir(parents=True, exist_ok=True)
            probe = self.tmp_dir / f"write-test.{os.getpid()}.{uuid.uuid4().hex[:8]}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as err:
            where = err.filename or self.root
            raise EnvironmentProblem(
                f"cannot write the cache folder {where}: {err.strerror or err}",
                "run the build as a user who may write in the project folder, or copy the project to a folder you own",
            ) from None

    def changed_since_keyed(self, paths: tuple[Path, ...]) -> list[str]:
        """Inputs whose mtime or size differs from when the keys were computed (changed mid-build)."""
        stats = self._load_stats()
        changed = []
        for path in paths:
            known = stats.get(os.fspath(path.resolve()))
            try:
                st = path.stat()
            except OSError:
                changed.append(self.input_name(path))
                continue
            if not known or known[0] != st.st_mtime_ns or known[1] != st.st_size:
                changed.append(self.input_name(path))
        return changed

    def input_name(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.project_root.resolve()).as_posix()
        except ValueError:
            return os.fspath(path.resolve())

    # -- keys and reasons -----------------------------------------------------------------

    def keys(self, tasks: list[Task]) -> dict[str, TaskKey]:
        """Every task's key, in dependency order (a task's key includes its deps' keys)."""
        keys: dict[str, TaskKey] = {}
        for task in tasks:
            inputs = {self.input_name(p): self.file_hash(p) for p in task.inputs}
            settings = _json_hash(task.settings)
            deps = {d: keys[d].key for d in task.deps}
            key = _json_hash({"id": task.id, "inputs": inputs, "settings": settings, "tool": self.tool, "deps": deps})
            keys[task.id] = TaskKey(key=key, inputs=inputs, settings=settings, tool=self.tool, deps=deps)
        self.save_stats()
        return keys

    def statuses(self, tasks: list[Task], keys: dict[str, TaskKey], force: bool = False) -> dict[str, Status]:
        """Whether each task runs and why, from its key, its cache entry and its last state."""
        result: dict[str, Status] = {}
        for task in tasks:
            tk = keys[task.id]
            if force:
                result[task.id] = Status(True, "forced (--force)")
                continue
            trusted = self.trusted(tk.key)
            if isinstance(trusted, CacheEntry):
                result[task.id] = Status(False, UP_TO_DATE)
            elif self.entry_dir(tk.key).exists():
                result[task.id] = Status(True, f"{DAMAGED} ({trusted}): made again")
            else:
                result[task.id] = Status(True, self._reason(task, tk, result))
        return result

    def _reason(self, task: Task, tk: TaskKey, earlier: dict[str, Status]) -> str:
        last = self._read_state(task.id)
        if last is None:
            return "new"
        if last.get("key") == tk.key:
            return "output missing"
        old_inputs: dict[str, str] = last.get("inputs", {})
        changed = [name for name, digest in tk.inputs.items() if old_inputs.get(name) != digest]
        changed += [name for name in old_inputs if name not in tk.inputs]
        if changed:
            return "input changed: " + ", ".join(changed)
        if last.get("settings") != tk.settings:
            return "settings changed"
        if last.get("tool") != tk.tool:
            return "tool version changed"
        old_deps: dict[str, str] = last.get("deps", {})
        for dep, key in tk.deps.items():
            if old_deps.get(dep) != key:
                dep_reason = earlier[dep].reason if dep in earlier else ""
                if dep_reason.startswith("input changed: ") and "(via " not in dep_reason:
                    return f"{dep_reason} (via {dep})"
                return f"dependency changed: {dep}"
        return "output missing"

    def _state_file(self, task_id: str) -> Path:
        return self.state_dir / f"{_safe_name(task_id)}.json"

    def _read_state(self, task_id: str) -> dict[str, Any] | None:
        data = stored.read_json(self._state_file(task_id))
        return data if stored.is_state(data) else None

    def record(self, task_id: str, tk: TaskKey) -> None:
        """Remember what this task's latest successful run (or reuse) saw."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        stored.write_json(self._state_file(task_id), asdict(tk) | {"id": task_id})

    # -- entries --------------------------------------------------------------------------

    def entry_dir(self, key: str) -> Path:
        return self.tasks_dir / key

    def entry_exists(self, key: str) -> bool:
        return (self.entry_dir(key) / "output.json").is_file()

    def trusted(self, key: str, *, again: bool = False) -> CacheEntry | str:
        """The entry when its record is sound and every file matches it; else what is wrong.

        Checked once per key and build (hashing reads every cached file); `again` re-checks.
        """
        if again or key not in self._trust:
            self._trust[key] = self._check(key)
        return self._trust[key]

    def _check(self, key: str) -> CacheEntry | str:
        folder = self.entry_dir(key)
        data = stored.read_json(folder / "output.json")
        if data is None:
            return "output.json is missing or unreadable"
        try:
            output = output_from_json(data)
            files = files_from_json(data)
        except (ValueError, TypeError) as err:
            return f"output.json is damaged: {err}"
        problem = damage(folder / "out", files)
        if problem:
            return problem
        return CacheEntry(folder=folder / "out", output=output, files=files)

    def load(self, key: str) -> CacheEntry:
        """A trusted entry (statuses() said it is up to date); ValueError if it is not."""
        trusted = self.trusted(key)
        if not isinstance(trusted, CacheEntry):
            raise ValueError(f"cache entry {key[:12]} is not usable: {trusted}")
        return trusted

    def begin(self, task_id: str) -> Path:
        """A fresh work folder for one task run; its `out/` is the task's empty output folder."""
        work = self.tmp_dir / f"{_safe_name(task_id)}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        (work / "out").mkdir(parents=True)
        return work

    def commit(self, task_id: str, tk: TaskKey, work: Path, output: TaskOutput) -> CacheEntry:
        """Move a successful run's folder into the cache under its key, with its files' hashes.

        A sound entry made meanwhile by another build is kept; a damaged one (the reason this
        task ran, or --force) is moved aside and replaced.
        """
        files = record_files(work / "out")
        stored.write_json(work / "output.json", output_to_json(output, files))
        self.tasks_dir.mkdir(parents=True, exist_ok=True)
        target = self.entry_dir(tk.key)
        kept = self.trusted(tk.key, again=True) if target.exists() else None
        if isinstance(kept, CacheEntry):
            shutil.rmtree(work, ignore_errors=True)
            entry = kept
        else:
            if target.exists():
                aside = self.tmp_dir / f"damaged.{os.getpid()}.{uuid.uuid4().hex[:8]}"
                os.replace(target, aside)
                shutil.rmtree(aside, ignore_errors=True)
            os.replace(work, target)
            # read back as a reuse would, so a task's dependants see the same types either way
            same = output_from_json(json.loads(json.dumps(output_to_json(output))))
            entry = CacheEntry(folder=target / "out", output=same, files=files)
            self._trust[tk.key] = entry
        self.record(task_id, tk)
        return entry

    @staticmethod
    def discard(work: Path) -> None:
        shutil.rmtree(work, ignore_errors=True)

    def clean_tmp(self) -> None:
        """Remove work folders left by processes that are gone (a crash or a kill -9)."""
        if not self.tmp_dir.is_dir():
            return
        for work in self.tmp_dir.iterdir():
            parts = work.name.split(".")
            pid = int(parts[-2]) if len(parts) >= 3 and parts[-2].isdigit() else None
            if pid is None or (pid != os.getpid() and not _pid_alive(pid)):
                if work.is_dir() and not work.is_symlink():
                    shutil.rmtree(work, ignore_errors=True)
                else:
                    work.unlink(missing_ok=True)

    @contextmanager
    def in_use(self) -> Iterator[Cache]:
        """Hold a shared lock on the cache while a build reads and writes it.

        Several builds of one project (say into dist/ and into a draft folder) may share the
        cache; `prune` runs only when no other build holds it, so it never deletes an entry a
        running build is about to read.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / "in-use.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            self._use_fd = fd
            yield self
        finally:
            self._use_fd = None
            os.close(fd)

    def prune(self) -> int:
        """Delete entries no task's latest state points at; returns how many were removed.

        Inside `in_use()`, only when this is the only build using the cache.
        """
        if not self.tasks_dir.is_dir():
            return 0
        fd = getattr(self, "_use_fd", None)
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return 0  # another build is using the cache: prune another time
        wanted = set()
        if (self.root / "state").is_dir():  # every film's states (a shared --cache-dir holds several)
            for state in (self.root / "state").rglob("*.json"):
                data = stored.read_json(state)
                if stored.is_state(data):
                    wanted.add(data["key"])
        removed = 0
        for entry in self.tasks_dir.iterdir():
            if entry.name not in wanted:
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        return removed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def build_id(keys: dict[str, TaskKey]) -> str:
    """The build's identity: sha256 over every task's key."""
    return _json_hash(sorted((task_id, tk.key) for task_id, tk in keys.items()))
