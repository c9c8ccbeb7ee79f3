"""The web team's small things (issue 12): language tags and names, MP4 titles, the preview's markup."""

from __future__ import annotations

from html.parser import HTMLParser

from babel import Locale
from build_helpers import published
from site_staging import TITLES, built_site, fabricated_site  # noqa: F401 (fixture)

from pipeline import ffmpeg
from pipeline.languages import profile_for, table
from pipeline.project import load_project

# ISO 639-2/B codes that differ from their /T twins: MP4 wants /T, so none of these may appear.
BIBLIOGRAPHIC = {"alb", "arm", "baq", "bur", "chi", "cze", "dut", "fre", "geo", "ger", "gre", "ice", "mac", "mao"}
BIBLIOGRAPHIC |= {"may", "per", "rum", "slo", "tib", "wel"}


def test_mp4_language_codes_are_iso_639_2_t():
    assert profile_for("ro").iso639_2 == "ron"
    data = table()
    codes = set(data.iso639_2.values()) | {row["iso639_2"] for row in data.languages.values() if "iso639_2" in row}
    assert codes and not codes & BIBLIOGRAPHIC
    assert {profile_for(c).iso639_2 for c in ("cs", "de", "fr", "nl", "cy", "zh")} == {
        "ces",
        "deu",
        "fra",
        "nld",
        "cym",
        "zho",
    }


def test_bengali_is_bengali_in_english_and_film_toml_overrides_names(tmp_path, tiny_media):
    from conftest import write_project

    assert Locale.parse("bn").get_display_name("en") == "Bangla"  # CLDR's name...
    assert profile_for("bn").name == "Bengali"  # ...and the one a UK site uses
    root = write_project(tmp_path / "p", tiny_media, ("en", "bn", "gu"))
    toml = root / "film.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            "[languages.gu]\n", '[languages.gu]\nname = "Gujarati (India)"\nnative_name = "ગુજરાતી ભાષા"\n'
        ),
        encoding="utf-8",
    )
    project = load_project(root)
    assert project.language("bn").profile.name == "Bengali"
    assert (project.language("gu").profile.name, project.language("gu").profile.native_name) == (
        "Gujarati (India)",
        "ગુજરાતી ભાષા",
    )
    assert project.language("gu").profile.script == "Gujr"  # the rest of the profile is untouched


class _Videos(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.videos: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "video":
            self.videos.append(dict(attrs))


def test_preview_video_has_separate_poster_and_src_attributes(fabricated_site):
    html = (fabricated_site.staging / "index.html").read_text(encoding="utf-8")
    assert '"src=' not in html and '"poster=' not in html
    parser = _Videos()
    parser.feed(html)
    player = next(v for v in parser.videos if v.get("id") == "player")
    assert player["poster"].startswith("posters/") and player["src"].startswith("video/en/")


def _tags(path, stream_type: str | None = None) -> dict:
    data = ffmpeg.probe(path)
    if stream_type is None:
        return data["format"].get("tags", {})
    return next(s for s in data["streams"] if s["codec_type"] == stream_type).get("tags", {})


def test_built_mp4s_carry_a_title_and_iso_639_2_t_audio_language(built_site):
    dist = built_site.dist
    project = load_project(built_site.project)
    for lang, tag in (("ro", "ron"), ("pl", "pol"), ("ur", "urd")):
        title = TITLES.get(lang, project.film.title)  # ro has no catalog: the source title
        for kind in ("", "-captioned"):
            path = published(dist, f"video/{lang}/{lang}-180{kind}.mp4")
            assert _tags(path)["title"] == title, path
            assert _tags(path, "audio")["language"] == tag, path


def test_hls_audio_init_segments_carry_the_language(built_site):
    for lang, tag in (("en", "eng"), ("ro", "ron"), ("bn", "ben"), ("ur", "urd")):
        assert _tags(published(built_site.dist, f"hls/audio/{lang}/init.mp4"), "audio")["language"] == tag
