"""The QC report's accessibility section: each language's WCAG 2.2 verdicts, read from the outputs."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

from a11y_projects import a11y_site, rtl_site  # noqa: F401 - fixtures
from site_staging import Built

from pipeline.findings import Finding, Report
from pipeline.publish.accessibility import MET, NOT_APPLICABLE, NOT_MET, standing


def report_path(built: Built) -> Path:
    """The QC report: beside dist/ (dist-qc/report.html), or in it in older layouts."""
    for candidate in (built.dist.parent / f"{built.dist.name}-qc" / "report.html", built.dist / "report.html"):
        if candidate.is_file():
            return candidate
    raise AssertionError("no report.html beside or in dist/")


def verdicts(built: Built) -> dict[str, dict[str, str]]:
    """{language name: {criterion number: status}} as the report shows them."""
    html = report_path(built).read_text(encoding="utf-8")
    section = html[html.index('id="accessibility"') :]
    found: dict[str, dict[str, str]] = {}
    for block in re.split(r'<h3 id="a11y-', section)[1:]:
        code = block[: block.index('"')]
        rows = re.findall(
            r'<th scope="row">([\d.]+) [^<]*</th><td>\w+</td><td class="verdict-[\w-]+">([^<]+)</td>', block
        )
        found[code] = dict(rows)
    return found


def test_the_report_states_each_criterion_per_language(a11y_site: Built) -> None:
    found = verdicts(a11y_site)
    assert found["en"] == {
        "1.2.1": NOT_APPLICABLE,
        "1.2.2": MET,
        "1.2.3": MET,
        "1.2.5": MET,
        "2.3.1": MET,
        "3.1.1": MET,
        "3.1.2": MET,
    }
    assert found["pl"]["1.2.2"] == NOT_MET and found["pl"]["1.2.5"] == NOT_MET and found["pl"]["1.2.3"] == NOT_MET
    html = unescape(report_path(a11y_site).read_text(encoding="utf-8"))
    assert "there is no audio description in Polish" in html
    assert "Polish: subtitles only; no audio description; a transcript." in html
    assert "2 sound cues such as [gentle music]" in html


def test_verdicts_follow_the_files_not_the_settings(a11y_site: Built, tmp_path: Path) -> None:
    """Take the described mix out of the HLS playlist and the manifest: 1.2.5 is no longer met."""
    from site_staging import copy_dist

    dist = copy_dist(a11y_site.dist, tmp_path)
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    en = next(lang for lang in manifest["languages"] if lang["code"] == "en")
    en["audioDescription"] = False
    master = dist / "hls" / "master.m3u8"
    master.write_text(
        "".join(line for line in master.read_text().splitlines(True) if "describes-video" not in line),
        encoding="utf-8",
    )
    flash = Finding("MASTER_FLASHES", "error", "the master flashes at 00:00:01.000–00:00:02.000", "edit it")
    result = {s.code: {v.number: v for v in s.verdicts} for s in standing(dist, manifest, Report((flash,)), True)}
    assert result["en"]["1.2.5"].status == NOT_MET  # text descriptions only
    assert "text descriptions" in result["en"]["1.2.5"].why
    assert result["en"]["1.2.3"].status == MET  # the transcript describes the picture
    assert result["pl"]["2.3.1"].status == NOT_MET and "00:00:01.000" in result["pl"]["2.3.1"].why


def test_the_right_to_left_film_transcripts_declare_their_direction(rtl_site: Built) -> None:
    found = verdicts(rtl_site)
    assert found["ur"]["3.1.1"] == MET and found["ar"]["3.1.1"] == MET
