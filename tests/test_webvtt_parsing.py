"""filmpipe's WebVTT reader against the W3C parsing algorithm, case by case, and against Chromium.

The cases are our own, written after the categories of the web-platform-tests suite
`webvtt/parsing/file-parsing` (signature, header, timings, arrows, nulls, ids, newlines,
whitespace, stylesheets, regions) with the expectations the specification gives (WPT's files
are not copied). Each case lists the cues a browser keeps as (id, start, end, text). The last
test loads every case into Chromium as a <track> and compares the browser's cues with ours.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser import launch_browser, require_chromium, serve

from pipeline.subtitles import webvtt_parser
from pipeline.subtitles.reader import read_subtitles

CASES: dict[str, tuple[str, list[tuple[str, float, float, str]]]] = {
    # ---------------------------------------------------------------- signature
    "signature-alone": ("WEBVTT", []),
    "signature-space-text": ("WEBVTT some title\n\n00:00.000 --> 00:01.000\na\n", [("", 0, 1, "a")]),
    "signature-tab": ("WEBVTT\t\n\n00:00.000 --> 00:01.000\na\n", [("", 0, 1, "a")]),
    "signature-bom": ("\ufeffWEBVTT\n\n00:00.000 --> 00:01.000\na\n", [("", 0, 1, "a")]),
    "signature-run-on": ("WEBVTTX\n\n00:00.000 --> 00:01.000\na\n", []),
    "signature-lower-case": ("webvtt\n\n00:00.000 --> 00:01.000\na\n", []),
    "signature-form-feed": ("WEBVTT\f\n\n00:00.000 --> 00:01.000\na\n", []),
    "signature-blank-line-first": ("\nWEBVTT\n\n00:00.000 --> 00:01.000\na\n", []),
    "signature-too-short": ("WEBVT", []),
    # ---------------------------------------------------------------- header
    "header-timing-right-after": ("WEBVTT\n00:00.000 --> 00:01.000\na\n", [("", 0, 1, "a")]),
    "header-garbage-then-cue": ("WEBVTT\nfoo\nbar\n\n00:00.000 --> 00:01.000\na\n", [("", 0, 1, "a")]),
    "header-legacy-region-lines": (
        "WEBVTT\nRegion: id=r1 width=40%\nRegion: id=r2\n\n00:00.000 --> 00:01.000 region:r1\na\n",
        [("", 0, 1, "a")],
    ),
    # Chromium (an older text of the algorithm): a timing line as the header's 1st or 2nd line is a cue.
    "header-garbage-then-timing-no-blank": ("WEBVTT\nfoo\n00:00.000 --> 00:01.000\na\n", [("foo", 0, 1, "a")]),
    "header-two-lines-then-timing": ("WEBVTT\nfoo\nbar\n00:00.000 --> 00:01.000\na\n", [("", 0, 1, "a")]),
    # ---------------------------------------------------------------- timings
    "timings-omitted-hours": ("WEBVTT\n\n00:01.500 --> 01:02.250\na\n", [("", 1.5, 62.25, "a")]),
    "timings-long-hours": ("WEBVTT\n\n100:00:00.000 --> 100:00:01.000\na\n", [("", 360000, 360001, "a")]),
    "timings-three-digit-minutes": ("WEBVTT\n\n000:00.000 --> 000:01.000\na\n", []),
    "timings-one-digit-hours": ("WEBVTT\n\n0:00:00.000 --> 0:00:01.000\na\n", [("", 0, 1, "a")]),
    "timings-one-digit-minutes": ("WEBVTT\n\n0:00.000 --> 0:01.000\na\n", []),
    "timings-one-digit-seconds": ("WEBVTT\n\n00:0.000 --> 00:1.000\na\n", []),
    "timings-two-digit-fraction": ("WEBVTT\n\n00:00.00 --> 00:01.00\na\n", []),
    "timings-four-digit-fraction": ("WEBVTT\n\n00:00.0000 --> 00:01.0000\na\n", []),
    "timings-comma": ("WEBVTT\n\n00:00:00,000 --> 00:00:01,000\na\n", []),
    "timings-sixty-seconds": ("WEBVTT\n\n00:00:60.000 --> 00:01:00.000\na\n", []),
    "timings-sixty-minutes": ("WEBVTT\n\n00:60:00.000 --> 01:00:00.000\na\n", []),
    "timings-sixty-as-hours": ("WEBVTT\n\n60:00:00.000 --> 60:00:01.000\na\n", [("", 216000, 216001, "a")]),
    "timings-negative-kept": ("WEBVTT\n\n00:00:01.000 --> 00:00:00.999\na\n", [("", 1, 0.999, "a")]),
    "timings-eof-no-text": ("WEBVTT\n\n00:00.000 --> 00:01.000", [("", 0, 1, "")]),
    "timings-trailing-garbage-is-settings": ("WEBVTT\n\n00:00.000 --> 00:01.000x\na\n", [("", 0, 1, "a")]),
    "timings-settings-garbage-ignored": ("WEBVTT\n\n00:00.000 --> 00:01.000 foo:bar baz\na\n", [("", 0, 1, "a")]),
    # ---------------------------------------------------------------- arrows
    "arrows-no-spaces": ("WEBVTT\n\n00:00.000-->00:01.000\na\n", [("", 0, 1, "a")]),
    "arrows-tabs": ("WEBVTT\n\n00:00.000\t-->\t00:01.000\na\n", [("", 0, 1, "a")]),
    "arrows-short": ("WEBVTT\n\n00:00.000 -> 00:01.000\na\n", []),
    "arrows-word-arrow": ("WEBVTT\n\nfoo-->\na\n\n00:02.000 --> 00:03.000\nb\n", [("", 2, 3, "b")]),
    "arrows-in-id-line": ("WEBVTT\n\nid-->x\n00:00.000 --> 00:01.000\na\n", [("", 0, 1, "a")]),
    "arrows-in-text-ends-cue": (
        "WEBVTT\n\n00:00.000 --> 00:01.000\na\nClick --> Start\nb\n\n00:02.000 --> 00:03.000\nc\n",
        [("", 0, 1, "a"), ("", 2, 3, "c")],
    ),
    "arrows-next-cue-without-blank-line": (
        "WEBVTT\n\n00:00.000 --> 00:01.000\na\n00:02.000 --> 00:03.000\nb\n",
        [("", 0, 1, "a"), ("", 2, 3, "b")],
    ),
    "arrows-escaped-in-text": (
        "WEBVTT\n\n00:00.000 --> 00:01.000\nClick --&gt; Start\n",
        [("", 0, 1, "Click --&gt; Start")],
    ),
    # ---------------------------------------------------------------- nulls
    "nulls-in-text": ("WEBVTT\n\n00:00.000 --> 00:01.000\n\x00te\x00xt\n", [("", 0, 1, "\ufffdte\ufffdxt")]),
    "nulls-in-id": ("WEBVTT\n\n\x00 id\n00:00.000 --> 00:01.000\na\n", [("\ufffd id", 0, 1, "a")]),
    "nulls-in-timing": ("WEBVTT\n\n00:00.000 -\x00-> 00:01.000\na\n\n00:02.000 --> 00:03.000\nb\n", [("", 2, 3, "b")]),
    "nulls-in-timestamp": ("WEBVTT\n\n00:00.0\x0000 --> 00:01.000\na\n", []),
    "nulls-in-settings": ("WEBVTT\n\n00:00.000 --> 00:01.000 \x00\na\n", [("", 0, 1, "a")]),
    # ---------------------------------------------------------------- ids
    "ids-spaces-and-symbols": (
        "WEBVTT\n\nCue 1 — ça va?\n00:00.000 --> 00:01.000\na\n",
        [("Cue 1 — ça va?", 0, 1, "a")],
    ),
    "ids-note-with-timing-is-a-cue": ("WEBVTT\n\nNOTE\n00:00.000 --> 00:01.000\na\n", [("NOTE", 0, 1, "a")]),
    "ids-two-lines-before-timing": ("WEBVTT\n\nid1\nid2\n00:00.000 --> 00:01.000\na\n", [("", 0, 1, "a")]),
    # ---------------------------------------------------------------- newlines
    "newlines-crlf": ("WEBVTT\r\n\r\n00:00.000 --> 00:01.000\r\na\r\nb\r\n", [("", 0, 1, "a\nb")]),
    "newlines-cr": ("WEBVTT\r\r00:00.000 --> 00:01.000\ra\rb\r", [("", 0, 1, "a\nb")]),
    "newlines-mixed-blank-lines": ("WEBVTT\n\r\n\r00:00.000 --> 00:01.000\na\n\n\n\n", [("", 0, 1, "a")]),
    # ---------------------------------------------------------------- whitespace
    "whitespace-form-feed-around-arrow": ("WEBVTT\n\n00:00.000\f-->\f00:01.000\na\n", [("", 0, 1, "a")]),
    "whitespace-leading-spaces": ("WEBVTT\n\n   00:00.000 --> 00:01.000\na\n", [("", 0, 1, "a")]),
    "whitespace-only-line-is-text": ("WEBVTT\n\n00:00.000 --> 00:01.000\na\n \nb\n", [("", 0, 1, "a\n \nb")]),
    "whitespace-nbsp-in-timing": ("WEBVTT\n\n00:00.000\u00a0--> 00:01.000\na\n", []),
    # ---------------------------------------------------------------- stylesheets and regions
    "stylesheet-then-cue": ("WEBVTT\n\nSTYLE\n::cue { color: red }\n\n00:00.000 --> 00:01.000\na\n", [("", 0, 1, "a")]),
    "stylesheet-blank-line-inside": (
        "WEBVTT\n\nSTYLE\n::cue {\n\n}\n\n00:00.000 --> 00:01.000\na\n",
        [("", 0, 1, "a")],
    ),
    "stylesheet-after-cue-ignored": (
        "WEBVTT\n\n00:00.000 --> 00:01.000\na\n\nSTYLE\n::cue { color: red }\n\n00:02.000 --> 00:03.000\nb\n",
        [("", 0, 1, "a"), ("", 2, 3, "b")],
    ),
    # Chromium: "STYLE" above the first timing line is not an identifier; "REGION" and a later "STYLE" are.
    "stylesheet-with-timing-is-a-cue": ("WEBVTT\n\nSTYLE\n00:00.000 --> 00:01.000\na\n", [("", 0, 1, "a")]),
    "region-with-timing-is-a-cue": ("WEBVTT\n\nREGION\n00:00.000 --> 00:01.000\na\n", [("REGION", 0, 1, "a")]),
    "stylesheet-word-after-cue-is-an-id": (
        "WEBVTT\n\n00:00.000 --> 00:01.000\na\n\nSTYLE\n00:02.000 --> 00:03.000\nb\n",
        [("", 0, 1, "a"), ("STYLE", 2, 3, "b")],
    ),
    "region-block": ("WEBVTT\n\nREGION\nid:r1\nwidth:40%\n\n00:00.000 --> 00:01.000 region:r1\na\n", [("", 0, 1, "a")]),
    "note-block": ("WEBVTT\n\nNOTE a comment\nover two lines\n\n00:00.000 --> 00:01.000\na\n", [("", 0, 1, "a")]),
}


def ours(source: str) -> list[tuple[str, float, float, str]]:
    text = source[1:] if source.startswith("\ufeff") else source
    return [(c.identifier, c.start, c.end, c.text) for c in webvtt_parser.parse(text).cues]


@pytest.mark.parametrize("name", sorted(CASES))
def test_parser_follows_the_specification(name: str) -> None:
    source, expected = CASES[name]
    assert ours(source) == [(i, float(s), float(e), t) for i, s, e, t in expected]


@pytest.mark.parametrize("name", sorted(CASES))
def test_whatever_a_browser_drops_is_a_finding(name: str, tmp_path: Path) -> None:
    """Every case where a browser keeps fewer cues than there are timing lines (or none) is said."""
    source, expected = CASES[name]
    path = tmp_path / "en.vtt"
    path.write_bytes(source.encode("utf-8"))
    doc, findings = read_subtitles(path, "en")
    assert doc is not None and len(doc.cues) == len(expected)
    arrows = sum(1 for line in source.replace("\r\n", "\n").replace("\r", "\n").split("\n") if "-->" in line)
    dropped = arrows > len(expected) or (not expected and source.strip() and not name.endswith("alone"))
    has_finding = any(f.severity == "error" for f in findings)
    if "escaped" in name or "next-cue" in name or "settings-garbage" in name:
        assert not has_finding, findings
    elif dropped:
        assert has_finding, findings
    for f in findings:
        assert f.message and f.hint and f.line is not None


def test_every_case_matches_chromium(tmp_path: Path) -> None:
    """The cases loaded into Chromium as <track>s: its cues are ours (id, times, text)."""
    require_chromium()
    names = sorted(CASES)
    for i, name in enumerate(names):
        (tmp_path / f"{i}.vtt").write_bytes(CASES[name][0].encode("utf-8"))
    (tmp_path / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><video></video><script>\n"
        f"const count = {len(names)};\n"
        """window.results = new Array(count).fill(null);
