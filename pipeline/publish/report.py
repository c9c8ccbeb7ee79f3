"""dist/report.html: the QC report communications staff read before publishing.

Findings by language, each language's measured loudness against the target, every rendition
with its size, and the burned-in caption frames (qc/*.png) to eyeball shaping and fonts.
It lives in the QC folder beside dist/ (`dist-qc/`); its links into dist/ start with `dist_href`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.captions.style import contrast
from pipeline.engine.model import Artifact
from pipeline.findings import SEVERITIES, Finding, Report
from pipeline.project import Project
from pipeline.publish.accessibility import LanguageStanding
from pipeline.publish.preview import environment
from pipeline.publish.social import fit_table
from pipeline.social.layout import VIDEO_KINDS

LOUDNESS_TOLERANCE_LU = 1.0  # EBU R128: ±1 LU around the target is on target for short-form
TRUE_PEAK_TOLERANCE_DB = 0.1  # rounding of the measurement


@dataclass(frozen=True)
class LanguageSection:
    code: str
    name: str
    native_name: str
    direction: str
    findings: tuple[Finding, ...]
    audio: dict[str, Any]
    loudness_ok: bool
    peak_ok: bool
    renditions: tuple[dict[str, Any], ...]
    subtitles: dict[str, Any] | None
    frames: tuple[Artifact, ...]


def _sort_key(f: Finding) -> tuple:
    return (
        SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 9,
        f.file or "",
        f.line or 0,
        f.cue or 0,
        f.code,
    )


def report_context(
    manifest: dict[str, Any],
    report: Report,
    project: Project,
    qc_frames: list[Artifact],
    dist_href: str = "",
) -> dict[str, Any]:
    target_lufs = project.output.loudness_lufs
    target_tp = project.output.true_peak_dbtp
    codes = [l["code"] for l in manifest["languages"]]
    sections = []
    for lang in manifest["languages"]:
        audio = lang["audio"]
        sections.append(
            LanguageSection(
                code=lang["code"],
                name=lang["name"],
                native_name=lang["nativeName"],
                direction=lang["direction"],
                findings=tuple(sorted((f for f in report.findings if f.language == lang["code"]), key=_sort_key)),
                audio=audio,
                loudness_ok=audio["integratedLufs"] is None
                or abs(audio["integratedLufs"] - target_lufs) <= LOUDNESS_TOLERANCE_LU,
                peak_ok=audio["truePeakDbtp"] is None or audio["truePeakDbtp"] <= target_tp + TRUE_PEAK_TOLERANCE_DB,
                renditions=tuple(lang["renditions"]),
                subtitles=lang.get("subtitles"),
                frames=tuple(
                    sorted(
                        (a for a in qc_frames if a.language == lang["code"] and not a.extra.get("social")),
                        key=lambda a: a.path,
                    )
                ),
            )
        )
    general = tuple(sorted((f for f in report.findings if f.language not in codes), key=_sort_key))
    unassigned = tuple(sorted((a for a in qc_frames if a.language not in codes), key=lambda a: a.path))
    return {
        "manifest": manifest,
        "counts": {s: report.count(s) for s in SEVERITIES},
        "general": general,
        "sections": sections,
        "unassigned_frames": unassigned,
        "captions_style": project.captions.style,
        "captions_contrast": contrast(project.captions).sentence(),
        "target_lufs": target_lufs,
        "target_tp": target_tp,
        "tolerance_lu": LOUDNESS_TOLERANCE_LU,
        "dist": dist_href,
        "social": fit_table(manifest),
        "social_frames": {
            code: sorted((a for a in qc_frames if a.language == code and a.extra.get("social")), key=_shape_order)
            for code in codes
        },
    }


def _shape_order(a: Artifact) -> tuple:
    shape = a.extra.get("shape", "")
    return (VIDEO_KINDS.index(shape) if shape in VIDEO_KINDS else len(VIDEO_KINDS), a.path)


def render_report(
    manifest: dict[str, Any],
    report: Report,
    project: Project,
    qc_frames: list[Artifact],
    accessibility: list[LanguageStanding] | None = None,
    dist_href: str = "",
    *,
    shapes: dict[str, dict[str, Any]] | None = None,
    shape_pictures: list[Artifact] | None = None,
) -> str:
    """report.html (in the QC folder beside dist/, `dist-qc/`) as text.

    `accessibility`: each language's WCAG standing (publish/accessibility.py); `dist_href` leads
    from the report to dist/, e.g. "../dist/".
    """
    context = report_context(manifest, report, project, qc_frames, dist_href)
    pictures: dict[str, list[Artifact]] = {}
    for picture in shape_pictures or []:
        pictures.setdefault(picture.language or "", []).append(picture)
    return (
        environment()
        .get_template("report.html")
        .render(
            **context,
            accessibility=accessibility or [],
            shapes=shapes or {},
            shape_pictures=pictures,
            shapes_unchecked=not shapes and any(not a.extra.get("social") for a in qc_frames),
        )
    )
