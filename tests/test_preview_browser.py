"""dist/index.html: self-contained, escaped, and driven in Debian's Chromium in every language."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import launch_browser, serve
from build_helpers import published
from site_staging import built_site  # noqa: F401 (fixture)

from pipeline.project import load_project
from pipeline.publish.preview import render_index

URDU_CUE_TIME = 2.0  # inside the second cue (1.6–2.9 s) of the test subtitles


def manifest_of(dist: Path) -> dict:
    return json.loads((dist / "manifest.json").read_text(encoding="utf-8"))


def vtt_cues(path: Path) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue, read straight from the file."""

    def seconds(stamp: str) -> float:
        h, m, s = (["0"] + stamp.split(":"))[-3:]
        return int(h) * 3600 + int(m) * 60 + float(s)

    cues = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        for i, line in enumerate(lines):
            if "-->" in line:
                start, end = (part.split()[0] for part in line.split("-->"))
                cues.append((seconds(start), seconds(end), "\n".join(lines[i + 1 :])))
    return cues


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        for name in ("src", "href", "poster"):
            if attrs.get(name) is not None:
                self.refs.append((tag, name, attrs[name]))


def test_the_page_is_self_contained(built_site):
    dist = built_site.dist
    html = (dist / "index.html").read_text(encoding="utf-8")
    parser = _Refs()
    parser.feed(html)
    assert parser.refs
    for tag, name, value in parser.refs:
        assert not re.match(r"^(https?:)?//", value), (tag, name, value)
        if value.startswith("data:"):
            continue
        assert (dist / value.split("#")[0]).is_file(), (tag, name, value)
    assert not any(tag == "link" and a.get("rel") == "stylesheet" for tag, a in parser.tags)
    assert not any(tag == "script" and a.get("src") for tag, a in parser.tags)


def test_catalog_text_is_escaped_in_markup_and_script(built_site):
    manifest = manifest_of(built_site.dist)
    hostile = '</script><script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"'
    manifest["languages"][1]["title"] = hostile
    html = render_index(manifest, load_project(built_site.project), built_site.dist)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;/script&gt;" in html or "\\u003c/script\\u003e" in html
    data = re.search(r'<script type="application/json" id="film-data">(.*?)</script>', html, re.S).group(1)
    assert json.loads(data)["languages"][manifest["languages"][1]["code"]]["title"] == hostile


# --- in the browser -------------------------------------------------------------------------


def _collect_errors(page) -> tuple[list[str], list[str]]:
    console: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))

    def on_failed(request) -> None:
        # Chromium cancels a video's range request when it seeks or the source changes
        # (net::ERR_ABORTED); that is the player at work, not a missing or broken file.
        if request.failure == "net::ERR_ABORTED" and request.resource_type == "media":
            return
        failed.append(f"{request.url}: {request.failure}")

    page.on("requestfailed", on_failed)
    page.on("response", lambda r: failed.append(f"{r.url}: HTTP {r.status}") if r.status >= 400 else None)
    return console, failed


def _state(page) -> dict:
    return page.evaluate(
        """() => {
          const v = document.getElementById('player');
          return {
            src: v.getAttribute('src'), currentSrc: v.currentSrc, time: v.currentTime, error: v.error && v.error.code,
            htmlLang: document.documentElement.lang, htmlDir: document.documentElement.dir,
            mainLang: document.getElementById('main').lang, mainDir: document.getElementById('main').dir,
            title: document.getElementById('film-title').textContent, docTitle: document.title,
            titleLang: document.getElementById('film-title').getAttribute('lang'),
            showing: Array.from(v.textTracks).filter(t => t.mode === 'showing').map(t => t.language),
            defaults: Array.from(v.querySelectorAll('track')).filter(t => t.default).map(t => t.srclang),
            downloads: Array.from(document.querySelectorAll('table[data-lang]')).filter(t => !t.hidden).map(t => t.dataset.lang),
            embed: document.getElementById('embed').value,
            legend: document.querySelector('#language-picker legend').textContent,
          };
        }"""
    )


