"""schema.org VideoObject JSON-LD and Open Graph / Twitter card tags, against what Google documents.

Google's video structured data (developers.google.com/search/docs/appearance/structured-data/video):
required name, thumbnailUrl, uploadDate; recommended description, duration (ISO 8601),
contentUrl, embedUrl. Checked on the preview page of a real tiny build and on every language's
VideoObject in its manifest; every URL must lead to a file of the build.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from site_staging import built_site, fabricated_site  # noqa: F401 (fixture)

from pipeline.publish.structured import iso_duration, video_object

GOOGLE_REQUIRED = ("name", "thumbnailUrl", "uploadDate")
GOOGLE_RECOMMENDED = ("description", "duration", "contentUrl", "embedUrl")
ISO_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        if tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld[-1] += data


def seconds_of(duration: str) -> float:
    match = ISO_DURATION.match(duration)
    assert match and any(match.groups()), duration
    h, m, s = match.groups()
    return int(h or 0) * 3600 + int(m or 0) * 60 + float(s or 0)


def check_video_object(obj: dict, manifest: dict, code: str, resolve) -> None:
    assert obj["@context"] == "https://schema.org" and obj["@type"] == "VideoObject"
    for key in GOOGLE_REQUIRED + GOOGLE_RECOMMENDED:
        assert obj.get(key), f"{code}: {key} missing"
    lang = next(l for l in manifest["languages"] if l["code"] == code)
    assert obj["name"] == lang["title"] and obj["inLanguage"] == code
    thumbs = obj["thumbnailUrl"] if isinstance(obj["thumbnailUrl"], list) else [obj["thumbnailUrl"]]
    for url in thumbs:
        assert resolve(url).is_file() and url.endswith(".jpg"), url
    stamp = obj["uploadDate"]
    (date.fromisoformat if len(stamp) == 10 else lambda v: datetime.fromisoformat(v.replace("Z", "+00:00")))(stamp)
    assert abs(seconds_of(obj["duration"]) - manifest["film"]["durationSeconds"]) < 0.01
    assert resolve(obj["contentUrl"]).is_file() and obj["contentUrl"].endswith(".mp4")
    page, _, fragment = obj["embedUrl"].partition("#")
    assert resolve(page).name == "index.html" and fragment == code
    assert obj["caption"]["encodingFormat"] == "text/vtt" and resolve(obj["caption"]["contentUrl"]).is_file()
    if lang.get("transcript"):
        text = resolve(lang["transcript"]["text"]["url"]).read_text(encoding="utf-8").strip()
        assert obj["transcript"] == text


def test_iso_8601_durations():
    assert iso_duration(74.04) == "PT1M14.04S"
    assert iso_duration(3) == "PT3S"
    assert iso_duration(3600 + 61.5) == "PT1H1M1.5S"
    assert iso_duration(0) == "PT0S"


def test_the_preview_page_carries_video_object_and_social_tags(built_site):
    dist = built_site.dist
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    head = _Head()
    head.feed((dist / "index.html").read_text(encoding="utf-8"))
    assert len(head.json_ld) == 1
    obj = json.loads(head.json_ld[0])
    check_video_object(obj, manifest, "en", lambda url: dist / url)
    assert obj["uploadDate"] == "2026-11-26"  # [film] upload_date of the test project
    meta = head.meta
    assert meta["og:type"] == "video.other" and meta["og:title"] == obj["name"]
    assert meta["og:description"] == obj["description"]
    assert (dist / meta["og:image"]).is_file() and meta["og:image:type"] == "image/jpeg"
    assert (meta["og:image:width"], meta["og:image:height"]) == (
        str(manifest["poster"]["width"]),
        str(manifest["poster"]["height"]),
    )
    assert meta["og:video"] == obj["contentUrl"] and meta["og:video:type"] == "video/mp4"
    assert re.fullmatch(r"[a-z]{2,3}_[A-Z]{2}", meta["og:locale"]), meta["og:locale"]
    assert meta["twitter:card"] == "summary_large_image" and meta["twitter:image"] == meta["og:image"]


def test_every_language_has_its_video_object_in_the_manifest(built_site):
    dist = built_site.dist
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    for lang in manifest["languages"]:
        check_video_object(lang["videoObject"], manifest, lang["code"], lambda url: dist / url)


def test_media_url_makes_every_url_absolute(fabricated_site):
    manifest = json.loads((fabricated_site.staging / "manifest.json").read_text(encoding="utf-8"))
    base = "https://www.example.police.uk/media/film/"
    obj = video_object(manifest, manifest["languages"][3], "2026-11-26T10:00:00Z", base=base)
    for url in [*obj["thumbnailUrl"], obj["contentUrl"], obj["embedUrl"], obj["caption"]["contentUrl"]]:
        parts = urlsplit(url)
        assert parts.scheme == "https" and url.startswith(base), url
        rel = url[len(base) :].partition("#")[0]
        assert (fabricated_site.staging / rel).is_file(), url
    assert obj["inLanguage"] == "ur" and obj["name"] == manifest["languages"][3]["title"]
    assert urljoin(base, "index.html#ur") == obj["embedUrl"]


def test_text_in_json_ld_cannot_close_the_script(fabricated_site, tmp_path):
    """A title with </script> in it stays inside the JSON-LD block (Jinja's tojson escapes < > &)."""
    from dataclasses import replace

    from pipeline.publish.preview import render_index

    manifest = json.loads((fabricated_site.staging / "manifest.json").read_text(encoding="utf-8"))
    manifest["languages"][0]["title"] = 'Hi </script><script>alert("x")</script>'
    project = fabricated_site.context.project
    html = render_index(
        manifest, replace(project, film=replace(project.film, upload_date="2026-11-26")), Path(fabricated_site.staging)
    )
    head = _Head()
    head.feed(html)
    assert json.loads(head.json_ld[0])["name"] == manifest["languages"][0]["title"]
    assert "<script>alert" not in html
