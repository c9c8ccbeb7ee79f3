"""dist/report.html: findings by language, loudness, renditions with sizes, QC frames."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from site_staging import built_site, fabricated_site  # noqa: F401 (fixture)

from pipeline.findings import Finding, Report
from pipeline.publish.files import human_size
from pipeline.publish.report import render_report


def section(html: str, code: str) -> str:
    return html.split(f'<h2 id="lang-{code}">', 1)[1].split("<h2 ", 1)[0]


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def test_findings_are_listed_under_their_language(fabricated_site):
    html = (fabricated_site.staging / "report.html").read_text(encoding="utf-8")
    urdu = section(html, "ur")
    assert "SUB_READING_SPEED" in urdu and "subtitles/ur.srt" in urdu and "line 5" in urdu and "cue 2" in urdu
    assert "SUB_READING_SPEED" not in section(html, "pl")
    general = html.split('<h2 id="general">', 1)[1].split("<h2 ", 1)[0]
    assert "MASTER_FRAME_RATE" in general


def test_loudness_of_every_language_is_shown(fabricated_site):
    html = (fabricated_site.staging / "report.html").read_text(encoding="utf-8")
    manifest = json.loads((fabricated_site.staging / "manifest.json").read_text(encoding="utf-8"))
    table = html.split('<h2 id="loudness">', 1)[1].split("</table>", 1)[0]
    rows = table.split("<tr>")[2:]
    assert len(rows) == len(manifest["languages"])
    for row, lang in zip(rows, manifest["languages"], strict=False):
        assert lang["name"] in row
        assert f"{lang['audio']['integratedLufs']:.1f}" in row and f"{lang['audio']['truePeakDbtp']:.1f}" in row


def test_every_rendition_is_listed_with_its_size(fabricated_site):
    html = (fabricated_site.staging / "report.html").read_text(encoding="utf-8")
    manifest = json.loads((fabricated_site.staging / "manifest.json").read_text(encoding="utf-8"))
    for lang in manifest["languages"]:
        part = section(html, lang["code"])
        for r in lang["renditions"]:
            row = part.split(f"<code>{r['url']}</code>", 1)[1].split("</tr>", 1)[0]
            assert human_size(r["bytes"]) in row and r["codecs"] in row


def test_qc_frames_are_shown_as_images_that_exist(fabricated_site):
    dist = fabricated_site.staging
    parser = _Images()
    parser.feed((dist / "report.html").read_text(encoding="utf-8"))
    sources = sorted(i["src"] for i in parser.images)
    assert sources == sorted(p.relative_to(dist).as_posix() for p in (dist / "qc").glob("*.png"))
    assert all(i.get("alt") for i in parser.images)


def test_finding_text_is_escaped(fabricated_site):
    fab = fabricated_site
    manifest = json.loads((fab.staging / "manifest.json").read_text(encoding="utf-8"))
    hostile = Report(
        findings=(
            Finding(
                code="SUB_MARKUP",
                severity="warning",
                language="pl",
                file="subtitles/pl.srt",
                line=3,
                cue=1,
                message='cue 1 has <script>alert("x")</script> markup',
                hint="remove <font> tags",
            ),
        )
    )
    html = render_report(manifest, hostile, fab.context.project, [])
    assert "<script>alert" not in html and "<font>" not in html
    assert "&lt;script&gt;" in html and "&lt;font&gt;" in html
    assert re.search(r'<td class="sev-warning">warning</td>', section(html, "pl"))


def test_a_real_build_report_shows_every_qc_frame_and_finding(built_site):
    dist = built_site.dist
    html = (dist / "report.html").read_text(encoding="utf-8")
    parser = _Images()
    parser.feed(html)
    frames = sorted(p.relative_to(dist).as_posix() for p in (dist / "qc").glob("*.png"))
    assert frames and sorted(i["src"] for i in parser.images) == frames
    for code in ("ro", "bn", "gu"):  # no catalog in the test project: the title falls back
        assert "LOCALE_MISSING" in section(html, code)
    assert "LOCALE_MISSING" not in section(html, "ur")
