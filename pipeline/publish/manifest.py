"""dist/manifest.json, schema version 1 (DESIGN.md): what the web team reads.

Built deterministically: languages in the project's order (source first, then film.toml's
order), renditions and posters sorted, numbers rounded to fixed places, keys in the order
written here. Apart from `build.createdAt`, the same inputs and settings give the same bytes.
Sizes and hashes are taken from the staging folder, never from what a task claimed.
"""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from pipeline.content_names import is_immutable
from pipeline.engine.model import Artifact, BuildInfo, PlanContext, TaskOutput
from pipeline.errors import FilmpipeError
from pipeline.findings import Finding
from pipeline.locales import PAGE_LABELS, missing_film_texts, translator
from pipeline.publish.files import CHECKSUMS_NAME, checksums_text, file_facts, walk_hls
from pipeline.publish.social import social_entries
from pipeline.render.hls import described_name

SCHEMA_VERSION = 1
MANIFEST_NAME = "manifest.json"
SCHEMA_NAME = "manifest.schema.json"
HLS_MIME = "application/vnd.apple.mpegurl"
RENDITION_KINDS = ("progressive", "open-captions", "audio-description")  # also their order within a language
SOCIAL_KIND = "social"  # the social pack's artifacts (render/social.py), listed in languages[].social
SECONDS_PLACES = 3
DEFAULT_FRAME_RATE = 25.0
BITRATE_TOLERANCE = 0.02  # bitrateKbps is rounded: it may differ from bytes/duration by a rounding
LOUDNESS_PLACES = 1


class PublishError(FilmpipeError):
    """The build's outputs do not add up to a publishable dist/ (a missing or unreadable file)."""

    exit_code = 3


def schema_text() -> str:
    """The JSON Schema shipped in the package (pipeline/schema/manifest.schema.json)."""
    return resources.files("pipeline").joinpath("schema", SCHEMA_NAME).read_text(encoding="utf-8")


def schema() -> dict[str, Any]:
    return json.loads(schema_text())


def schema_errors(manifest: Any) -> list[str]:
    """Every way `manifest` breaks the schema, as 'where: what' lines (empty when valid)."""
    validator = Draft202012Validator(schema())
    problems = []
    for error in sorted(validator.iter_errors(manifest), key=lambda e: list(map(str, e.absolute_path))):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        problems.append(f"{where}: {error.message}")
    return problems


def contract_errors(manifest: Any) -> list[str]:
    """What the schema cannot say about a manifest, as 'where: what' lines (empty when it holds).

    Needs no files: unique language codes (BCP 47 ignores case), film.sourceLanguage is the
    code of the one isSource language, every rendition lasts the film to within one frame, its
    bitrate agrees with its size and duration, one URL is never two files, the poster is one of
    the posters, each `immutable` flag agrees with its name and no entry point carries a content
    hash. `filmpipe verify` adds what needs the files (sizes, hashes, hashed names, probes).
    Assumes the manifest passed the schema (call schema_errors first).
    """
    problems: list[str] = []
    film = manifest.get("film", {})
    languages = manifest.get("languages", [])
    seen: dict[str, int] = {}
    for i, lang in enumerate(languages):
        key = lang["code"].lower()
        if key in seen:
            problems.append(f"languages/{i}/code: '{lang['code']}' is listed twice (also languages/{seen[key]})")
        seen.setdefault(key, i)
    sources = [lang["code"] for lang in languages if lang.get("isSource")]
    if sources and film.get("sourceLanguage") != sources[0]:
        problems.append(
            f"film/sourceLanguage: '{film.get('sourceLanguage')}' is not the code of the isSource language ('{sources[0]}')"
        )
    if film.get("sourceLanguage", "").lower() not in seen:
        problems.append(f"film/sourceLanguage: '{film.get('sourceLanguage')}' is not among the languages")
    duration = float(film.get("durationSeconds", 0))
    frame = 1.0 / float(film.get("frameRate") or DEFAULT_FRAME_RATE)
    for i, lang in enumerate(languages):
        for j, rendition in enumerate(lang.get("renditions", [])):
            where = f"languages/{i}/renditions/{j}"
            seconds = float(rendition["durationSeconds"])
            if abs(seconds - duration) > frame + 1e-6:
                problems.append(
                    f"{where}/durationSeconds: {seconds:.3f} s, but the film lasts {duration:.3f} s (more than one frame apart)"
                )
            elif seconds > 0:
                expected = rendition["bytes"] * 8 / 1000 / seconds
                if abs(rendition["bitrateKbps"] - expected) > max(2.0, expected * BITRATE_TOLERANCE):
                    problems.append(
                        f"{where}/bitrateKbps: {rendition['bitrateKbps']} kbit/s, but {rendition['bytes']} bytes over "
                        f"{seconds:.3f} s is {expected:.0f} kbit/s"
                    )
    by_url: dict[str, tuple[Any, Any]] = {}
    for entry in listed_files(manifest, unique=False):
        facts = (entry.get("bytes"), entry.get("sha256"))
        if entry["url"] in by_url and by_url[entry["url"]] != facts:
            problems.append(f"{entry['url']}: listed twice with different sizes or hashes")
        by_url.setdefault(entry["url"], facts)
    poster = manifest.get("poster")
    posters = manifest.get("posters", [])
    if isinstance(poster, dict) and posters and not any(p.get("url") == poster.get("url") for p in posters):
        problems.append(f"poster/url: {poster.get('url')} is not one of the posters")
    return problems + immutable_errors(manifest)


