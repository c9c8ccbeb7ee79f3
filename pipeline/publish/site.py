"""Writes the web team's files into the staging folder (manifest, its schema, preview page) and
the QC report into the QC folder's staging folder (beside it: report.html is not for the website).

Called by the publish step once every task's output sits in `staging` under its prefix.
The pages are written first and then listed (with their hashes) in the manifest, which is
checked against the shipped schema before it is written, so a dist/ whose manifest breaks
its own contract is never swapped in.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.engine.model import BuildInfo, PlanContext, TaskOutput
from pipeline.findings import Report
from pipeline.publish.accessibility import standing as accessibility_standing
from pipeline.publish.manifest import (
    MANIFEST_NAME,
    SCHEMA_NAME,
    PublishError,
    add_pages,
    build_manifest,
    dumps,
    locale_findings,
    manifest_errors,
    schema_text,
    with_caching,
)
from pipeline.publish.preview import render_index
from pipeline.publish.report import render_report
from pipeline.publish.shapes import shape_findings, shape_results
from pipeline.publish.structured import with_video_objects
from pipeline.publish.transcripts import write_transcripts
from pipeline.render import shape_check

INDEX_NAME = "index.html"
REPORT_NAME = "report.html"
QC_FRAME_KIND = "qc-frame"


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def with_locale_findings(report: Report, context: PlanContext) -> Report:
    """The report plus LOCALE_MISSING for every title/description fallback validation did not already name."""
    have = {(f.code, f.language) for f in report.findings}
    extra = tuple(f for f in locale_findings(context) if (f.code, f.language) not in have)
    return replace(report, findings=report.findings + extra) if extra else report


def write_site(
    staging: Path,
    context: PlanContext,
    outputs: dict[str, TaskOutput],
    build: BuildInfo,
    report: Report,
    *,
    qc_staging: Path | None = None,
    dist_href: str | None = None,
) -> None:
    """Write manifest.json, manifest.schema.json and index.html into `staging`, report.html into `qc_staging`.

    `qc_staging` (default: `<staging>-qc` beside it) already holds the caption frames under
    qc/; `dist_href` is how the report reaches dist/ from there (default `../<staging name>/`).

    `staging` already holds every published task output under its `publish_to` prefix;
    `outputs` maps task id -> TaskOutput (artifacts with dist-relative paths, and meta).
    Also writes the HLS tree's SHA256SUMS (listed in the manifest). Raises PublishError when
    an artifact is missing or the manifest would not match its schema.
    """
    manifest = build_manifest(staging, context, outputs, build)
    manifest = write_transcripts(staging, manifest, context.project)
    manifest = with_video_objects(manifest, staging, context.project.film.upload_date or build.created_at)
    frames = sorted(
        (a for out in outputs.values() for a in out.artifacts if a.kind == QC_FRAME_KIND),
        key=lambda a: a.path,
    )
    qc = qc_staging if qc_staging is not None else staging.with_name(f"{staging.name}-qc")
    qc.mkdir(parents=True, exist_ok=True)
    _write(staging / INDEX_NAME, render_index(manifest, context.project, staging))
    manifest = with_caching(add_pages(manifest, staging, INDEX_NAME))
    full_report = with_locale_findings(report, context)
    shapes = shape_results(outputs)
    full_report = replace(full_report, findings=full_report.findings + shape_findings(shapes))
    pictures = sorted(
        (a for out in outputs.values() for a in out.artifacts if a.kind == shape_check.KIND), key=lambda a: a.path
    )
    href = dist_href if dist_href is not None else f"../{staging.name}/"
    standing = accessibility_standing(staging, manifest, full_report, has_audio=context.master.audio is not None)
    _write(
        qc / REPORT_NAME,
        render_report(
            manifest, full_report, context.project, frames, standing, href, shapes=shapes, shape_pictures=pictures
        ),
    )
    problems = manifest_errors(manifest)
    if problems:
        raise PublishError(
            f"the manifest would break its contract: {problems[0]}",
            "this is a bug in filmpipe's publish step; run with --debug and report it",
        )
    _write(staging / SCHEMA_NAME, schema_text())
    _write(staging / MANIFEST_NAME, dumps(manifest))