def _play_for(page, seconds: float) -> tuple[float, float]:
    page.wait_for_function("document.getElementById('player').readyState >= 2", timeout=10_000)
    before = page.evaluate("document.getElementById('player').currentTime")
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_timeout(int(seconds * 1000))
    after = page.evaluate("document.getElementById('player').currentTime")
    page.evaluate("document.getElementById('player').pause()")
    return before, after


@pytest.mark.browser
def test_every_language_plays_in_chromium(built_site, artifacts_dir):
    dist = built_site.dist
    manifest = manifest_of(dist)
    with serve(dist) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 1200})
        console, failed = _collect_errors(page)
        page.goto(base + "index.html")
        page.wait_for_load_state("networkidle")

        # the picker lists every language in its own name, each item with its lang and dir
        items = page.eval_on_selector_all(
            "#language-picker label",
            "els => els.map(e => ({lang: e.lang, dir: e.dir, native: e.querySelector('.native').textContent,"
            " value: e.querySelector('input').value}))",
        )
        assert [i["value"] for i in items] == [l["code"] for l in manifest["languages"]]
        for item, lang in zip(items, manifest["languages"], strict=False):
            assert (item["lang"], item["dir"], item["native"]) == (lang["code"], lang["direction"], lang["nativeName"])

        # a <track> for every subtitle language, labelled with its own name
        tracks = page.eval_on_selector_all(
            "#player track", "els => els.map(e => [e.kind, e.srclang, e.label, e.getAttribute('src')])"
        )
        assert tracks == [
            ["subtitles", l["code"], l["nativeName"], l["subtitles"]["url"]] for l in manifest["languages"]
        ]

        previous_src = None
        for lang in manifest["languages"]:
            code = lang["code"]
            page.check(f'input[name="language"][value="{code}"]')
            state = _state(page)
            progressive = next(r["url"] for r in lang["renditions"] if r["kind"] == "progressive")
            assert state["src"] == progressive and state["currentSrc"].endswith("/" + progressive)
            assert state["src"] != previous_src
            previous_src = state["src"]
            assert (state["htmlLang"], state["htmlDir"]) == (code, lang["direction"])
            assert (state["mainLang"], state["mainDir"]) == (code, lang["direction"])
            assert state["title"] == lang["title"] == state["docTitle"]
            # a title that fell back to the source language says so
            source = manifest["film"]["sourceLanguage"]
            assert state["titleLang"] == (None if lang["titleTranslated"] else source)
            assert state["showing"] == [code] and state["defaults"] == [code]
            assert state["downloads"] == [code]
            assert f'src="{progressive}"' in state["embed"] and f'srclang="{code}"' in state["embed"]
            page.evaluate("document.getElementById('player').currentTime = 0")
            before, after = _play_for(page, 0.8)
            assert after > before + 0.2, (code, before, after)
            assert _state(page)["error"] is None
            page.screenshot(path=str(artifacts_dir / f"preview-{code}.png"), full_page=True)

        assert console == []
        assert failed == []


@pytest.mark.browser
def test_the_urdu_track_shows_the_vtt_text_right_to_left(built_site, artifacts_dir):
    dist = built_site.dist
    expected = [
        text for start, end, text in vtt_cues(published(dist, "subtitles/ur.vtt")) if start <= URDU_CUE_TIME < end
    ]
    assert len(expected) == 1
    with serve(dist) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 1200})
        console, failed = _collect_errors(page)
        page.goto(base + "index.html#ur")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.evaluate("document.querySelector('input[value=ur]').checked") is True
        page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=10_000)
        page.evaluate(f"document.getElementById('player').currentTime = {URDU_CUE_TIME}")
        page.wait_for_function(
            "(() => { const t = Array.from(document.getElementById('player').textTracks)"
            ".find(t => t.language === 'ur'); return t && t.activeCues && t.activeCues.length > 0; })()",
            timeout=10_000,
        )
        active = page.evaluate(
            "Array.from(Array.from(document.getElementById('player').textTracks)"
            ".find(t => t.language === 'ur').activeCues).map(c => c.text)"
        )
        assert active == expected
        # the page's text runs right to left: the title's right edge meets the content's right edge
        title_box = page.locator("#film-title").bounding_box()
        main_box = page.locator("header").bounding_box()
        assert title_box["x"] + title_box["width"] > main_box["x"] + main_box["width"] - 40
        assert page.evaluate("getComputedStyle(document.getElementById('film-title')).direction") == "rtl"
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts_dir / "preview-ur-cue.png"), full_page=False)
        assert console == [] and failed == []


