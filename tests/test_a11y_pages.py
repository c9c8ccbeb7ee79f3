"""axe-core (tests/js/node_modules/axe-core) in Debian's Chromium on every page a build writes:
the preview page, the QC report and each transcript, at 1280 and 390 pixels wide, for the
accessibility project (captions, descriptions, described audio) and an all-right-to-left film.
Zero violations; no horizontal scrolling at 390 pixels; the Play button says what it will do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from a11y_projects import a11y_site, rtl_site  # noqa: F401 - fixtures
from axe_audit import audit
from browser import launch_browser, serve
from site_staging import Built


def test_the_accessibility_project_pages_pass_axe(a11y_site: Built) -> None:
    assert audit(a11y_site) == []


def test_an_all_right_to_left_film_passes_axe(rtl_site: Built) -> None:
    assert audit(rtl_site) == []


def test_the_play_button_says_play_or_pause_in_the_page_language(a11y_site: Built) -> None:
    with launch_browser() as browser, serve(a11y_site.dist) as base:
        page = browser.new_page()
        page.goto(base + "index.html#pl")
        button = page.locator("#play")
        assert button.text_content() == "Odtwórz"
        button.click()
        page.wait_for_function("!document.getElementById('player').paused")
        assert button.text_content() == "Pause"  # no Polish translation in the test catalog: English, marked so
        assert button.get_attribute("lang") == "en"
        page.evaluate("document.getElementById('player').pause()")
        page.wait_for_function("document.getElementById('play').textContent === 'Odtwórz'")


def test_cues_are_sized_per_script(a11y_site: Built) -> None:
    """Urdu (Nastaliq) cues are drawn half as large again as Latin ones; the player carries the shown language."""
    with launch_browser() as browser, serve(a11y_site.dist) as base:
        page = browser.new_page()
        page.goto(base + "index.html#ur")
        assert page.get_attribute("#player", "data-cue-lang") == "ur"
        rules = page.evaluate(
            "Array.from(document.styleSheets[0].cssRules).map(r => r.cssText).filter(t => t.includes('::cue'))"
        )
        sizes = {}
        for rule in rules:
            for code in ("en", "pl", "ur"):
                if f'data-cue-lang="{code}"' in rule:
                    sizes[code] = rule
        assert "max(24px, 1.5rem)" in sizes["ur"] and "max(16px, 1rem)" in sizes["en"], sizes


# Plays the player for 1.2 s through Web Audio and returns the loudest frequency (Hz) it heard.
LOUDEST_HZ = """async () => {
  const v = document.getElementById('player');
  const ctx = window.__ctx || (window.__ctx = new AudioContext());
  if (!window.__analyser) {
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 8192;
    ctx.createMediaElementSource(v).connect(analyser);
    analyser.connect(ctx.destination);
    window.__analyser = analyser;
  }
  await ctx.resume();
  v.currentTime = 0;
  await v.play();
  await new Promise(r => setTimeout(r, 1200));
  const a = window.__analyser, d = new Float32Array(a.frequencyBinCount);
  a.getFloatFrequencyData(d);
  v.pause();
  let best = 1;
  for (let i = 1; i < d.length; i++) { if (d[i] > d[best]) { best = i; } }
  return best * ctx.sampleRate / a.fftSize;
}"""


def test_the_described_version_plays_from_a_keyboard_switch(a11y_site: Built) -> None:
    """Issue 13: the page plays the audio-described MP4 when its switch is turned on, by keyboard;
    the switch is labelled in the page's language and off (disabled) where there is no described mix."""
    manifest = json.loads((a11y_site.dist / "manifest.json").read_text(encoding="utf-8"))
    renditions = {l["code"]: l["renditions"] for l in manifest["languages"]}
    (described,) = [r["url"] for r in renditions["en"] if r["kind"] == "audio-description"]
    assert not [r for r in renditions["pl"] if r["kind"] == "audio-description"]
    with launch_browser() as browser, serve(a11y_site.dist) as base:
        page = browser.new_page()
        page.goto(base + "index.html#en")
        switch = page.get_by_role("switch", name="Audio description")
        assert switch.is_enabled() and not switch.is_checked()
        assert abs(page.evaluate(LOUDEST_HZ) - 440) < 15
        player = "document.getElementById('player')"
        src = f"{player}.getAttribute('src')"
        plain = page.evaluate(src)
        assert plain.endswith(".mp4") and plain != described
        page.focus("#play")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")  # Play, the burned-in captions switch, then this one
        assert page.evaluate("document.activeElement.id") == "described-audio"
        page.keyboard.press("Space")
        assert switch.is_checked()
        page.wait_for_function(f"{src} === {json.dumps(described)} && {player}.readyState >= 1")
        # What Chromium now plays is the described mix: the test's is a 660 Hz tone, the film's 440 Hz.
        assert abs(page.evaluate(LOUDEST_HZ) - 660) < 15
        # Burning captions in plays another file: the described switch turns itself off.
        page.get_by_role("switch", name="Captions burned in").check()
        assert not switch.is_checked()
        page.wait_for_function(f"{src} !== {json.dumps(described)}")
        assert page.evaluate(src) in [r["url"] for r in renditions["en"] if r["kind"] == "open-captions"]
        switch.check()
        page.wait_for_function(f"{src} === {json.dumps(described)}")
        # Polish has no described mix here: the switch is off and disabled, and labelled in Polish.
        page.goto(base + "index.html#pl")
        page.wait_for_function("document.documentElement.lang === 'pl'")
        polish = page.locator("#described-audio")
        assert polish.is_disabled() and not polish.is_checked()
        assert page.locator("[data-label='Audio description']").text_content() == "Audiodeskrypcja"
        assert page.evaluate(src) in [r["url"] for r in renditions["pl"] if r["kind"] == "progressive"]
