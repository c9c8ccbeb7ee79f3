"""A built dist/ played by hls.js, Shaka Player and video.js 8 (VHS) in Chromium, over HTTP with Range.

For each player: every audio language and every subtitle language of the master playlist is
offered with its language code and name; ABR has every rung; switching the audio changes the
track the player reports and makes it fetch that rendition's segments; switching the text shows
a cue of that language's WebVTT, in that language, at its time; a described-audio rendition is
offered as described and is not the default. Files are found through manifest.json and the
master playlist, never by name.

The shared tiny build (six languages) and the accessibility build (a described English mix) are
reused; FILMPIPE_PLAYERS_DIST=/path/to/dist also runs every player against that dist (e.g. the
demo's, after `make demo`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from a11y_projects import a11y_site  # noqa: F401 - fixture
from browser import launch_browser, serve
from players import NODE_MODULES, PLAYER_SCRIPTS, Expected, expected_from, page_html, plain
from site_staging import built_site  # noqa: F401 - fixture

PLAYERS = tuple(PLAYER_SCRIPTS)
TIMEOUT = 60_000  # ms: a hang guard on a loaded machine, not a timing assertion


def site_root(tmp_path: Path, dist: Path, player: str) -> tuple[Path, str]:
    """A served folder: the page, dist/ (a link to the build) and the player scripts (links)."""
    for script in PLAYER_SCRIPTS[player]:
        if not (NODE_MODULES / script).is_file():
            pytest.skip(f"tests/js/node_modules lacks {script}: run scripts/bootstrap.sh")
    root = tmp_path / "site"
    root.mkdir()
    (root / "dist").symlink_to(dist.resolve())
    (root / "players").symlink_to(NODE_MODULES.resolve())
    return root, "dist/"


def open_player(browser, base: str, root: Path, dist: Path, player: str):
    expected = expected_from(dist, base + "dist/")
    (root / "page.html").write_text(page_html(player, expected.master_url), encoding="utf-8")
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "page.html")
    try:
        page.wait_for_function("window.P && P.ready()", timeout=TIMEOUT, polling=100)
    except Exception as exc:  # name what the player said
        shaka = page.evaluate("window.shakaError || null")
        raise AssertionError(f"{player} never got ready (page errors {errors}, shaka error {shaka})") from exc
    return page, expected, requests, errors


def check_offers(page, expected: Expected, player: str) -> dict:
    audio = page.evaluate("P.audio()")
    text = page.evaluate("P.text()")
    rungs = page.evaluate("P.rungs()")
    plain_audio = {(r.language, r.name) for r in expected.audio if not r.described}
    got_audio = {(a["lang"], a["name"]) for a in audio if not a["described"]}
    assert got_audio == plain_audio, f"{player} audio {audio}"
    assert {(t["lang"], t["name"]) for t in text} == {(r.language, r.name) for r in expected.subtitles}, (
        f"{player} text {text}"
    )
    assert sorted(set(rungs)) == list(expected.rung_heights), f"{player} rungs {rungs}"
    return {"audio": audio, "text": text}


def switch_audio(page, expected: Expected, requests: list[str], lang: str, described: bool, player: str) -> None:
    folders = tuple(r.folder for r in expected.audio if r.language == lang and r.described == described)
    assert folders, f"the master playlist has no {'described ' if described else ''}{lang} audio"
    mark = len(requests)
    picked = page.evaluate("([l, d]) => P.selectAudio(l, d)", [lang, described])
    assert picked != -1, f"{player} offers no {lang} audio to pick"
    # no seek here: a seek while video.js (VHS) changes audio can leave the old language's
    # segments in its buffer (a player race, not the stream's); users pick, then watch
    page.wait_for_function(
        "([l, d]) => { var a = P.audioOn(); return a && a.lang === l && a.described === d; }",
        arg=[lang, described],
        timeout=TIMEOUT,
    )
    deadline = TIMEOUT / 1000
    waited = 0.0
    while not any(u.startswith(folders) and u.endswith(".m4s") for u in requests[mark:]):
        assert waited < deadline, f"{player} switched to {lang} audio but fetched none of its segments"
        page.wait_for_timeout(200)
        waited += 0.2


def check_text(page, expected: Expected, lang: str, player: str) -> None:
    cues = expected.cues[lang]
    start, end, text = cues[-1] if len(cues) > 1 else cues[0]
    assert page.evaluate("l => P.selectText(l)", lang) != -1, f"{player} offers no {lang} text track"
    page.evaluate(f"video.pause(); video.currentTime = {max(0.0, start - 0.2)}; video.play()")
    want = plain(text)
    try:
        page.wait_for_function(
            "w => P.cues().some(c => c.text.replace(/<[^>]+>/g, '').replace(/[\\u200e\\u200f]/g, '')"
            ".split(/\\s+/).filter(Boolean).join(' ') === w)",
            arg=want,
            timeout=TIMEOUT,
        )
    except Exception as exc:
        raise AssertionError(
            f"{player}: the {lang} cue {want!r} never showed; showing {page.evaluate('P.cues()')}"
        ) from exc
    shown = next(c for c in page.evaluate("P.cues()") if plain(c["text"]) == want)
    now = page.evaluate("video.currentTime")
    page.evaluate("video.pause()")
    assert abs(shown["start"] - start) <= 0.25 and abs(shown["end"] - end) <= 0.25, (player, lang, shown, start, end)
    assert start - 0.25 <= now <= end + 0.5, f"{player} showed the {lang} cue at {now:.2f} s, not {start}-{end} s"


def play_everything(tmp_path: Path, dist: Path, player: str) -> None:
    root, _ = site_root(tmp_path, dist, player)
    with serve(root) as base, launch_browser() as browser:
        page, expected, requests, errors = open_player(browser, base, root, dist, player)
        offers = check_offers(page, expected, player)
        described = [a for a in offers["audio"] if a["described"]]
        # one per language and name: each audio group (aud, aud-low) repeats the renditions
        want = {(r.language, r.name) for r in expected.audio if r.described}
        assert {(a["lang"], a["name"]) for a in described} == want, f"{player} audio {offers['audio']}"
        assert not any(a["isDefault"] for a in described), f"{player} makes a described mix the default"
        first = page.evaluate("P.audioOn()")
        assert first and not first["described"], f"{player} starts with {first}"
        first_folders = tuple(r.folder for r in expected.audio if r.language == first["lang"] and not r.described)
        assert any(u.startswith(first_folders) and u.endswith(".m4s") for u in requests), f"{player}: {first} unfetched"
        for lang in sorted({r.language for r in expected.audio if not r.described} - {first["lang"]}):
            switch_audio(page, expected, requests, lang, False, player)
        for lang in sorted({r.language for r in expected.audio if r.described}):
            switch_audio(page, expected, requests, lang, True, player)
        for lang in sorted({r.language for r in expected.subtitles}):
            check_text(page, expected, lang, player)
        assert not errors, f"{player} page errors: {errors}"


@pytest.mark.parametrize("player", PLAYERS)
def test_every_language_switches_in_each_player(player: str, built_site, tmp_path: Path) -> None:  # noqa: F811
    play_everything(tmp_path, built_site.dist, player)


@pytest.mark.parametrize("player", PLAYERS)
def test_the_described_mix_is_offered_as_such_and_not_default(player: str, a11y_site, tmp_path: Path) -> None:  # noqa: F811
    expected = expected_from(a11y_site.dist, "http://localhost/dist/")
    assert [r.language for r in expected.audio if r.described] == ["en"]
    play_everything(tmp_path, a11y_site.dist, player)


@pytest.mark.skipif(not os.environ.get("FILMPIPE_PLAYERS_DIST"), reason="set FILMPIPE_PLAYERS_DIST=/path/to/dist")
@pytest.mark.parametrize("player", PLAYERS)
def test_a_given_dist_in_each_player(player: str, tmp_path: Path) -> None:
    play_everything(tmp_path, Path(os.environ["FILMPIPE_PLAYERS_DIST"]), player)