@pytest.mark.browser
def test_open_captions_switch_keyboard_and_copy(built_site):
    dist = built_site.dist
    manifest = manifest_of(dist)
    polish = next(l for l in manifest["languages"] if l["code"] == "pl")
    captioned = next(r["url"] for r in polish["renditions"] if r["kind"] == "open-captions")
    with serve(dist) as base, launch_browser() as browser:
        context = browser.new_context()
        page = context.new_page()
        console, failed = _collect_errors(page)
        page.goto(base + "index.html")
        page.wait_for_load_state("networkidle")

        # keyboard: focus the first language and move with the arrow key
        page.focus('input[name="language"][value="en"]')
        page.keyboard.press("ArrowRight")
        second = manifest["languages"][1]["code"]
        assert page.evaluate("document.documentElement.lang") == second
        page.check('input[name="language"][value="pl"]')

        # the open-caption switch plays the burned-in version and hides the tracks
        page.check("#open-captions")
        state = _state(page)
        assert state["src"] == captioned and state["showing"] == []
        before, after = _play_for(page, 0.6)
        assert after > before
        page.uncheck("#open-captions")
        assert _state(page)["showing"] == ["pl"]

        # every control has an accessible name
        unnamed = page.evaluate(
            """() => Array.from(document.querySelectorAll('button, input, textarea, video')).filter(el => {
                 const label = el.labels && el.labels.length ? el.labels[0].textContent.trim() : '';
                 const by = el.getAttribute('aria-labelledby');
                 return !(label || el.getAttribute('aria-label') || (by && document.getElementById(by)) || el.textContent.trim());
               }).map(el => el.outerHTML.slice(0, 80))"""
        )
        assert unnamed == []

        # copy: the status says "Copied" in the picked language (clipboard or selection fallback)
        page.click("#copy")
        page.wait_for_function("document.getElementById('copy-status').textContent.length > 0", timeout=5_000)
        from pipeline.publish.preview import page_labels

        labels = page_labels(load_project(built_site.project), "pl")
        assert labels["Copy"] != "Copy"  # the test project's Polish catalog translates it
        assert page.text_content("#copy-status") == labels["Copied"]
        assert page.text_content("#copy") == labels["Copy"]
        assert console == [] and failed == []


@pytest.mark.browser
def test_opened_from_the_file_system_the_tracks_still_load(built_site):
    dist = built_site.dist
    with launch_browser() as browser:
        page = browser.new_page()
        console, failed = _collect_errors(page)
        page.goto((dist / "index.html").as_uri() + "#pl")
        page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=10_000)
        page.evaluate("document.getElementById('player').currentTime = 0.5")
        page.wait_for_function(
            "(() => { const t = Array.from(document.getElementById('player').textTracks)"
            ".find(t => t.language === 'pl'); return t && t.cues && t.cues.length > 0; })()",
            timeout=10_000,
        )
        texts = page.evaluate(
            "Array.from(Array.from(document.getElementById('player').textTracks).find(t => t.language === 'pl').cues).map(c => c.text)"
        )
        assert texts == [c[2] for c in vtt_cues(published(dist, "subtitles/pl.vtt"))]
        assert console == [] and failed == []


def test_a_draft_build_says_so_on_the_page(built_site):
    manifest = manifest_of(built_site.dist)
    project = load_project(built_site.project)
    assert "Draft build" not in render_index(manifest, project, built_site.dist)
    manifest["build"]["draft"] = True
    assert "Draft build" in render_index(manifest, project, built_site.dist)
