"""The build's check of burned-in text against Chromium: it passes right drawings, catches lost dots, never stops a build.

The check compares each caption line as our renderer draws it with Chromium's drawing of the
same text and font files (pipeline/captions/compare.py). A renderer that loses the three dots
of پ (drawing ب instead, as a broken shaper would) must be caught; a missing or failing
Chromium must leave the build published with the report saying the check was not made.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from axe_audit import audit
from site_staging import Built

from pipeline import chromium
from pipeline.captions import compare
from pipeline.captions.render import caption_fonts
from pipeline.cli import cli
from pipeline.cli.common import run_guarded
from pipeline.languages import profile_for

pytestmark = [pytest.mark.browser]
HANG_GUARD = 60  # seconds; the fake Chromium's helper would hold the pipe for 600

# Words of the demo's Urdu, and the web address (Noto Sans inside a Nastaliq cue).
URDU = ("پی", "ایس", "مدد", "کرتی", "خدمت", "حاضر", "yourcounty.police.uk", "پر", "آپ", "پولیس", "سپورٹ")


@pytest.fixture
def with_chromium(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("FILMPIPE_CHROMIUM", raising=False)
    found = chromium.executable()
    if found is None:
        pytest.skip("no Chromium (apt-get install chromium)")
    return found


def losing_dots(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our renderer, broken: پ (three dots below) comes out as ب (one dot), as a broken shaper would draw it."""
    real = compare.render_cue
    monkeypatch.setattr(compare, "render_cue", lambda text, *a, **k: real(text.replace("پ", "ب"), *a, **k))


def test_right_drawings_pass_and_lost_dots_fail(with_chromium: str, tmp_path: Path, monkeypatch) -> None:
    profile = profile_for("ur")
    items = [(k, text) for k, text in enumerate(URDU, 1)]
    checks, _ = compare.check_words(items, profile, caption_fonts(profile), with_chromium, tmp_path)
    assert [c.ok for c in checks] == [True] * len(URDU), checks
    assert min(c.similarity for c in checks) >= compare.THRESHOLD
    losing_dots(monkeypatch)
    broken, _ = compare.check_words(items, profile, caption_fonts(profile), with_chromium, tmp_path)
    assert [c.ok for c in broken] == ["پ" not in text for text in URDU], broken


def build(root: Path) -> int:
    return run_guarded(cli, ["build", "-p", str(root), "--draft"])


def report_of(root: Path) -> str:
    return (root / "dist-qc" / "report.html").read_text(encoding="utf-8")


def test_a_build_checks_every_burned_in_line(with_chromium: str, make_project, capsys) -> None:
    root = make_project(languages=("en", "ur"))
    assert build(root) == 0
    out = capsys.readouterr().out
    assert "Caption shapes: 11 words in 2 languages drawn as Chromium" in out, out
    report = report_of(root)
    assert report.count("all drawn alike") == 2
    pictures = sorted(p.name for p in (root / "dist-qc" / "qc").glob("*-shapes-*.png"))
    assert pictures and {p.split("-")[0] for p in pictures} == {"en", "ur"}
    assert not list((root / "dist").rglob("*-shapes-*"))  # QC material never goes to the website


def test_a_misdrawn_line_is_a_warning_in_the_report_and_the_last_lines(
    with_chromium: str, make_project, capsys, monkeypatch
) -> None:
    root = make_project(
        languages=("en", "ur"),
        subtitles={
            "ur": "1\n00:00:00,200 --> 00:00:01,400\nپی سی ایس او\n\n2\n00:00:01,600 --> 00:00:02,900\nمدد کرتی ہے\n"
        },
    )
    losing_dots(monkeypatch)
    assert build(root) == 0  # published, but not silently
    out = capsys.readouterr().out
    assert "Warning: 1 burned-in caption word(s) in ur are drawn differently" in out, out
    assert re.search(r"published; [1-9]\d* warning\(s\), see the QC report", out), out
    report = report_of(root)
    assert "CAPTION_SHAPES" in report and "&#39;پی&#39; in cue 1 is burned in differently" in report, report
    assert "1 drawn differently" in report
    # The report with both drawings of the word, and its alt texts, passes axe-core like every page.
    assert audit(Built(root, root / "dist")) == []


def test_without_chromium_the_report_says_the_check_was_not_made(make_project, capsys, monkeypatch) -> None:
    monkeypatch.setenv("FILMPIPE_CHROMIUM", "none")
    root = make_project(languages=("en",))
    assert build(root) == 0
    assert "Caption shapes" not in capsys.readouterr().out
    assert "Not checked: no Chromium was found" in report_of(root)


def test_a_failing_chromium_never_stops_the_build(make_project, capsys, monkeypatch) -> None:
    monkeypatch.setenv("FILMPIPE_CHROMIUM", "/bin/false")
    root = make_project(languages=("en",))
    assert build(root) == 0
    out = capsys.readouterr().out
    assert "not checked in en" in out, out
    assert "Not checked: /bin/false exited with 1" in report_of(root)


HANGING = """#!/bin/sh
# A Chromium that never draws: its helper holds stderr open, as Chromium's renderer does.
case "$1" in --version) echo "Chromium 1.0.0"; exit 0;; esac
sleep 600 &
echo $! > "$0.helper"
echo $$ > "$0.browser"
exec sleep 600
"""


def hanging_chromium(tmp_path: Path) -> Path:
    fake = tmp_path / "hanging-chromium"
    fake.write_text(HANGING, encoding="utf-8")
    fake.chmod(0o755)
    return fake


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state  # a zombie has ended; only its parent has not reaped it


def test_a_hanging_chromium_is_ended_with_its_helpers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = hanging_chromium(tmp_path)
    monkeypatch.setattr(chromium, "TIMEOUT_SECONDS", 1.0)
    page = tmp_path / "page.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    outcome: list[BaseException] = []

    def shoot() -> None:
        try:
            chromium.screenshot(str(fake), page, 100, 100, tmp_path / "shot.png")
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            outcome.append(err)

    worker = threading.Thread(target=shoot, daemon=True)
    worker.start()
    worker.join(HANG_GUARD)
    assert not worker.is_alive(), "screenshot() waited on a hanging Chromium's helper"
    assert len(outcome) == 1 and isinstance(outcome[0], chromium.ChromiumFailed), outcome
    assert str(outcome[0]) == f"{fake} took over 1 s to draw a page"
    for name in ("browser", "helper"):
        pid = int(Path(f"{fake}.{name}").read_text(encoding="utf-8"))
        assert not alive(pid), f"the fake Chromium's {name} (pid {pid}) is still running"


def test_a_hanging_chromium_never_stops_the_build(make_project, capsys, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FILMPIPE_CHROMIUM", str(hanging_chromium(tmp_path)))
    monkeypatch.setattr(chromium, "TIMEOUT_SECONDS", 2.0)
    root = make_project(languages=("en",))
    assert build(root) == 0
    assert "not checked in en" in capsys.readouterr().out
    assert "took over 2 s to draw a page" in report_of(root)
