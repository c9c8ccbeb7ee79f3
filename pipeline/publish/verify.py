"""`filmpipe verify DIST`: does dist/ still hold exactly what its manifest says?

Checks, each problem naming the file:
- manifest.json parses and matches the schema; manifest.schema.json is the one filmpipe ships;
- the contract the schema cannot express (`contract_errors`: unique language codes, the source
  language among them, renditions as long as the film, bitrates that agree with sizes);
- every file the manifest lists exists with its `bytes` and `sha256`;
- the HLS tree: every file the master playlist reaches (through every nested playlist) exists
  and matches its line in the tree's SHA256SUMS (itself listed with a hash in the manifest),
  and every media playlist's segments add up to the film's duration within one frame;
- re-probed through ffprobe: each rendition's duration, and that of each of its video and
  audio streams, is within one frame of what the manifest says (and of the film's), its
  width, height and RFC 6381 codecs match; posters' sizes match; each WebVTT file holds the
  number of cues listed;
- the social pack (languages[].social): cuts re-probed like renditions, covers like posters,
  each SRT parsed by pysrt with its cue count, and each file's `platforms` recomputed from the
  platform table;
- content-hashed names: every file whose name, or whose folder's name, carries a content hash
  (pipeline/content_names.py) still holds the bytes that hash names;
- extra files: anything in DIST that is none of the above (the manifest lists the preview
  page, the QC report and its frames too), apart from manifest.json and manifest.schema.json.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

import pysrt

from pipeline import codecs as codec_strings
from pipeline.content_names import file_hash_claim, folder_digest, folder_hash_claim, short_hash
from pipeline.errors import ConfigError, FfmpegError
from pipeline.probe import MediaFacts, probe_media
from pipeline.publish.files import (
    UnsafeUrl,
    file_facts,
    parse_checksums,
    resolve_relative,
    sha256_of,
    walk_hls,
)
from pipeline.publish.manifest import (
    MANIFEST_NAME,
    SCHEMA_NAME,
    contract_errors,
    listed_files,
    schema_errors,
    schema_text,
)
from pipeline.publish.social import platforms_for
from pipeline.social.layout import VIDEO_KINDS

UNLISTED_FILES = frozenset({MANIFEST_NAME, SCHEMA_NAME})  # checked otherwise: parsed, and compared with the package
DEFAULT_FRAME_RATE = 25.0
_EXTINF = re.compile(r"^#EXTINF:\s*([0-9.]+)", re.M)
PROBE_THREADS = max(2, min(8, os.cpu_count() or 2))


class NoManifest(ConfigError):
    """DIST holds no manifest.json: nothing to verify against (exit 2)."""


@dataclass(frozen=True, order=True)
class Problem:
    file: str  # dist-relative
    kind: str  # missing | size | changed | extra | duration | mismatch | unreadable | schema | contract | name
    detail: str

    def line(self) -> str:
        return f"{self.kind:<10} {self.file}: {self.detail}"

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "kind": self.kind, "detail": self.detail}


@dataclass(frozen=True)
class VerifyResult:
    dist: Path
    hashed: int  # files whose size and hash were checked
    probed: int  # media files re-probed
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _short(digest: Any) -> str:
    return str(digest)[:12] + "…"


def _number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _frame(rate: Any) -> float:
    """One frame's duration in seconds from a manifest's frame rate (the usual 25 fps when absent or absurd)."""
    return 1.0 / (rate if _number(rate) and rate > 0 else DEFAULT_FRAME_RATE)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a text", bool: "true or false", type(None): "null"}.get(
        type(value), "a number"
    )


class _Verifier:
    def __init__(self, dist: Path, probe: bool, on_file: Callable[[str], None] | None) -> None:
        self.dist = dist
        self.probe = probe
        self.on_file = on_file or (lambda name: None)
        self.problems: list[Problem] = []
        self.accounted: set[str] = set(UNLISTED_FILES)
        self.hashed = 0
        self.probed = 0
        self.digests: dict[str, str] = {}  # dist-relative path -> sha256, each file read once
        self._lock = threading.Lock()  # probes run in threads

    def problem(self, file: str, kind: str, detail: str) -> None:
        with self._lock:
            self.problems.append(Problem(file, kind, detail))

    def inside(self, url: Any) -> Path | None:
        """The file a manifest URL names, or None (with a problem) when it points outside DIST."""
        if not isinstance(url, str):
            self.problem(MANIFEST_NAME, "schema", f"a url is {_kind(url)}, not a text")
            return None
        try:
            rel = resolve_relative(MANIFEST_NAME, url)
        except UnsafeUrl:
            self.problem(url, "mismatch", "the URL is not a relative path inside the output folder")
            return None
        self.accounted.add(rel)
        return self.dist / rel

    def check_file(self, entry: dict[str, Any]) -> bool:
        """Size and hash of one listed file; True when it matches."""
        url = entry["url"]
        path = self.inside(url)
        if path is None:
            return False
        self.on_file(url)
        if not path.is_file():
            self.problem(url, "missing", "listed in manifest.json but not in the folder")
            return False
        self.hashed += 1
        facts = file_facts(path)
        self.digests[path.relative_to(self.dist).as_posix()] = facts.sha256
        if "bytes" in entry and facts.bytes != entry["bytes"]:
            self.problem(url, "size", f"{facts.bytes} bytes, manifest.json says {entry['bytes']}")
            return False
        if "sha256" in entry and facts.sha256 != entry["sha256"]:
            self.problem(
                url, "changed", f"sha256 is {_short(facts.sha256)}, manifest.json says {_short(entry['sha256'])}"
            )
            return False
        return True

    def digest(self, rel: str) -> str:
        if rel not in self.digests:
            self.digests[rel] = sha256_of(self.dist / rel)
        return self.digests[rel]

    def check_names(self) -> None:
        """Every content-hashed name (a file's, or a folder's) matches what it holds now.

        A CDN keeps a hashed name forever: a file edited in place after a build would reach
        some viewers and not others, so it is named here, whatever the manifest says.
        """
        folders: set[str] = set()
        for rel in sorted(self.accounted):
            path = self.dist / rel
            if not path.is_file():
                continue
            parts = rel.split("/")
            claim = file_hash_claim(parts[-1])
            if claim is not None and short_hash(self.digest(rel)) != claim[1]:
                self.problem(
                    rel,
                    "name",
                    f"its name carries the content hash {claim[1]} but its bytes hash to {short_hash(self.digest(rel))}: "
                    "a cache that keeps this name forever would serve different bytes; rebuild instead of editing "
                    "published files",
                )
            folders.update("/".join(parts[: i + 1]) for i, part in enumerate(parts[:-1]) if folder_hash_claim(part))
        for folder in sorted(folders):
            claim = folder_hash_claim(folder.rsplit("/", 1)[-1])
            files = {p.name: self.digest(f"{folder}/{p.name}") for p in (self.dist / folder).iterdir() if p.is_file()}
            actual = short_hash(folder_digest(files))
            if claim is not None and actual != claim[1]:
                self.problem(
                    folder + "/",
                    "name",
                    f"the folder's name carries the content hash {claim[1]} but its {len(files)} files hash to {actual}: "
                    "a file in it was changed, added or removed after the build; rebuild instead of editing published files",
                )

    def check_schema_copy(self) -> None:
        path = self.dist / SCHEMA_NAME
        if not path.is_file():
            self.problem(SCHEMA_NAME, "missing", "the JSON Schema is not beside manifest.json")
        elif path.read_text(encoding="utf-8", errors="replace") != schema_text():
            self.problem(SCHEMA_NAME, "changed", "differs from the schema this version of filmpipe ships")

    def check_playlist_durations(self, files: tuple[str, ...], film: dict[str, Any]) -> None:
        """Each media playlist's segments (#EXTINF) add up to the film's duration within one frame."""
        duration = film.get("durationSeconds")
        if not _number(duration):
            return
        frame = _frame(film.get("frameRate"))
        for rel in files:
            if not rel.endswith(".m3u8"):
                continue
            text = (self.dist / rel).read_text(encoding="utf-8", errors="replace")
            if "#EXT-X-ENDLIST" not in text:
                continue  # the master playlist (or not a finished media playlist)
            total = sum(float(m) for m in _EXTINF.findall(text))
            if abs(total - duration) > frame + 1e-3:
                self.problem(
                    rel,
                    "duration",
                    f"its segments last {total:.3f} s but the film lasts {duration:.3f} s (more than one frame apart)",
                )

    def check_hls(self, hls: dict[str, Any], film: dict[str, Any]) -> None:
        master = self.inside(hls["url"])
        if master is None or not master.is_file():
            return  # already reported by check_file
        master_rel = master.relative_to(self.dist).as_posix()
        tree = walk_hls(self.dist, master_rel)
        self.accounted.update(tree.files)
        for target, playlist in tree.missing:
            self.accounted.add(target)
            self.problem(target, "missing", f"named by {playlist} but not in the folder")
        for ref, playlist in tree.unsafe:
            self.problem(playlist, "mismatch", f"names {ref}, which is not a relative path inside the output folder")
        self.check_playlist_durations(tree.files, film)
        sums = hls.get("checksums")
        if not isinstance(sums, dict) or not isinstance(sums.get("url"), str):
            return  # absent, or a wrong shape the schema check has named
        sums_path = self.inside(sums["url"])
        if sums_path is None or not sums_path.is_file():
            return
        folder = sums_path.relative_to(self.dist).parent.as_posix()
        entries = parse_checksums(
            sums_path.read_text(encoding="utf-8", errors="replace"), "" if folder == "." else folder
        )
        if sums.get("files") != len(entries):
            self.problem(
                sums["url"], "mismatch", f"holds {len(entries)} lines, manifest.json says {sums.get('files')} files"
            )
        total = sum((self.dist / rel).stat().st_size for rel in entries if (self.dist / rel).is_file())
        if sums.get("totalBytes") != total and len(entries) == len(tree.files):
            self.problem(
                sums["url"], "size", f"its files hold {total} bytes, manifest.json says {sums.get('totalBytes')}"
            )
        for rel in sorted(entries):
            self.accounted.add(rel)
            path = self.dist / rel
            self.on_file(rel)
            if not path.is_file():
                if rel not in {m for m, _ in tree.missing}:
                    self.problem(rel, "missing", f"listed in {sums['url']} but not in the folder")
                continue
            self.hashed += 1
            digest = self.digest(rel)
            if digest != entries[rel]:
                self.problem(rel, "changed", f"sha256 is {_short(digest)}, {sums['url']} says {_short(entries[rel])}")
        for rel in tree.files:
            if rel not in entries:
                self.problem(rel, "extra", f"reached from {hls['url']} but not listed in {sums['url']}")

    def probe_file(self, url: str) -> MediaFacts | None:
        try:
            with self._lock:
                self.probed += 1
            return probe_media(self.dist / url)
        except FfmpegError as err:
            self.problem(
                url,
                "unreadable",
                f"ffprobe cannot read it ({err.stderr_tail.strip().splitlines()[-1:] or ['no message']})",
            )
            return None

    def check_rendition(self, rendition: dict[str, Any], film: dict[str, Any]) -> None:
        url = rendition["url"]
        facts = self.probe_file(url)
        if facts is None:
            return
        rate = film.get("frameRate")
        if not (_number(rate) and rate > 0) and facts.video and facts.video.fps:
            rate = float(facts.video.fps)
        frame = _frame(rate)
        listed = rendition["durationSeconds"]
        if abs(facts.duration - listed) > frame + 1e-6:
            self.problem(
                url,
                "duration",
                f"lasts {facts.duration:.3f} s, manifest.json says {listed:.3f} s (more than one frame, {frame:.3f} s, apart)",
            )
        elif abs(listed - film["durationSeconds"]) > frame + 1e-6:
            self.problem(
                url,
                "duration",
                f"lasts {listed:.3f} s but the film lasts {film['durationSeconds']:.3f} s (more than one frame apart)",
            )
        for stream in facts.raw.get("streams", []):
            # The container lasts as long as its longest stream: a cut-short video track
            # under a full-length audio track still gives the right file duration.
            kind = stream.get("codec_type")
            try:
                seconds = float(stream["duration"])
            except (KeyError, TypeError, ValueError):
                continue
            if kind in ("video", "audio") and abs(seconds - listed) > frame + 1e-6:
                self.problem(
                    url,
                    "duration",
                    f"its {kind} stream lasts {seconds:.3f} s, manifest.json says {listed:.3f} s (more than one frame apart)",
                )
        if facts.video is None:
            self.problem(url, "mismatch", "has no video stream")
            return
        if (facts.video.width, facts.video.height) != (rendition["width"], rendition["height"]):
            self.problem(
                url,
                "mismatch",
                f"is {facts.video.width}x{facts.video.height}, manifest.json says {rendition['width']}x{rendition['height']}",
            )
        streams = facts.raw.get("streams", [])
        video: dict[str, Any] = next((s for s in streams if s.get("codec_type") == "video"), {})
        audio: dict[str, Any] = next((s for s in streams if s.get("codec_type") == "audio"), {})
        probed = codec_strings.join(codec_strings.from_stream(video), codec_strings.from_stream(audio))
        if probed and probed != rendition["codecs"]:
            self.problem(url, "mismatch", f"streams are {probed}, manifest.json says {rendition['codecs']}")

    def check_poster(self, poster: dict[str, Any]) -> None:
        facts = self.probe_file(poster["url"])
        if facts is None or facts.video is None:
            return
        if (facts.video.width, facts.video.height) != (poster["width"], poster["height"]):
            self.problem(
                poster["url"],
                "mismatch",
                f"is {facts.video.width}x{facts.video.height}, manifest.json says {poster['width']}x{poster['height']}",
            )

    def check_cues(self, subtitles: dict[str, Any]) -> None:
        text = (self.dist / subtitles["url"]).read_text(encoding="utf-8", errors="replace")
        cues = sum(1 for line in text.splitlines() if "-->" in line)
        if cues != subtitles["cues"]:
            self.problem(subtitles["url"], "mismatch", f"holds {cues} cues, manifest.json says {subtitles['cues']}")

    def check_social_fit(self, item: dict[str, Any]) -> None:
        """The platforms a social file is listed for are the ones the platform table says it fits."""
        expected = platforms_for(item)
        if sorted(item["platforms"]) != sorted(expected):
            self.problem(
                item["url"],
                "mismatch",
                f"manifest.json says it fits {', '.join(item['platforms']) or 'no platform'}, "
                f"but by its size, duration and kind it fits {', '.join(expected) or 'none'}",
            )

    def check_srt(self, item: dict[str, Any]) -> None:
        """A caption file parses as SubRip (pysrt, strictly) with the number of cues listed."""
        path = self.dist / item["url"]
        try:
            cues = pysrt.open(str(path), encoding="utf-8", error_handling=pysrt.ERROR_RAISE)
        except (pysrt.Error, UnicodeDecodeError, ValueError) as exc:
            self.problem(item["url"], "unreadable", f"is not a SubRip file pysrt can read ({exc})")
            return
        if len(cues) != item.get("cues", len(cues)):
            self.problem(item["url"], "mismatch", f"holds {len(cues)} cues, manifest.json says {item['cues']}")

    def check_extras(self) -> None:
        for path in sorted(self.dist.rglob("*")):
            if not path.is_file() and not path.is_symlink():
                continue
            rel = path.relative_to(self.dist).as_posix()
            if rel in self.accounted:
                continue
            self.problem(rel, "extra", "in the folder but not listed in manifest.json or reached from the HLS playlist")

    def run(self) -> None:
        manifest_path = self.dist / MANIFEST_NAME
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.problem(MANIFEST_NAME, "changed", f"is not valid UTF-8 JSON any more ({exc})")
            return
        except RecursionError:
            self.problem(MANIFEST_NAME, "changed", "is nested too deeply to be a manifest filmpipe wrote")
            return
        except OSError as exc:
            self.problem(MANIFEST_NAME, "unreadable", f"cannot be read ({exc.strerror or exc})")
            return
        errors = schema_errors(manifest)
        for error in errors:
            self.problem(MANIFEST_NAME, "schema", error)
        if not errors:
            for error in contract_errors(manifest):
                self.problem(MANIFEST_NAME, "contract", error)
        self.check_schema_copy()
        if not isinstance(manifest, dict) or not isinstance(manifest.get("languages"), list):
            return
        for entry in listed_files(manifest):
            self.check_file(entry)
        if isinstance(manifest.get("hls"), dict) and isinstance(manifest["hls"].get("url"), str):
            film = manifest.get("film")
            self.check_hls(manifest["hls"], film if isinstance(film, dict) else {})
        if self.probe and not errors:  # re-probing needs the shapes the schema promises
            self.check_media(manifest)
        self.check_names()
        self.check_extras()

    def check_media(self, manifest: dict[str, Any]) -> None:
        """Re-probe what exists (a changed file is probed too: it may still play, but differently).

        ffprobe runs in a few threads at once: each call is a separate process, mostly waiting.
        """
        film = manifest.get("film", {})
        jobs: list[Callable[[], None]] = []
        for poster in _list(manifest.get("posters")):
            if (self.dist / poster["url"]).is_file():
                jobs.append(functools.partial(self.check_poster, poster))
        for lang in manifest["languages"]:
            sub = lang.get("subtitles")
            if sub and (self.dist / sub["url"]).is_file():
                self.check_cues(sub)
            for rendition in lang.get("renditions", []):
                if (self.dist / rendition["url"]).is_file():
                    jobs.append(functools.partial(self.check_rendition, rendition, film))
            for item in lang.get("social", []):
                self.check_social_fit(item)
                if not (self.dist / item["url"]).is_file():
                    continue
                if item["kind"] in VIDEO_KINDS:
                    jobs.append(functools.partial(self.check_rendition, item, film))
                elif item["kind"] == "cover":
                    jobs.append(functools.partial(self.check_poster, item))
                elif item["kind"] == "captions-file":
                    self.check_srt(item)
        with ThreadPoolExecutor(max_workers=PROBE_THREADS) as pool:
            for future in [pool.submit(job) for job in jobs]:
                future.result()


def verify_dist(
    dist: Path,
    *,
    probe: bool = True,
    on_file: Callable[[str], None] | None = None,
) -> VerifyResult:
    """Check DIST against its manifest; raises NoManifest when there is none to check against."""
    dist = Path(dist)
    if not (dist / MANIFEST_NAME).is_file():
        raise NoManifest(
            f"{dist} holds no {MANIFEST_NAME}",
            "point verify at a folder written by 'filmpipe build' (by default dist/ beside film.toml)",
        )
    verifier = _Verifier(dist, probe, on_file)
    try:
        verifier.run()
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, ZeroDivisionError, OverflowError) as exc:
        # Last line of defence: a manifest shaped in a way no check above foresaw is a mismatch
        # to report, not a crash (tests/test_hostile_verify.py fuzzes for these and expects none).
        verifier.problem(
            MANIFEST_NAME,
            "schema",
            f"has a shape verify cannot follow ({type(exc).__name__}: {exc}); compare it with {SCHEMA_NAME}",
        )
    return VerifyResult(
        dist=dist,
        hashed=verifier.hashed,
        probed=verifier.probed,
        problems=tuple(sorted(set(verifier.problems))),
    )
