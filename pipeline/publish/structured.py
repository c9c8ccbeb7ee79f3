"""Search and sharing: schema.org VideoObject JSON-LD and Open Graph / Twitter card tags.

One VideoObject per language goes into the manifest (`languages[].videoObject`, URLs relative
to manifest.json like every URL there) for sites that render their own pages; the preview
page carries the source language's, with Open Graph and Twitter card tags. Google's video
structured data: required name, thumbnailUrl, uploadDate; recommended description, duration
(ISO 8601), contentUrl, embedUrl; here also inLanguage, caption (the WebVTT as a MediaObject)
and transcript (the text) where they exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urljoin

SCHEMA_ORG = "https://schema.org"


def iso_duration(seconds: float) -> str:
    """74.04 -> 'PT1M14.04S' (ISO 8601 duration, as schema.org's duration wants)."""
    total = round(float(seconds), 3)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{int(hours)}H"
    if minutes:
        text += f"{int(minutes)}M"
    number = f"{secs:.3f}".rstrip("0").rstrip(".")
    return text + f"{number or '0'}S"


def absolute(url: str, base: str | None) -> str:
    return urljoin(base, url) if base else url


def _transcript_text(staging: Path | None, language: dict[str, Any]) -> str | None:
    text = (language.get("transcript") or {}).get("text") or {}
    if staging is None or not isinstance(text.get("url"), str):
        return None
    path = staging / text["url"]
    return path.read_text(encoding="utf-8").strip() or None if path.is_file() else None


def video_object(
    manifest: dict[str, Any],
    language: dict[str, Any],
    upload_date: str,
    *,
    base: str | None = None,
    staging: Path | None = None,
    embed_page: str = "index.html",
) -> dict[str, Any]:
    """The VideoObject of one language. `base`: makes URLs absolute (else relative to manifest.json)."""
    posters = [p for p in manifest.get("posters", []) if p.get("mimeType") == "image/jpeg"] or manifest.get(
        "posters", []
    )
    progressive = [r for r in language.get("renditions", []) if r.get("kind") == "progressive"]
    best = max(progressive, key=lambda r: r["height"]) if progressive else None
    film = manifest["film"]
    data: dict[str, Any] = {
        "@context": SCHEMA_ORG,
        "@type": "VideoObject",
        "name": language.get("title") or film["title"],
        "description": language.get("description") or film.get("description") or language.get("title") or film["title"],
        "thumbnailUrl": [absolute(p["url"], base) for p in posters],
        "uploadDate": upload_date,
        "duration": iso_duration(film["durationSeconds"]),
        "inLanguage": language["code"],
    }
    if best is not None:
        data["contentUrl"] = absolute(best["url"], base)
        data["encodingFormat"] = best["mimeType"]
        data["width"] = best["width"]
        data["height"] = best["height"]
    data["embedUrl"] = absolute(f"{embed_page}#{language['code']}", base)
    subtitles = language.get("subtitles")
    if subtitles:
        data["caption"] = {
            "@type": "MediaObject",
            "contentUrl": absolute(subtitles["url"], base),
            "encodingFormat": subtitles["mimeType"],
            "inLanguage": language["code"],
        }
    transcript = _transcript_text(staging, language)
    if transcript:
        data["transcript"] = transcript
    return data


def social_tags(
    manifest: dict[str, Any], language: dict[str, Any], locale: str | None, base: str | None
) -> list[tuple[str, str, str]]:
    """(attribute, name, content) of the Open Graph and Twitter card meta tags of a page showing `language`."""
    obj = video_object(manifest, language, "", base=base)
    poster = manifest.get("poster") or {}
    tags: list[tuple[str, str, str]] = [
        ("property", "og:type", "video.other"),
        ("property", "og:title", obj["name"]),
        ("property", "og:description", obj["description"]),
    ]
    if poster:
        tags += [
            ("property", "og:image", absolute(poster["url"], base)),
            ("property", "og:image:type", poster["mimeType"]),
            ("property", "og:image:width", str(poster["width"])),
            ("property", "og:image:height", str(poster["height"])),
            ("property", "og:image:alt", obj["name"]),
        ]
    if "contentUrl" in obj:
        tags += [
            ("property", "og:video", obj["contentUrl"]),
            ("property", "og:video:type", obj["encodingFormat"]),
            ("property", "og:video:width", str(obj["width"])),
            ("property", "og:video:height", str(obj["height"])),
        ]
    if locale:
        tags.append(("property", "og:locale", locale))
    tags += [
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", obj["name"]),
        ("name", "twitter:description", obj["description"]),
    ]
    if poster:
        tags += [
            ("name", "twitter:image", absolute(poster["url"], base)),
            ("name", "twitter:image:alt", obj["name"]),
        ]
    return tags


def with_video_objects(manifest: dict[str, Any], staging: Path, upload_date: str) -> dict[str, Any]:
    """The manifest with `videoObject` (JSON-LD, URLs relative to manifest.json) in every language."""
    languages = []
    for language in manifest["languages"]:
        languages.append({**language, "videoObject": video_object(manifest, language, upload_date, staging=staging)})
    return {**manifest, "languages": languages}
