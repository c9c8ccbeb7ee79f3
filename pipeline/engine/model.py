"""The data every build stage shares: tasks, what a task run sees, and what it returns.

A Task is pure data plus a module-level `action` function. Its identity (the cache key) is
the hash of its input files, its settings, its dependencies' keys and the tool version, so a
changed subtitle file re-runs only the tasks that read it.

Each task writes only into its own empty folder (`TaskRun.out`). When the task has a
`publish_to` prefix, everything in that folder is published under that prefix in dist/
(e.g. "video/pl/" or "hls/"); intermediate tasks (the shared video ladder, normalised audio)
have none and are only read by the tasks that depend on them (`TaskRun.dep_dirs`).

`action` returns a TaskOutput: the published Artifacts (for the manifest) and free-form,
JSON-serialisable `meta` read by dependent tasks (e.g. the ladder's codec strings, an audio
track's measured loudness). Both are stored with the cached output and reused with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.probe import MediaFacts
from pipeline.project import Project


@dataclass(frozen=True)
class Artifact:
    """One published file, as the manifest lists it (bytes and sha256 are added at publish)."""

    kind: str  # "progressive", "open-captions", "subtitles", "poster", "hls", "hls-playlist", ...
    path: str  # relative to dist/, forward slashes, e.g. "video/pl/pl-720.mp4"
    mime_type: str
    language: str | None = None
    width: int | None = None
    height: int | None = None
    codecs: str | None = None  # RFC 6381, from the encoded streams
    bitrate_kbps: int | None = None
    duration_seconds: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. {"cues": 16}


@dataclass(frozen=True)
class TaskOutput:
    artifacts: tuple[Artifact, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanContext:
    """What planning knows: the project, the probed master and the effective settings."""

    project: Project
    master: MediaFacts
    ladder: tuple[int, ...]  # heights actually rendered (rungs above the master dropped; --draft: two)
    progressive: tuple[int, ...]
    open_captions: tuple[int, ...]
    draft: bool = False


@dataclass
class TaskRun:
    """What a task's action sees while it runs."""

    task: Task
    out: Path  # empty folder: write outputs here and nowhere else
    dep_dirs: dict[str, Path]  # finished dependencies' folders, by task id
    dep_meta: dict[str, dict[str, Any]]  # finished dependencies' TaskOutput.meta, by task id
    context: PlanContext
    progress: Callable[[float], None]  # fraction done, 0..1


Action = Callable[[TaskRun], TaskOutput]


@dataclass(frozen=True)
class Task:
    id: str  # stable, path-like: "ladder", "audio/pl", "progressive/pl/720", "vtt/pl", "hls", ...
    title: str  # what the live display shows, e.g. "Encode video ladder 1080/720/480/360"
    action: Action  # a module-level function
    inputs: tuple[Path, ...] = ()  # files whose content matters (hashed)
    settings: dict[str, Any] = field(default_factory=dict)  # JSON-serialisable; part of the key
    deps: tuple[str, ...] = ()  # task ids that must finish first
    publish_to: str | None = None  # dist/ prefix for everything in the task's folder; None: internal
    weight: float = 1.0  # relative cost, for progress and time left (e.g. seconds x pixels)


@dataclass(frozen=True)
class BuildInfo:
    """The build as the manifest describes it."""

    id: str  # sha256 over every task's cache key (inputs, settings, tool version)
    tool: str  # "filmpipe 0.1.0"
    ffmpeg: str  # "5.1.9"
    created_at: str  # ISO 8601 UTC, e.g. "2026-11-26T10:00:00Z"
