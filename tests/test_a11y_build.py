"""Accessibility outputs of a real build: captions, descriptions, the described mix, transcripts.

The tiny project (tests/a11y_projects.py) has English captions with sound cues, English text
descriptions and a described mix, Polish and Urdu subtitles. HLS is read attribute by
attribute with the m3u8 library; transcripts are parsed as HTML; verify checks the lot.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import m3u8
import pytest
from a11y_projects import EN_CAPTIONS, a11y_site, write_a11y_project  # noqa: F401 - fixture
from site_staging import Built

from pipeline.content_names import logical_name
from pipeline.errors import ConfigError
from pipeline.project import load_project
from pipeline.publish.verify import verify_dist

CAPTIONS = "public.accessibility.transcribes-spoken-dialog,public.accessibility.describes-music-and-sound"


def manifest_of(dist: Path) -> dict:
    return json.loads((dist / "manifest.json").read_text(encoding="utf-8"))


def language(manifest: dict, code: str) -> dict:
    return next(lang for lang in manifest["languages"] if lang["code"] == code)


def test_captions_are_marked_as_captions_everywhere(a11y_site: Built) -> None:
    dist = a11y_site.dist
    playlist = m3u8.load(str(dist / "hls" / "master.m3u8"))
    subs = {m.language: m for m in playlist.media if m.type == "SUBTITLES"}
    assert subs["en"].characteristics == CAPTIONS
    assert subs["pl"].characteristics is None and subs["ur"].characteristics is None
    manifest = manifest_of(dist)
    assert [language(manifest, c)["subtitles"]["kind"] for c in ("en", "pl", "ur")] == [
        "captions",
        "subtitles",
        "subtitles",
    ]
    index = (dist / "index.html").read_text(encoding="utf-8")
    assert '<track kind="captions" srclang="en"' in index
    assert '<track kind="subtitles" srclang="pl"' in index


def test_described_audio_is_an_extra_hls_rendition_never_default(a11y_site: Built) -> None:
    playlist = m3u8.load(str(a11y_site.dist / "hls" / "master.m3u8"))
    audio = [m for m in playlist.media if m.type == "AUDIO"]
    described = [m for m in audio if m.characteristics == "public.accessibility.describes-video"]
    assert len(described) == 1
    ad = described[0]
    assert (ad.language, ad.name, ad.default, ad.autoselect) == ("en", "English (audio description)", "NO", "YES")
    assert ad.group_id == audio[0].group_id
    assert [m.language for m in audio if m.default == "YES"] == ["en"]
    assert len(audio) == 4  # en, pl, ur and the described English mix
    assert (a11y_site.dist / "hls" / ad.uri).is_file()
    for variant in playlist.playlists:
        assert variant.stream_info.audio == ad.group_id


def test_the_manifest_says_which_languages_have_audio_description(a11y_site: Built) -> None:
    manifest = manifest_of(a11y_site.dist)
    en, pl = language(manifest, "en"), language(manifest, "pl")
    assert en["audioDescription"] is True and pl["audioDescription"] is False
    assert "describedAudio" not in pl and "descriptions" not in pl
    assert en["describedAudio"]["hlsName"] == "English (audio description)"
    assert abs(en["describedAudio"]["integratedLufs"] - -16.0) <= 1.0
    assert en["descriptions"]["cues"] == 1 and logical_name(en["descriptions"]["url"]) == "descriptions/en.vtt"
    kinds = [r["kind"] for r in en["renditions"]]
    assert kinds == ["progressive", "open-captions", "audio-description"]
    described = en["renditions"][2]
    assert logical_name(described["url"]).endswith("-described.mp4") and (a11y_site.dist / described["url"]).is_file()
    index = (a11y_site.dist / "index.html").read_text(encoding="utf-8")
    assert '<track kind="descriptions" srclang="en"' in index


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.html: dict = {}
        self.stack: list[str] = []
        self.h1: list[str] = []
        self.paragraphs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.html = dict(attrs)
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "h1":
            self.h1.append(data)
        elif self.stack and self.stack[-1] == "p" and data.strip():
            self.paragraphs.append(data.strip())


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_transcripts_per_language_with_sound_cues_and_descriptions(a11y_site: Built) -> None:
    dist = a11y_site.dist
    manifest = manifest_of(dist)
    en = read_page(dist / "transcripts" / "en.html")
    assert en.html == {"lang": "en", "dir": "ltr"}
    assert en.h1 == [language(manifest, "en")["title"]]
    text = " ".join(en.paragraphs)
    assert "[A blue bus.]" in text  # the description, in brackets, before the speech it precedes
    assert text.index("[A blue bus.]") < text.index("Meet your team.")
    assert EN_CAPTIONS[0] in text and "[music fades]" in text
    ur = read_page(dist / "transcripts" / "ur.html")
    assert ur.html == {"lang": "ur", "dir": "rtl"}
    assert any("اپنی ٹیم سے ملیں۔" in p for p in ur.paragraphs)
    plain = (dist / "transcripts" / "en.txt").read_text(encoding="utf-8")
    assert plain.startswith(language(manifest, "en")["title"] + "\n\n") and "[A blue bus.]" in plain
    for code in ("en", "pl", "ur"):
        entry = language(manifest, code)["transcript"]
        assert entry["url"] == f"transcripts/{code}.html" and entry["text"]["url"] == f"transcripts/{code}.txt"
    index = (dist / "index.html").read_text(encoding="utf-8")
    assert 'id="transcript-link"' in index and 'href="transcripts/en.html"' in index


def test_verify_checks_the_transcripts(a11y_site: Built, tmp_path: Path) -> None:
    from site_staging import copy_dist

    dist = copy_dist(a11y_site.dist, tmp_path)
    assert verify_dist(dist).ok
    (dist / "transcripts" / "pl.txt").write_text("changed\n", encoding="utf-8")
    problems = verify_dist(dist).problems
    assert [p.file for p in problems] == ["transcripts/pl.txt"]


def test_an_unknown_kind_is_refused_with_the_choices(tmp_path: Path, tiny_media: Path) -> None:
    from a11y_projects import add_to_language
    from conftest import write_project

    project = write_project(tmp_path / "p", tiny_media, ("en",))
    add_to_language(project, "en", 'kind = "closed"\n')
    with pytest.raises(ConfigError) as err:
        load_project(project)
    assert "'kind' in [languages.en]" in err.value.message and "captions" in err.value.message
