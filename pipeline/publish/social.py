"""The manifest's `languages[].social[]` and the platform-fit table of the QC report.

Each social file of a language is listed with its size and hash from the staging folder and
the platforms it fits, by the dated table in pipeline/social/platforms.py: a cut by its
shape, duration and size; a cover by its cut's shape; the caption file where a caption
file can be uploaded; the post text where its length (as that platform counts it) is within
the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.social.layout import VIDEO_KINDS
from pipeline.social.platforms import CHECKED_ON, FITS, PLATFORMS, TOO_LONG, clock, fitting, verdict

KIND_ORDER = (*VIDEO_KINDS, "captions-file", "cover", "post-text")
SECONDS_PLACES = 3


def platforms_for(entry: dict[str, Any]) -> list[str]:
    """The platforms a listed social file fits (what `platforms` says, and what verify re-checks)."""
    kind = entry["kind"]
    if kind in VIDEO_KINDS:
        return fitting(kind, seconds=float(entry.get("durationSeconds", 0)), size=int(entry["bytes"]))
    if kind == "cover":
        return fitting("cover", shape=entry.get("shape"))
    if kind == "post-text":
        return fitting("post-text", post_lengths=entry.get("characters", {}))
    return fitting(kind)


def _order(artifact: Any) -> tuple:
    kind = artifact.extra.get("socialKind", "")
    shape = artifact.extra.get("shape", "")
    rank = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
    return (rank, VIDEO_KINDS.index(shape) if shape in VIDEO_KINDS else 0, artifact.path)


def social_entries(artifacts: list[Any], file_facts: Any) -> list[dict[str, Any]]:
    """Manifest entries for one language's social artifacts; `file_facts(artifact)` gives bytes and sha256."""
    entries = []
    for a in sorted(artifacts, key=_order):
        kind = a.extra["socialKind"]
        entry: dict[str, Any] = {"kind": kind, "url": a.path, "mimeType": a.mime_type}
        if a.width and a.height:
            entry["width"], entry["height"] = a.width, a.height
        if a.duration_seconds is not None:
            entry["durationSeconds"] = round(float(a.duration_seconds), SECONDS_PLACES)
        if a.codecs:
            entry["codecs"] = a.codecs
        if kind == "cover":
            entry["shape"] = a.extra["shape"]
        if kind == "captions-file":
            entry["locale"] = a.extra["locale"]
            entry["cues"] = int(a.extra["cues"])
        if kind == "post-text":
            entry["characters"] = {k: int(v) for k, v in a.extra["lengths"].items()}
        entry.update(file_facts(a))
        entry["platforms"] = platforms_for(entry)
        entries.append(entry)
    return entries


@dataclass(frozen=True)
class Cell:
    status: str  # FITS, TOO_LONG, TOO_BIG, … (platforms.py)
    file: str | None  # the cut judged (the platform's preferred shape among those made)
    detail: str


def fit_table(manifest: dict[str, Any]) -> dict[str, Any]:
    """Language x platform: does this language's best cut for the platform fit it? For the QC report."""
    rows = []
    for lang in manifest.get("languages", []):
        cuts = {e["kind"]: e for e in lang.get("social", []) if e["kind"] in VIDEO_KINDS}
        if not cuts:
            continue
        post = next((e for e in lang.get("social", []) if e["kind"] == "post-text"), None)
        cells = []
        for p in PLATFORMS:
            shape = next((s for s in p.shapes if s in cuts), None)
            if shape is None:
                cells.append(
                    Cell(
                        "no cut of its shape",
                        None,
                        f"{p.name} shows {' or '.join(p.shapes)}: add it to [social] shapes",
                    )
                )
                continue
            cut = cuts[shape]
            status = verdict(p, shape, seconds=float(cut.get("durationSeconds", 0)), size=int(cut["bytes"]))
            detail = {
                TOO_LONG: f"{cut['url']} lasts {clock(cut.get('durationSeconds', 0))}; {p.name} takes at most {clock(p.max_seconds)}",
            }.get(status, f"{shape}: {cut['url']}")
            if status == FITS and post is not None and p.key not in post["platforms"]:
                status, detail = (
                    "text too long",
                    f"post.txt is {post['characters'][p.key]} characters; {p.name} takes {p.post_chars}",
                )
            cells.append(Cell(status, cut["url"], detail))
        rows.append(
            {
                "code": lang["code"],
                "name": lang["name"],
                "nativeName": lang["nativeName"],
                "direction": lang["direction"],
                "cells": cells,
            }
        )
    return {"platforms": PLATFORMS, "rows": rows, "checked_on": CHECKED_ON}
