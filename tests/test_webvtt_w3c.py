"""The WebVTT writer checked by something we did not write: the W3C `webvtt-parser` (npm).

One Node process (tests/js/check_webvtt.js) serves the whole module: each file goes in as a
JSON line, its parse (errors, cues) comes back as one. Hypothesis drives cue texts full of
what breaks writers: unbalanced and crossed tags, classes and annotations, foreign tags,
`& < >`, entities, right-to-left text, blank lines, control characters.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.subtitles import text as cuetext
from pipeline.subtitles import webvtt
from pipeline.subtitles.model import Cue

CHECKER = Path(__file__).parent / "js" / "check_webvtt.js"
PARSER = Path(__file__).parent / "js" / "node_modules" / "webvtt-parser"
# Apple's HLS needs X-TIMESTAMP-MAP in a segment's header; the validator flags any header line.
HEADER_LINE = "No blank line after the signature."


class W3CChecker:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            ["node", str(CHECKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def parse(self, vtt: str) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(vtt) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def w3c() -> Iterator[W3CChecker]:
    if shutil.which("node") is None or not PARSER.is_dir():
        pytest.skip("node and tests/js/node_modules (scripts/bootstrap.sh) are needed for the W3C check")
    checker = W3CChecker()
    yield checker
    checker.close()


def cue(text: str, start: float = 1.0, end: float = 2.0, index: int = 1) -> Cue:
    return Cue(index=index, start=start, end=end, lines=tuple(text.split("\n")), line=index)


_TAGS = re.compile(r"<[^>]*>")


def shown(vtt_text: str) -> str:
    """What a viewer reads of a parsed cue's text: tags gone, character references resolved."""
    return html.unescape(_TAGS.sub("", vtt_text)).replace(webvtt.RLM, "")


def expected_lines(c: Cue, language: str) -> str:
    kept = [cuetext.plain(cuetext.clean(line, language)).strip() for line in c.lines]
    return "\n".join(line for line in kept if line)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("<b.first>Hee!</b>", "<b>Hee!</b>"),
        ("Hee!</b>", "Hee!"),
        ("<i>left open", "<i>left open</i>"),
        ("<i><b>crossed</i> tags</b>", "<i><b>crossed</b></i><b> tags</b>"),
        ("<c.yellow>class</c> and <v Bob>voice</v>", "class and voice"),
        ("Fish & chips <3 > 2", "Fish &amp; chips &lt;3 &gt; 2"),
        ("<i>one\ntwo</i>", "<i>one\ntwo</i>"),
        ("<i>\nonly the second line</i>", "only the second line"),
    ],
)
def test_tags_balanced_and_text_escaped(text: str, written: str, w3c: W3CChecker) -> None:
    vtt = webvtt.write([cue(text)], "en")
    assert vtt == f"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n{written}\n"
    parsed = w3c.parse(vtt)
    assert parsed["errors"] == [] and [c["text"] for c in parsed["cues"]] == [written]


def test_the_checker_can_fail(w3c: W3CChecker) -> None:
    """What the writer must never produce is rejected by the validator (so the tests below can fail)."""
    bad = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHee!</b> <i>open & shut\n"
    messages = {e["message"] for e in w3c.parse(bad)["errors"]}
    assert {"Incorrect end tag.", "Required end tag missing.", "Incorrect escape."} <= messages


PIECES = st.one_of(
    st.sampled_from(
        [
            "<i>",
            "</i>",
            "<b>",
            "</b>",
            "<u>",
            "</u>",
            "<b.first>",
            "<i.loud.red>",
            "<c.yellow>",
            "</c>",
            "<v Bob>",
            "</v>",
            "<lang en>",
            "</lang>",
            "<ruby>",
            "<rt>",
            "</ruby>",
            "{\\an8}",
            "<font color=red>",
            "</font>",
            "&",
            "&amp;",
            "&lt;",
            "<",
            ">",
            "-->",
            "\n",
            "\n\n",
            " ",
            "\x00",
            "\x07",
            "ș",
            "پولیس",
            "পুলিশ",
            "123",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=6),
)
CUE_TEXTS = st.lists(PIECES, max_size=12).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(CUE_TEXTS, min_size=1, max_size=4), language=st.sampled_from(["en", "ro", "ur", "bn"]))
def test_round_trip_through_the_w3c_parser(texts: list[str], language: str, w3c: W3CChecker) -> None:
    cues = [cue(t, start=1.0 + 2 * i, end=2.5 + 2 * i, index=i + 1) for i, t in enumerate(texts)]
    rtl = language == "ur"
    vtt = webvtt.write(cues, language, rtl=rtl)
    parsed = w3c.parse(vtt)
    assert parsed["errors"] == [], (vtt, parsed["errors"])
    kept = [c for c in cues if expected_lines(c, language)]
    assert len(parsed["cues"]) == len(kept)
    for ours, theirs in zip(kept, parsed["cues"], strict=True):
        assert (theirs["startTime"], theirs["endTime"]) == (ours.start, ours.end)
        # (spaces at a line's ends inside a tag, '<i> &', are the browser's to show: compared stripped)
        got = "\n".join(line.strip() for line in shown(theirs["text"]).split("\n"))
        assert got == expected_lines(ours, language).replace(webvtt.RLM, "")


def test_hls_segments_pass_apart_from_their_timestamp_map(w3c: W3CChecker) -> None:
    segment = webvtt.segment(
        [cue("<i>Hello</i> & goodbye")], "en", 0.0, 6.0, timestamp_map=webvtt.TimestampMap(mpegts=900000)
    )
    errors = [e["message"] for e in w3c.parse(segment)["errors"]]
    assert errors == [HEADER_LINE]
