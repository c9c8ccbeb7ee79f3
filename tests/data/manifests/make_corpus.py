"""Writes broken/*.json: likely mistakes in a dist/manifest.json, each one JSON Patch (RFC 6902).

Each case is applied to the manifest of a real tiny build (tests/test_manifest_corpus.py):
languages en, pl, ro, ur, bn, gu (en is the source); renditions/0 is the progressive MP4,
renditions/1 the open-caption one. `rejectedBy` says which layer must catch it:
"schema" (the shipped JSON Schema), "contract" (what a schema cannot say, checked without the
files by contract_errors, in the build and in verify) or "verify" (needs the files).
Values that start with "$" are computed from the base manifest, so the corpus does not
depend on one build's numbers: "$/p" copies the value at /p; "$half:/p", "$plus1:/p",
"$times10:/p" change a number; "$drop-first:/p" is a list without its first item;
"$double-all-durations" makes the film and every rendition twice as long.
Run it to regenerate: python tests/data/manifests/make_corpus.py
"""

from __future__ import annotations

import json
from pathlib import Path

R0 = "/languages/1/renditions/0"  # Polish progressive MP4
SHA = "0" * 64

CASES: dict[str, tuple[str, str, list[dict]]] = {
    # name: (rejectedBy, the mistake, patch)
    "schema-version-2": (
        "schema",
        "schemaVersion raised without a new schema",
        [{"op": "replace", "path": "/schemaVersion", "value": 2}],
    ),
    "schema-version-string": (
        "schema",
        "schemaVersion as a string",
        [{"op": "replace", "path": "/schemaVersion", "value": "1"}],
    ),
    "film-missing": ("schema", "no film object", [{"op": "remove", "path": "/film"}]),
    "film-id-spaces": (
        "schema",
        "film id with capitals and spaces",
        [{"op": "replace", "path": "/film/id", "value": "Neighbourhood Policing"}],
    ),
    "film-duration-zero": (
        "schema",
        "film lasts 0 s",
        [{"op": "replace", "path": "/film/durationSeconds", "value": 0}],
    ),
    "film-duration-string": (
        "schema",
        "duration as a string",
        [{"op": "replace", "path": "/film/durationSeconds", "value": "74.04"}],
    ),
    "source-language-name": (
        "schema",
        "sourceLanguage is a name, not a tag",
        [{"op": "replace", "path": "/film/sourceLanguage", "value": "English"}],
    ),
    "source-language-underscore": (
        "schema",
        "sourceLanguage with an underscore (a POSIX locale)",
        [{"op": "replace", "path": "/film/sourceLanguage", "value": "en_GB"}],
    ),
    "code-name": ("schema", "language code 'Urdu'", [{"op": "replace", "path": "/languages/3/code", "value": "Urdu"}]),
    "code-underscore": (
        "schema",
        "language code 'en_GB'",
        [
            {"op": "replace", "path": "/languages/0/code", "value": "en_GB"},
            {"op": "replace", "path": "/film/sourceLanguage", "value": "en_GB"},
        ],
    ),
    "code-upper-case": (
        "schema",
        "language code 'PL'",
        [{"op": "replace", "path": "/languages/1/code", "value": "PL"}],
    ),
    "code-duplicated": (
        "contract",
        "Polish relabelled 'ur': two languages with one code",
        [{"op": "replace", "path": "/languages/1/code", "value": "ur"}],
    ),
    "no-source": (
        "schema",
        "no language has isSource",
        [{"op": "replace", "path": "/languages/0/isSource", "value": False}],
    ),
    "two-sources": (
        "schema",
        "two languages have isSource",
        [{"op": "replace", "path": "/languages/2/isSource", "value": True}],
    ),
    "is-source-string": (
        "schema",
        "isSource as the string 'true'",
        [{"op": "replace", "path": "/languages/0/isSource", "value": "true"}],
    ),
    "direction-word": (
        "schema",
        "direction 'right-to-left'",
        [{"op": "replace", "path": "/languages/3/direction", "value": "right-to-left"}],
    ),
    "native-name-missing": ("schema", "no nativeName", [{"op": "remove", "path": "/languages/3/nativeName"}]),
    "title-empty": ("schema", "empty title", [{"op": "replace", "path": "/languages/2/title", "value": ""}]),
    "codecs-names": (
        "schema",
        "codecs 'h264,aac' (names, not RFC 6381 strings)",
        [{"op": "replace", "path": R0 + "/codecs", "value": "h264,aac"}],
    ),
    "codecs-space": (
        "schema",
        "codecs with a space after the comma",
        [{"op": "replace", "path": R0 + "/codecs", "value": "avc1.64001f, mp4a.40.2"}],
    ),
    "codecs-no-profile": (
        "schema",
        "codecs 'avc1,mp4a' without profile and level",
        [{"op": "replace", "path": R0 + "/codecs", "value": "avc1,mp4a"}],
    ),
    "codecs-video-only": (
        "schema",
        "an MP4 with sound listed with the video codec only",
        [{"op": "replace", "path": R0 + "/codecs", "value": "avc1.64001f"}],
    ),
    "audio-codecs-name": (
        "schema",
        "audio codecs 'aac'",
        [{"op": "replace", "path": "/languages/1/audio/codecs", "value": "aac"}],
    ),
    "rendition-mime-quicktime": (
        "schema",
        "a progressive MP4 as video/quicktime",
        [{"op": "replace", "path": R0 + "/mimeType", "value": "video/quicktime"}],
    ),
    "rendition-mime-spaces": (
        "schema",
        "mimeType 'video/mp4; codecs=avc1' (parameters belong in codecs)",
        [{"op": "replace", "path": R0 + "/mimeType", "value": "video/mp4; codecs=avc1"}],
    ),
    "rendition-url-webm": (
        "schema",
        "a progressive rendition whose file is .webm",
        [{"op": "replace", "path": R0 + "/url", "value": "video/pl/pl-180.webm"}],
    ),
    "rendition-kind-upper": (
        "schema",
        "kind 'Progressive'",
        [{"op": "replace", "path": R0 + "/kind", "value": "Progressive"}],
    ),
    "hls-dash": (
        "schema",
        "hls.url points at a DASH .mpd",
        [{"op": "replace", "path": "/hls/url", "value": "hls/manifest.mpd"}],
    ),
    "hls-mime": (
        "schema",
        "HLS mimeType application/dash+xml",
        [{"op": "replace", "path": "/hls/mimeType", "value": "application/dash+xml"}],
    ),
    "subtitles-srt": (
        "schema",
        "subtitles url to an .srt",
        [{"op": "replace", "path": "/languages/1/subtitles/url", "value": "subtitles/pl.srt"}],
    ),
    "subtitles-mime": (
        "schema",
        "subtitles as text/plain",
        [{"op": "replace", "path": "/languages/1/subtitles/mimeType", "value": "text/plain"}],
    ),
    "subtitles-no-cues": (
        "schema",
        "subtitles with 0 cues",
        [{"op": "replace", "path": "/languages/1/subtitles/cues", "value": 0}],
    ),
    "poster-webp": (
        "schema",
        "the main poster as WebP (og:image and <video poster> want JPEG)",
        [
            {"op": "replace", "path": "/poster/mimeType", "value": "image/webp"},
            {"op": "replace", "path": "/poster/url", "value": "posters/poster-180.webp"},
        ],
    ),
    "poster-extension": (
        "schema",
        "a JPEG poster named .png",
        [{"op": "replace", "path": "/posters/0/url", "value": "posters/poster-180.png"}],
    ),
    "posters-empty": ("schema", "no posters", [{"op": "replace", "path": "/posters", "value": []}]),
    "url-absolute": (
        "schema",
        "an absolute URL to a CDN",
        [{"op": "replace", "path": R0 + "/url", "value": "https://cdn.example.org/video/pl/pl-180.mp4"}],
    ),
    "url-root-relative": (
        "schema",
        "a URL from the site root",
        [{"op": "replace", "path": R0 + "/url", "value": "/video/pl/pl-180.mp4"}],
    ),
    "url-parent": (
        "schema",
        "a URL that climbs out of dist/",
        [{"op": "replace", "path": R0 + "/url", "value": "../private/pl-180.mp4"}],
    ),
    "url-backslash": (
        "schema",
        "a Windows path",
        [{"op": "replace", "path": R0 + "/url", "value": "video\\pl\\pl-180.mp4"}],
    ),
    "url-query": (
        "schema",
        "a cache-busting query string",
        [{"op": "replace", "path": R0 + "/url", "value": "video/pl/pl-180.mp4?v=2"}],
    ),
    "url-scheme-relative": (
        "schema",
        "a scheme-relative URL",
        [{"op": "replace", "path": R0 + "/url", "value": "//cdn.example.org/pl-180.mp4"}],
    ),
    "sha256-upper": ("schema", "sha256 in upper case", [{"op": "replace", "path": R0 + "/sha256", "value": "A" * 64}]),
    "sha256-short": ("schema", "sha256 cut short", [{"op": "replace", "path": R0 + "/sha256", "value": "abc123"}]),
    "bytes-negative": ("schema", "negative size", [{"op": "replace", "path": R0 + "/bytes", "value": -1}]),
    "bytes-float": ("schema", "size with a fraction", [{"op": "replace", "path": R0 + "/bytes", "value": 12.5}]),
    "bytes-string": ("schema", "size as '1.2 MB'", [{"op": "replace", "path": R0 + "/bytes", "value": "1.2 MB"}]),
    "width-zero": ("schema", "width 0", [{"op": "replace", "path": R0 + "/width", "value": 0}]),
    "renditions-missing": (
        "schema",
        "a language without renditions",
        [{"op": "remove", "path": "/languages/2/renditions"}],
    ),
    "languages-empty": ("schema", "no languages", [{"op": "replace", "path": "/languages", "value": []}]),
    "created-at-local": (
        "schema",
        "createdAt without a time zone",
        [{"op": "replace", "path": "/build/createdAt", "value": "2026-11-26 10:00:00"}],
    ),
    "build-id-short": (
        "schema",
        "build id that is not a SHA-256",
        [{"op": "replace", "path": "/build/id", "value": "build-42"}],
    ),
    "dub-without-loudness": (
        "schema",
        "a dub with null loudness (only silent tracks have none)",
        [{"op": "replace", "path": "/languages/1/audio/integratedLufs", "value": None}],
    ),
    "loudness-positive": (
        "schema",
        "integrated loudness +3 LUFS",
        [{"op": "replace", "path": "/languages/1/audio/integratedLufs", "value": 3.0}],
    ),
    "rendition-duration-negative": (
        "schema",
        "negative rendition duration",
        [{"op": "replace", "path": R0 + "/durationSeconds", "value": -74.04}],
    ),
    "bitrate-zero": ("schema", "bitrate 0", [{"op": "replace", "path": R0 + "/bitrateKbps", "value": 0}]),
    # What a schema cannot say, checked without the files
    "duplicate-language": (
        "contract",
        "a language listed twice",
        [{"op": "add", "path": "/languages/-", "value": "$/languages/1"}],
    ),
    "source-language-mismatch": (
        "contract",
        "sourceLanguage names another language than the isSource one",
        [{"op": "replace", "path": "/film/sourceLanguage", "value": "pl"}],
    ),
    "source-language-absent": (
        "contract",
        "sourceLanguage not among the languages",
        [{"op": "replace", "path": "/film/sourceLanguage", "value": "fr"}],
    ),
    "rendition-half-length": (
        "contract",
        "a rendition half the film's length",
        [{"op": "replace", "path": R0 + "/durationSeconds", "value": "$half:/film/durationSeconds"}],
    ),
    "rendition-longer": (
        "contract",
        "a rendition a second longer than the film",
        [{"op": "replace", "path": R0 + "/durationSeconds", "value": "$plus1:/film/durationSeconds"}],
    ),
    "bitrate-tenfold": (
        "contract",
        "bitrateKbps ten times what the size and duration give",
        [{"op": "replace", "path": R0 + "/bitrateKbps", "value": "$times10:" + R0 + "/bitrateKbps"}],
    ),
    "poster-not-listed": (
        "contract",
        "the main poster is not one of the posters",
        [{"op": "replace", "path": "/posters", "value": "$drop-first:/posters"}],
    ),
    "same-url-two-files": (
        "contract",
        "two entries name one file with different hashes",
        [{"op": "replace", "path": "/languages/2/renditions/0/url", "value": "$/languages/1/renditions/0/url"}],
    ),
    # Needs the files
    "size-off-by-one": (
        "verify",
        "bytes one more than the file",
        [{"op": "replace", "path": R0 + "/bytes", "value": "$plus1:" + R0 + "/bytes"}],
    ),
    "hash-of-another-file": (
        "verify",
        "sha256 of another file",
        [{"op": "replace", "path": R0 + "/sha256", "value": "$/languages/2/renditions/0/sha256"}],
    ),
    "file-not-uploaded": (
        "verify",
        "a listed file that is not there",
        [{"op": "replace", "path": R0 + "/url", "value": "video/pl/pl-1080.0123456789ab.mp4"}],
    ),
    "wrong-size-in-pixels": (
        "verify",
        "width and height of another rung",
        [
            {"op": "replace", "path": R0 + "/width", "value": 1280},
            {"op": "replace", "path": R0 + "/height", "value": 720},
        ],
    ),
    "codecs-of-another-profile": (
        "verify",
        "valid codecs, but not the file's (Baseline instead of High)",
        [{"op": "replace", "path": R0 + "/codecs", "value": "avc1.42e01e,mp4a.40.2"}],
    ),
    "cue-count": (
        "verify",
        "a cue count that is not the file's",
        [{"op": "replace", "path": "/languages/1/subtitles/cues", "value": 7}],
    ),
    "film-twice-as-long": (
        "verify",
        "film and every rendition said to last twice as long as the files",
        [{"op": "replace", "path": "/film/durationSeconds", "value": "$double-all-durations"}],
    ),
    "checksums-count": (
        "verify",
        "hls.checksums.files not the number of lines",
        [{"op": "replace", "path": "/hls/checksums/files", "value": 1}],
    ),
    "checksums-total": (
        "verify",
        "hls.checksums.totalBytes not the tree's size",
        [{"op": "replace", "path": "/hls/checksums/totalBytes", "value": 1}],
    ),
    "preview-hash": (
        "verify",
        "index.html listed with a hash it does not have",
        [{"op": "replace", "path": "/preview/sha256", "value": SHA}],
    ),
    # content-hashed names (pipeline/content_names.py): the flag and the entry points must agree with the names
    "immutable-as-text": (
        "schema",
        "immutable written as 'yes'",
        [{"op": "replace", "path": R0 + "/immutable", "value": "yes"}],
    ),
    "entry-points-empty": (
        "schema",
        "entryPoints is an empty list",
        [{"op": "replace", "path": "/entryPoints", "value": []}],
    ),
    "entry-point-absolute": (
        "schema",
        "an entry point given as a full URL",
        [{"op": "replace", "path": "/entryPoints/0", "value": "https://cdn.example.org/film/manifest.json"}],
    ),
    "immutable-fixed-name": (
        "contract",
        "index.html marked immutable: a CDN would keep an old preview page for a year",
        [{"op": "replace", "path": "/preview/immutable", "value": True}],
    ),
    "immutable-master-playlist": (
        "contract",
        "the HLS master playlist marked immutable: players would never see a new build",
        [{"op": "replace", "path": "/hls/immutable", "value": True}],
    ),
    "hashed-name-not-immutable": (
        "contract",
        "a content-hashed MP4 marked not immutable",
        [{"op": "replace", "path": R0 + "/immutable", "value": False}],
    ),
    "entry-point-hashed": (
        "contract",
        "a content-hashed MP4 listed as an entry point (its name changes with every build that changes it)",
        [{"op": "add", "path": "/entryPoints/-", "value": "$/languages/1/renditions/0/url"}],
    ),
}


def main() -> None:
    folder = Path(__file__).parent / "broken"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.json"):
        old.unlink()
    for name, (layer, mistake, patch) in CASES.items():
        case = {"mistake": mistake, "rejectedBy": layer, "patch": patch}
        (folder / f"{name}.json").write_text(json.dumps(case, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