const video = document.querySelector('video');
for (let i = 0; i < count; i++) {
  const track = document.createElement('track');
  track.kind = 'subtitles'; track.src = i + '.vtt'; track.default = false;
  video.appendChild(track);
  track.track.mode = 'hidden';
  const done = () => { window.results[i] = Array.from(track.track.cues || []).map(
      c => [c.id, c.startTime, c.endTime, c.text]); };
  track.addEventListener('load', done);
  track.addEventListener('error', () => { window.results[i] = 'error'; });
}
</script>""",
        encoding="utf-8",
    )
    with serve(tmp_path) as base, launch_browser() as browser:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(f"{base}/index.html")
        page.wait_for_function("window.results.every(r => r !== null)", timeout=30_000)
        results = json.loads(page.evaluate("JSON.stringify(window.results)"))
    mismatches = {}
    for name, theirs in zip(names, results, strict=True):
        theirs = [] if theirs == "error" else [tuple(c) for c in theirs]
        mine = [(i, s, e, t) for i, s, e, t in ours(CASES[name][0])]
        if [(i, round(s, 3), round(e, 3), t) for i, s, e, t in theirs] != [
            (i, round(s, 3), round(e, 3), t) for i, s, e, t in mine
        ]:
            mismatches[name] = (theirs, mine)
    assert mismatches == {}
