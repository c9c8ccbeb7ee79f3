"""The HLS embed code of docs/manifest.md, played as written in Chromium against a real build.

The snippet is taken from the docs (the block after the `hls-snippet` marker), not from the
code that writes the preview page, so the documentation cannot drift from what works. Its
CDN script is answered with the vendored hls.js (same bytes, so its Subresource Integrity
digest must match too).
"""

from __future__ import annotations

import re
from pathlib import Path

from browser import launch_browser, serve
from conftest import LANGS
from site_staging import built_site, copy_dist  # noqa: F401 (fixture)

from pipeline.publish.preview import HLS_JS_URL, hls_snippet

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "manifest.md"
HLS_JS = Path(__file__).parent / "vendor" / "hls.js" / "hls.min.js"


def docs_snippet() -> str:
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"<!-- hls-snippet[^>]*-->\s*```html\n(.*?)\n```", text, re.S)
    assert match, "docs/manifest.md lost its hls-snippet block"
    return match.group(1)


def test_the_docs_snippet_is_the_one_the_preview_page_gives():
    assert docs_snippet() == hls_snippet("hls/master.m3u8", "ur", 1280, 720, "posters/poster-720.jpg")


def test_the_docs_snippet_plays_every_language_in_chromium(built_site, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    dist = copy_dist(built_site.dist, site)
    poster = sorted((dist / "posters").glob("*.jpg"))[0].relative_to(dist).as_posix()
    snippet = docs_snippet().replace("posters/poster-720.jpg", poster)  # the demo's poster name
    (dist / "film.html").write_text(
        f'<!doctype html><html lang="ur"><meta charset="utf-8"><title>t</title><body>{snippet}</body></html>',
        encoding="utf-8",
    )
    with serve(dist) as base, launch_browser() as browser:
        page = browser.new_page()
        cdn: list[str] = []

        def answer(route):
            cdn.append(route.request.url)
            route.fulfill(
                path=str(HLS_JS),
                content_type="application/javascript",
                headers={"Access-Control-Allow-Origin": "*"},
            )

        page.route(HLS_JS_URL, answer)
        page.goto(base + "film.html")
        native = page.evaluate("document.createElement('video').canPlayType('application/vnd.apple.mpegurl')")
        page.wait_for_function(
            "window.hls && hls.audioTracks.length > 0 && hls.subtitleTracks.length > 0"
            " && document.getElementById('film').textTracks.length > 0",
            timeout=30_000,
        )
        page.evaluate("document.getElementById('film').muted = true; document.getElementById('film').play()")
        page.wait_for_function("document.getElementById('film').currentTime > 0.5", timeout=30_000)
        state = page.evaluate(
            """() => ({
                audio: hls.audioTracks.map(t => t.lang),
                subtitles: hls.subtitleTracks.map(t => t.lang),
                text: Array.from(document.getElementById('film').textTracks).map(t => t.language),
                audioPicked: hls.audioTracks[hls.audioTrack].lang,
                subtitlePicked: hls.subtitleTrack >= 0 ? hls.subtitleTracks[hls.subtitleTrack].lang : null,
                nativeSrc: document.getElementById('film').getAttribute('src'),
            })"""
        )
    assert cdn == [HLS_JS_URL]
    assert sorted(state["audio"]) == sorted(LANGS), state
    assert sorted(state["subtitles"]) == sorted(LANGS), state
    assert sorted(state["text"]) == sorted(LANGS), state
    assert (state["audioPicked"], state["subtitlePicked"]) == ("ur", "ur"), state
    # Chromium would have taken the native branch of a canPlayType-first snippet
    src = state["nativeSrc"] or ""
    assert src.startswith("blob:") and "m3u8" not in src, f"native HLS was used (canPlayType said {native!r})"


def test_vendored_hls_js_matches_the_pinned_integrity():
    import base64
    import hashlib

    from pipeline.publish.preview import HLS_JS_INTEGRITY

    digest = base64.b64encode(hashlib.sha384(HLS_JS.read_bytes()).digest()).decode()
    assert HLS_JS_INTEGRITY == f"sha384-{digest}"
    assert "1.7.4" in HLS_JS_URL and "1.7.4" in (HLS_JS.parent / "README.md").read_text(encoding="utf-8")
