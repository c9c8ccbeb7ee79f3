"""dist/index.html: a self-contained preview page (no network) built from the manifest.

Everything the page shows comes from the manifest and the locales catalogs, rendered with an
autoescaping Jinja template; the data the page's script switches between is embedded as
JSON through `tojson`, which escapes `<`, `>`, `&` and `'` for a <script> context.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from pipeline.accessibility import cue_scale
from pipeline.content_names import logical_name
from pipeline.languages import profile_for
from pipeline.locales import PAGE_LABELS, translator
from pipeline.project import Project
from pipeline.publish.files import human_size
from pipeline.publish.structured import social_tags, video_object

_FONT_NAME = re.compile(r"^[A-Za-z0-9 ]+$")


def download_name(url: str) -> str:
    """The name a download is saved under: the file's name without its content hash (en-720.mp4)."""
    return logical_name(url).rsplit("/", 1)[-1]


def environment() -> Environment:
    """The Jinja environment of every page filmpipe writes: autoescaped, strict about missing values."""
    env = Environment(
        loader=PackageLoader("pipeline", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["human_size"] = human_size
    env.filters["clock"] = clock
    env.filters["download_name"] = download_name
    return env


def clock(seconds: float) -> str:
    """74.04 -> '1:14' (what a player shows)."""
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def page_labels(project: Project, code: str) -> dict[str, str]:
    """The preview page's labels in one language (source text where the catalog has none)."""
    t = translator(project, code)
    return {label: t(label) for label in PAGE_LABELS}


def untranslated_labels(project: Project, code: str) -> list[str]:
    """Labels shown in the source language because this language's catalog lacks them."""
    if code == project.film.source_language:
        return []
    t = translator(project, code)
    return [label for label in PAGE_LABELS if t.lookup(label) is None]


def _nearest_poster(manifest: dict[str, Any], height: int | None) -> str | None:
    """The JPEG poster closest in height to the video it decorates (the largest when unsure)."""
    jpegs = [p for p in manifest.get("posters", []) if p["mimeType"] == "image/jpeg"]
    if not jpegs:
        return manifest.get("poster", {}).get("url")
    if height:
        return min(jpegs, key=lambda p: (abs(p["height"] - height), -p["height"]))["url"]
    return jpegs[0]["url"]


def embed_snippet(manifest: dict[str, Any], language: dict[str, Any]) -> str:
    """The HTML a web team pastes: <video> with the language's MP4 and a <track> for every language."""
    progressive = next((r for r in language["renditions"] if r["kind"] == "progressive"), None)
    if progressive is None:
        return ""
    poster = _nearest_poster(manifest, progressive["height"])
    attrs = [
        "controls",
        'preload="metadata"',
        f'width="{progressive["width"]}"',
        f'height="{progressive["height"]}"',
    ]
    if poster:
        attrs.append(f'poster="{escape(poster)}"')
    lines = [f"<video {' '.join(attrs)}>"]
    lines.append(
        f'  <source src="{escape(progressive["url"])}" '
        f"type='video/mp4; codecs=\"{escape(progressive['codecs'], quote=False)}\"'>"
    )
    for other in manifest["languages"]:
        sub = other.get("subtitles")
        if not sub:
            continue
        default = " default" if other["code"] == language["code"] else ""
        lines.append(
            f'  <track kind="{escape(sub.get("kind", "subtitles"))}" srclang="{escape(other["code"])}" '
            f'label="{escape(other["nativeName"])}" src="{escape(sub["url"])}"{default}>'
        )
    if language.get("descriptions"):
        lines.append(
            f'  <track kind="descriptions" srclang="{escape(language["code"])}" '
            f'label="{escape(language["nativeName"])}" src="{escape(language["descriptions"]["url"])}">'
        )
    lines.append("</video>")
    return "\n".join(lines)


# hls.js from a CDN, pinned with Subresource Integrity (the digest of hls.js 1.7.4's dist/hls.min.js).
HLS_JS_URL = "https://cdn.jsdelivr.net/npm/hls.js@1.7.4/dist/hls.min.js"
HLS_JS_INTEGRITY = "sha384-p9vgU/7IYJWd3I4STrtqxqR/2cAQlhIX7D/HrTnIMEjjcUox165b7se7sxmm3zDg"

HLS_SNIPPET = """\
<video id="film" controls preload="metadata" playsinline crossorigin="anonymous" width="{width}" height="{height}"{poster}></video>
<script src="{hls_js}" integrity="{integrity}" crossorigin="anonymous"></script>
<script>
  var video = document.getElementById("film");
  var source = {src};
  var language = {lang}; // the page's language: its audio, and its subtitles if it has them
  var hls = null;
  if (window.Hls && Hls.isSupported()) {{
    // Media Source Extensions (Chrome, Edge, Firefox, Android, desktop Safari, iPadOS):
    // hls.js gives every audio language and every subtitle language.
    hls = new Hls({{
      renderTextTracksNatively: true,
      audioPreference: {{ lang: language }},
      subtitlePreference: {{ lang: language }}
    }});
    hls.loadSource(source);
    hls.attachMedia(video);
  }} else if (video.canPlayType("application/vnd.apple.mpegurl")) {{
    // No Media Source Extensions (Safari on iPhone): native HLS, whose own menus offer the languages.
    video.src = source;
  }}
</script>"""


def _js_string(value: str) -> str:
    """A JavaScript string literal safe inside <script> (no '</' can close the element)."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def hls_snippet(src: str, lang: str, width: int, height: int, poster: str | None) -> str:
    """The HLS embed code (docs/manifest.md shows it for Urdu): hls.js wherever MSE exists, native HLS elsewhere.

    Native first would lose languages: Chromium answers canPlayType('application/vnd.apple.mpegurl')
    with "maybe" and its native HLS plays the video with the default audio only, no subtitles.
    """
    return HLS_SNIPPET.format(
        width=width,
        height=height,
        poster=f' poster="{escape(poster)}"' if poster else "",
        hls_js=HLS_JS_URL,
        integrity=HLS_JS_INTEGRITY,
        src=_js_string(src),
        lang=_js_string(lang),
    )


def _downloads(
    manifest: dict[str, Any],
    language: dict[str, Any],
    labels: dict[str, str],
    label_lang: dict[str, tuple[str, str]],
) -> list[dict[str, Any]]:
    """The picked language's files, then the posters: translated label, technical detail, size."""
    rows = []

    def add(url: str, label: str, detail: str, size: int) -> None:
        lang, direction = label_lang[label]
        rows.append(
            {
                "url": url,
                "label": labels[label],
                "lang": lang,
                "dir": direction,
                "detail": detail,
                "bytes": size,
                "name": download_name(url),
                "size": human_size(size),
            }
        )

    for r in language["renditions"]:
        label = {"open-captions": "Captions burned in", "audio-description": "audio description"}.get(
            r["kind"], "Watch"
        )
        add(r["url"], label, f"{r['width']}×{r['height']} MP4", r["bytes"])
    if language.get("subtitles"):
        add(language["subtitles"]["url"], "Subtitles", "WebVTT", language["subtitles"]["bytes"])
    if language.get("descriptions"):
        add(language["descriptions"]["url"], "audio description", "WebVTT", language["descriptions"]["bytes"])
    transcript = language.get("transcript")
    if transcript:
        add(transcript["url"], "Transcript", "HTML", transcript["bytes"])
        add(transcript["text"]["url"], "Transcript", "text", transcript["text"]["bytes"])
    for p in manifest.get("posters", []):
        kind = "JPEG" if p["mimeType"] == "image/jpeg" else p["mimeType"].split("/")[-1].upper()
        add(p["url"], "Poster", f"{p['width']}×{p['height']} {kind}", p["bytes"])
    return rows


def _hls_embed(manifest: dict[str, Any], language: dict[str, Any]) -> str:
    """The HLS embed code for one language, sized like its progressive MP4 (or the largest poster)."""
    hls = manifest.get("hls")
    if not hls:
        return ""
    progressive = next((r for r in language["renditions"] if r["kind"] == "progressive"), None)
    poster = manifest.get("poster") or {}
    width = progressive["width"] if progressive else poster.get("width", 1280)
    height = progressive["height"] if progressive else poster.get("height", 720)
    return hls_snippet(hls["url"], language["code"], width, height, _nearest_poster(manifest, height))


def _text(staging: Path, url: str) -> str:
    path = staging / url
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def page_context(manifest: dict[str, Any], project: Project, staging: Path) -> dict[str, Any]:
    """What the template needs: per language its labels, video URLs, downloads, embed code and VTT text."""
    source = next(l for l in manifest["languages"] if l["isSource"])
    source_lang = (source["code"], source["direction"])
    languages = []
    for lang in manifest["languages"]:
        labels = page_labels(project, lang["code"])
        fallback = untranslated_labels(project, lang["code"])
        own = (lang["code"], lang["direction"])
        label_lang = {label: source_lang if label in fallback else own for label in labels}
        title_lang = own if lang.get("titleTranslated", True) else source_lang
        progressive = next((r for r in lang["renditions"] if r["kind"] == "progressive"), None)
        captioned = next(
            (
                r
                for r in lang["renditions"]
                if r["kind"] == "open-captions" and (progressive is None or r["height"] == progressive["height"])
            ),
            next((r for r in lang["renditions"] if r["kind"] == "open-captions"), None),
        )
        described = [r for r in lang["renditions"] if r["kind"] == "audio-description"]
        described_mp4 = next(
            (r for r in described if progressive is None or r["height"] == progressive["height"]),
            described[0] if described else None,
        )
        sub = lang.get("subtitles")
        vtt = (staging / sub["url"]).read_text(encoding="utf-8") if sub and (staging / sub["url"]).is_file() else ""
        font = profile_for(lang["code"]).font_family
        languages.append(
            {
                "code": lang["code"],
                "name": lang["name"],
                "nativeName": lang["nativeName"],
                "direction": lang["direction"],
                "title": lang["title"],
                "description": lang.get("description", ""),
                "labels": labels,
                "labelLang": label_lang,
                "fallbackLabels": fallback,
                "titleLang": title_lang[0],
                "titleDir": title_lang[1],
                "progressive": progressive["url"] if progressive else None,
                "openCaptions": captioned["url"] if captioned else None,
                "described": described_mp4["url"] if described_mp4 else None,
                "poster": _nearest_poster(manifest, progressive["height"] if progressive else None),
                "subtitles": sub["url"] if sub else None,
                "vtt": vtt,
                "kind": sub.get("kind", "subtitles") if sub else "subtitles",
                "descriptions": lang["descriptions"]["url"] if lang.get("descriptions") else None,
                "descriptionsVtt": _text(staging, lang["descriptions"]["url"]) if lang.get("descriptions") else "",
                "transcript": lang["transcript"]["url"] if lang.get("transcript") else None,
                "cueScale": cue_scale(profile_for(lang["code"])),
                "embed": embed_snippet(manifest, lang),
                "hlsEmbed": _hls_embed(manifest, lang),
                "downloads": _downloads(manifest, lang, labels, label_lang),
                "font": font if _FONT_NAME.match(font) else None,
            }
        )
    first_lang = manifest["languages"][0]
    upload_date = project.film.upload_date or manifest["build"]["createdAt"]
    base = project.film.media_url
    return {
        "manifest": manifest,
        "languages": languages,
        "first": languages[0],
        "json_ld": video_object(manifest, first_lang, upload_date, base=base, staging=staging),
        "social_tags": social_tags(manifest, first_lang, profile_for(first_lang["code"]).social_locale or None, base),
        "script_data": {
            "languages": {
                l["code"]: {
                    k: l[k]
                    for k in (
                        "code",
                        "direction",
                        "title",
                        "titleLang",
                        "titleDir",
                        "description",
                        "labels",
                        "fallbackLabels",
                        "progressive",
                        "openCaptions",
                        "described",
                        "poster",
                        "subtitles",
                        "vtt",
                        "descriptionsVtt",
                        "transcript",
                        "embed",
                        "hlsEmbed",
                    )
                }
                for l in languages
            },
            "order": [l["code"] for l in languages],
            "source": {"code": source_lang[0], "direction": source_lang[1]},
        },
    }


def render_index(manifest: dict[str, Any], project: Project, staging: Path) -> str:
    """dist/index.html as text."""
    return environment().get_template("index.html").render(**page_context(manifest, project, staging))
