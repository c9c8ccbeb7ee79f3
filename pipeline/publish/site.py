"""Writes the web team's files into the staging folder. (Placeholder until the manifest work lands.)"""

from __future__ import annotations

from pathlib import Path

from pipeline.build.model import BuildInfo, PlanContext, TaskOutput
from pipeline.validate.findings import Report


def write_site(
    staging: Path,
    context: PlanContext,
    outputs: dict[str, TaskOutput],
    build: BuildInfo,
    report: Report,
) -> None:
    """Write manifest.json, manifest.schema.json, index.html and report.html into `staging`.

    `staging` already holds every published task output under its `publish_to` prefix;
    `outputs` maps task id -> TaskOutput (artifacts with dist-relative paths, and meta).
    """
    raise NotImplementedError("manifest, preview and report are not written yet")