def manifest_errors(manifest: Any) -> list[str]:
    """Schema problems, then (when the schema holds) contract problems: what the build refuses to publish."""
    return schema_errors(manifest) or contract_errors(manifest)


def dumps(manifest: dict[str, Any]) -> str:
    """The manifest as written to disk: UTF-8 text (not \\u escapes), two-space indent, final newline."""
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"


def _seconds(value: float) -> float:
    return round(float(value), SECONDS_PLACES)


def _file(staging: Path, artifact: Artifact) -> dict[str, Any]:
    path = staging / artifact.path
    if not path.is_file():
        raise PublishError(
            f"the build lists {artifact.path} ({artifact.kind}) but it is not in the staging folder",
            "run the build again with --force; if it happens again, report it with --debug output",
        )
    facts = file_facts(path)
    return {"bytes": facts.bytes, "sha256": facts.sha256}


def _image(staging: Path, artifact: Artifact) -> dict[str, Any]:
    return {
        "url": artifact.path,
        "mimeType": artifact.mime_type,
        "width": artifact.width,
        "height": artifact.height,
        **_file(staging, artifact),
    }


def _rendition(staging: Path, artifact: Artifact, film_duration: float) -> dict[str, Any]:
    facts = _file(staging, artifact)
    duration = _seconds(artifact.duration_seconds if artifact.duration_seconds is not None else film_duration)
    bitrate = artifact.bitrate_kbps
    if bitrate is None:  # overall bitrate from the file itself: deterministic, and what a player streams
        bitrate = round(facts["bytes"] * 8 / 1000 / duration) if duration > 0 else 0
    if not artifact.codecs:
        raise PublishError(
            f"the build gave no codec string for {artifact.path}",
            "this is a bug in the render step: its artifact must carry RFC 6381 codecs",
        )
    return {
        "kind": artifact.kind,
        "url": artifact.path,
        "mimeType": artifact.mime_type,
        "codecs": artifact.codecs,
        "width": artifact.width,
        "height": artifact.height,
        "bitrateKbps": int(bitrate),
        "durationSeconds": duration,
        **facts,
    }


def _rendition_order(artifact: Artifact) -> tuple:
    return (RENDITION_KINDS.index(artifact.kind), -(artifact.height or 0), artifact.path)


def _all_artifacts(outputs: dict[str, TaskOutput]) -> list[Artifact]:
    found = [a for task_id in sorted(outputs) for a in outputs[task_id].artifacts]
    return sorted(found, key=lambda a: (a.kind, a.path))


