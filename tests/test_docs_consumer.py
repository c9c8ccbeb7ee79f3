"""A web team's consumer written from docs/manifest.md alone, run against a real build over HTTP.

It does what the docs tell a site to do and nothing else: fetch manifest.json, refuse a
`schemaVersion` other than 1, resolve every `url` against the manifest's own URL, pick a
language's subtitles, its smallest (mobile) and largest progressive MP4 and the HLS master,
and fetch each from a server that answers byte ranges (as the docs require for MP4s), with a
Range request. Every field the consumer reads is recorded, and each must be documented in
docs/manifest.md, so the docs cannot drift from what a consumer needs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

import pytest
from browser import serve
from site_staging import built_site  # noqa: F401 - fixture

DOCS = Path(__file__).resolve().parent.parent / "docs" / "manifest.md"


class Fields(dict):
    """A manifest object that records which field names the consumer reads."""

    read: set[str] = set()

    def __getitem__(self, key):
        Fields.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        Fields.read.add(key)
        return super().get(key, default)


def fetch(url: str, byte_range: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Range": f"bytes={byte_range}"} if byte_range else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def consume(manifest_url: str) -> dict[str, dict]:
    """The consumer: what a site would put on its page, per language."""
    _, _, body = fetch(manifest_url)
    manifest = json.loads(body, object_hook=Fields)
    assert manifest["schemaVersion"] == 1, "the docs say: refuse anything but version 1"
    hls_url = urljoin(manifest_url, manifest["hls"]["url"])
    pages = {}
    for language in manifest["languages"]:
        known = [r for r in language["renditions"] if r["kind"] == "progressive"]  # skip unknown kinds
        assert known, f"{language['code']} has no progressive MP4"
        smallest = min(known, key=lambda r: r["height"])
        largest = max(known, key=lambda r: r["height"])
        subtitles = language.get("subtitles")
        pages[language["code"]] = {
            "lang": language["code"],
            "dir": language["direction"],
            "title": language["title"],
            "label": language["nativeName"],
            "mobile": (urljoin(manifest_url, smallest["url"]), smallest),
            "largest": (urljoin(manifest_url, largest["url"]), largest),
            "type": f'video/mp4; codecs="{largest["codecs"]}"',
            "track": (urljoin(manifest_url, subtitles["url"]), subtitles) if subtitles else None,
            "trackKind": subtitles.get("kind", "subtitles") if subtitles else None,
            "hls": hls_url,
            "isSource": language["isSource"],
        }
    return pages


def check_file(url: str, entry: dict, mime: str) -> bytes:
    """A Range request for the first bytes, then the whole file: size, type and hash as listed."""
    status, headers, head = fetch(url, "0-99")
    assert status == 206, f"{url}: no byte ranges (HTTP {status})"
    assert headers["content-range"] == f"bytes 0-{min(99, entry['bytes'] - 1)}/{entry['bytes']}", url
    assert headers["content-type"].split(";")[0] == mime == entry["mimeType"], url
    status, _, body = fetch(url)
    assert status == 200 and body[:100] == head
    assert len(body) == entry["bytes"] and hashlib.sha256(body).hexdigest() == entry["sha256"], url
    return body


def run_consumer(dist: Path) -> None:
    Fields.read = set()
    with serve(dist.parent) as base:
        manifest_url = f"{base}{dist.name}/manifest.json"
        pages = consume(manifest_url)
        assert sum(p["isSource"] for p in pages.values()) == 1
        _, headers, master = fetch(next(iter(pages.values()))["hls"])
        assert headers["content-type"] == "application/vnd.apple.mpegurl"
        text = master.decode("utf-8")
        for code, page in pages.items():
            assert page["dir"] in ("ltr", "rtl") and page["title"] and page["label"]
            for key in ("mobile", "largest"):
                url, entry = page[key]
                body = check_file(url, entry, "video/mp4")
                assert b"ftyp" in body[:16] and body.find(b"moov") < body.find(b"mdat"), f"{url}: moov not first"
            assert re.fullmatch(r'video/mp4; codecs="avc1\.[0-9a-f]{6},mp4a\.40\.2"', page["type"]), page["type"]
            if page["track"]:
                url, entry = page["track"]
                vtt = check_file(url, entry, "text/vtt").decode("utf-8")
                assert vtt.startswith("WEBVTT") and vtt.count("-->") == entry["cues"], url
                assert page["trackKind"] in ("subtitles", "captions")
            # the master playlist carries every language's audio and subtitles (docs: `hls`)
            assert re.search(rf'TYPE=AUDIO,[^\n]*LANGUAGE="{re.escape(code)}"', text), code
            if page["track"]:
                assert re.search(rf'TYPE=SUBTITLES,[^\n]*LANGUAGE="{re.escape(code)}"', text), code
    docs = DOCS.read_text(encoding="utf-8")
    undocumented = sorted(name for name in Fields.read if f"`{name}`" not in docs)
    assert not undocumented, f"the consumer reads fields docs/manifest.md does not name: {undocumented}"


def test_a_consumer_written_from_the_docs_gets_every_language(built_site) -> None:  # noqa: F811
    run_consumer(built_site.dist)


@pytest.mark.skipif(not os.environ.get("FILMPIPE_PLAYERS_DIST"), reason="set FILMPIPE_PLAYERS_DIST=/path/to/dist")
def test_the_docs_consumer_on_a_given_dist() -> None:
    run_consumer(Path(os.environ["FILMPIPE_PLAYERS_DIST"]).resolve())