def _loudness(value: Any) -> float | None:
    return None if value is None else round(float(value), LOUDNESS_PLACES)


def _audio(outputs: dict[str, TaskOutput], code: str) -> dict[str, Any]:
    """Source and measured loudness; null loudness for a silent track (nothing to measure)."""
    output = outputs.get(f"audio/{code}")
    meta = output.meta if output else {}
    if "integratedLufs" not in meta or "truePeakDbtp" not in meta:
        raise PublishError(
            f"the build has no loudness measurement for the {code} audio",
            "run the build again with --force; the audio step must record integratedLufs and truePeakDbtp",
        )
    audio: dict[str, Any] = {
        "source": meta.get("source", "master"),
        "integratedLufs": _loudness(meta["integratedLufs"]),
        "truePeakDbtp": _loudness(meta["truePeakDbtp"]),
    }
    if meta.get("codecs"):
        audio["codecs"] = meta["codecs"]
    return audio


def _variants(folder: str, meta: dict[str, Any]) -> list[dict[str, Any]]:
    """Per-rung facts of the master playlist's variants, in its order: a site's quality menu and data cost."""
    out = []
    for v in meta.get("variants", []):
        if "playlist" not in v:
            continue
        out.append(
            {
                "url": f"{folder}/{v['playlist']}" if folder else v["playlist"],
                "width": int(v["width"]),
                "height": int(v["height"]),
                "bandwidth": int(v["bandwidth"]),
                "averageBandwidth": int(v["averageBandwidth"]),
                "audioGroup": v["audioGroup"],
                "bytes": int(v["videoBytes"]) + int(v["audioBytes"]),
            }
        )
    return out


def _hls(staging: Path, artifact: Artifact, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """The master playlist, plus a SHA256SUMS over every file it reaches (written here, into staging)."""
    tree = walk_hls(staging, artifact.path)
    if tree.missing or tree.unsafe:
        bad = tree.missing[0] if tree.missing else tree.unsafe[0]
        raise PublishError(
            f"the HLS playlist {bad[1]} names {bad[0]}, which is not a file inside the output",
            "run the build again with --force; if it happens again, report it with --debug output",
        )
    folder = artifact.path.rsplit("/", 1)[0] if "/" in artifact.path else ""
    sums_rel = f"{folder}/{CHECKSUMS_NAME}" if folder else CHECKSUMS_NAME
    (staging / sums_rel).write_text(checksums_text(staging, tree.files, folder), encoding="utf-8")
    total = sum((staging / f).stat().st_size for f in tree.files)
    entry: dict[str, Any] = {
        "url": artifact.path,
        "mimeType": HLS_MIME,
        **_file(staging, artifact),
        "checksums": {
            "url": sums_rel,
            "mimeType": "text/plain",
            "files": len(tree.files),
            "totalBytes": total,
            **_file(staging, Artifact(kind="checksums", path=sums_rel, mime_type="text/plain")),
        },
    }
    variants = _variants(folder, meta or {})
    if variants:
        entry["variants"] = variants
    return entry


TOP_LEVEL_ORDER = (
    "schemaVersion",
    "film",
    "build",
    "entryPoints",
    "poster",
    "posters",
    "hls",
    "preview",
    "report",
    "languages",
)


def page_entry(staging: Path, name: str) -> dict[str, Any]:
    """A page filmpipe wrote into staging (index.html, report.html), with its size and hash."""
    return {
        "url": name,
        "mimeType": "text/html",
        **_file(staging, Artifact(kind="page", path=name, mime_type="text/html")),
    }


def add_pages(manifest: dict[str, Any], staging: Path, preview: str) -> dict[str, Any]:
    """The manifest with the preview page listed (hashed once written).

    The page holds nothing that depends on this listing (no hash of itself), so listing it
    keeps the manifest deterministic. The QC report is not listed: it is not in dist/.
    """
    listed = dict(manifest)
    listed["preview"] = page_entry(staging, preview)
    return _ordered(listed)


def _ordered(manifest: dict[str, Any]) -> dict[str, Any]:
    return {key: manifest[key] for key in TOP_LEVEL_ORDER if key in manifest} | {
        key: value for key, value in manifest.items() if key not in TOP_LEVEL_ORDER
    }


def with_caching(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest with `entryPoints` (the fixed names a site links to: manifest.json, the preview
    page, the HLS master playlist) and `immutable` on every listed file and HLS variant: true when
    its name (or its folder's) carries a content hash, so it may be cached forever.
    """
    marked = copy.deepcopy(manifest)
    for entry in listed_files(marked, unique=False):
        entry["immutable"] = is_immutable(entry["url"])
    hls = marked.get("hls")
    for variant in hls.get("variants", []) if isinstance(hls, dict) else []:
        variant["immutable"] = is_immutable(variant["url"])
    entries = [MANIFEST_NAME]
    for key in ("preview", "hls"):
        if isinstance(marked.get(key), dict):
            entries.append(marked[key]["url"])
    marked["entryPoints"] = entries
    return _ordered(marked)


def immutable_errors(manifest: Any) -> list[str]:
    """Listed files whose `immutable` flag disagrees with their name (a hash in it or not)."""
    problems = []
    for entry in listed_files(manifest, unique=False):
        flag = entry.get("immutable")
        if isinstance(flag, bool) and flag != is_immutable(entry["url"]):
            problems.append(
                f"{entry['url']}: immutable is {str(flag).lower()}, but its name "
                + ("carries a content hash" if not flag else "carries no content hash, so it can change")
            )
    for name in manifest.get("entryPoints", []) if isinstance(manifest.get("entryPoints"), list) else []:
        if isinstance(name, str) and is_immutable(name):
            problems.append(f"entryPoints: {name} carries a content hash, but an entry point keeps a fixed name")
    return problems


def language_titles(context: PlanContext, code: str) -> tuple[str, str | None, bool]:
    """(title, description, whether the title is translated) for one language, with fallbacks."""
    project = context.project
    t = translator(project, code)
    title = t(project.film.title)
    description = t(project.film.description) if project.film.description else None
    translated = code == project.film.source_language or t.lookup(project.film.title) is not None
    return title, description, translated


def locale_findings(context: PlanContext) -> list[Finding]:
    """LOCALE_MISSING warnings for titles and descriptions the manifest had to fall back on."""
    project = context.project
    findings = []
    for lang in project.languages:
        for name in missing_film_texts(project, lang.code):
            findings.append(
                Finding(
                    code="LOCALE_MISSING",
                    severity="warning",
                    language=lang.code,
                    file=project.relative(project.root / "locales" / lang.code / "LC_MESSAGES" / "film.po"),
                    message=f"no {lang.profile.name} translation of the film's {name}; the {project.film.source_language} text is used",
                    hint=f"add the {name} as msgid with its translation as msgstr (not fuzzy) to that catalog",
                )
            )
    return findings


def _labels(project: Any, code: str) -> dict[str, Any]:
    """The preview page's labels in this language (source text where the catalog has none), for a site's own picker."""
    t = translator(project, code)
    labels = {label: t(label) for label in PAGE_LABELS}
    missing = (
        [] if code == project.film.source_language else [label for label in PAGE_LABELS if t.lookup(label) is None]
    )
    return {"labels": labels, "untranslatedLabels": missing}


def build_manifest(
    staging: Path,
    context: PlanContext,
    outputs: dict[str, TaskOutput],
    build: BuildInfo,
) -> dict[str, Any]:
    """The manifest for the files in `staging` (also writes the HLS SHA256SUMS there)."""
    project = context.project
    duration = _seconds(context.master.duration)
    artifacts = _all_artifacts(outputs)
    by_kind: dict[str, list[Artifact]] = {}
    for artifact in artifacts:
        by_kind.setdefault(artifact.kind, []).append(artifact)

    film: dict[str, Any] = {
        "id": project.film.id,
        "title": project.film.title,
    }
    if project.film.description:
        film["description"] = project.film.description
    film["sourceLanguage"] = project.film.source_language
    film["durationSeconds"] = duration
    fps = context.master.video.fps if context.master.video else None
    if fps:
        film["frameRate"] = round(float(fps), 3)

    manifest: dict[str, Any] = {
        "schemaVersion": SCHEMA_VERSION,
        "film": film,
        "build": {
            "id": build.id,
            "tool": build.tool,
            "ffmpeg": build.ffmpeg,
            "createdAt": build.created_at,
            "draft": bool(context.draft),
        },
    }

    posters = sorted(
        by_kind.get("poster", []),
        key=lambda a: (-(a.height or 0), -(a.width or 0), a.mime_type != "image/jpeg", a.path),
    )
    jpegs = [p for p in posters if p.mime_type == "image/jpeg"]
    if jpegs:
        manifest["poster"] = _image(staging, jpegs[0])
    manifest["posters"] = [_image(staging, p) for p in posters]

    hls = by_kind.get("hls", [])
    if hls:
        hls_output = next((o for o in outputs.values() if hls[0] in o.artifacts), None)
        manifest["hls"] = _hls(staging, hls[0], hls_output.meta if hls_output else None)

    languages = []
    described_names = {
        lang.code: described_name(project, lang) for lang in project.languages if lang.described_audio is not None
    }
    for lang in project.languages:
        title, description, translated = language_titles(context, lang.code)
        entry: dict[str, Any] = {
            "code": lang.code,
            "name": lang.profile.name,
            "nativeName": lang.profile.native_name,
            "direction": lang.profile.direction,
            "isSource": lang.code == project.film.source_language,
            "title": title,
            "titleTranslated": translated,
        }
        if description is not None:
            entry["description"] = description
        entry.update(_labels(project, lang.code))
        subtitles = [a for a in by_kind.get("subtitles", []) if a.language == lang.code]
        if subtitles:
            sub = subtitles[0]
            entry["subtitles"] = {
                "url": sub.path,
                "mimeType": sub.mime_type,
                "cues": int(sub.extra.get("cues", 0)),
                **_file(staging, sub),
            }
            entry["subtitles"]["kind"] = lang.kind
        descriptions = [a for a in by_kind.get("descriptions", []) if a.language == lang.code]
        if descriptions:
            d = descriptions[0]
            entry["descriptions"] = {
                "url": d.path,
                "mimeType": d.mime_type,
                "cues": int(d.extra.get("cues", 0)),
                **_file(staging, d),
            }
        entry["audio"] = _audio(outputs, lang.code)
        described = outputs.get(f"audio-described/{lang.code}")
        if described is not None:
            entry["describedAudio"] = {
                "integratedLufs": _loudness(described.meta.get("integratedLufs")),
                "truePeakDbtp": _loudness(described.meta.get("truePeakDbtp")),
                "hlsName": described_names.get(lang.code, ""),
            }
        entry["audioDescription"] = described is not None
        renditions = sorted(
            (a for kind in RENDITION_KINDS for a in by_kind.get(kind, []) if a.language == lang.code),
            key=_rendition_order,
        )
        entry["renditions"] = [_rendition(staging, a, duration) for a in renditions]
        social = [a for a in by_kind.get(SOCIAL_KIND, []) if a.language == lang.code]
        if social:
            entry["social"] = social_entries(social, lambda a: _file(staging, a))
        languages.append(entry)
    manifest["languages"] = languages
    return manifest


def listed_files(manifest: dict[str, Any], unique: bool = True) -> list[dict[str, Any]]:
    """Every file object the manifest lists: any object with a url and a sha256 (posters, HLS, pages, subtitles, videos).

    Found by walking the whole manifest, so files that later additions list (transcripts, social
    cuts, described audio) are covered too, in document order. `unique`: each URL once (the first entry naming it).
    """
    found: list[dict[str, Any]] = []
    seen: set[str] = set()

    def add(entry: dict[str, Any]) -> None:
        if isinstance(entry.get("url"), str) and (not unique or entry["url"] not in seen):
            seen.add(entry["url"])
            found.append(entry)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "sha256" in node:
                add(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(manifest)
    return found
