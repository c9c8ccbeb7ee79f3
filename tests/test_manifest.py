"""dist/manifest.json and its JSON Schema, read the way a web team reads them."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from babel import Locale
from jsonschema import Draft202012Validator
from site_staging import CREATED_AT, TITLES, built_site, copy_site, fabricated_site  # noqa: F401 (fixture)

from pipeline.content_names import logical_name
from pipeline.engine.model import Artifact, TaskOutput
from pipeline.publish.manifest import PublishError, build_manifest, schema, schema_errors
from pipeline.publish.site import write_site


def load(dist: Path) -> dict:
    return json.loads((dist / "manifest.json").read_text(encoding="utf-8"))


def all_urls(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["url"]] if isinstance(node.get("url"), str) else []
        return found + [u for k, v in node.items() if k != "url" for u in all_urls(v)]
    if isinstance(node, list):
        return [u for item in node for u in all_urls(item)]
    return []


def file_objects(node) -> list[dict]:
    """Every object that carries url, bytes and sha256."""
    if isinstance(node, dict):
        found = [node] if {"url", "bytes", "sha256"} <= node.keys() else []
        return found + [o for v in node.values() for o in file_objects(v)]
    if isinstance(node, list):
        return [o for item in node for o in file_objects(item)]
    return []


def test_the_written_manifest_matches_the_shipped_schema(fabricated_site):
    dist = fabricated_site.staging
    shipped = json.loads((dist / "manifest.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(shipped)
    assert shipped == schema()
    errors = list(Draft202012Validator(shipped).iter_errors(load(dist)))
    assert errors == []
    assert load(dist)["schemaVersion"] == 1


# Subschemas that only narrow the values of properties described elsewhere (e.g. "a jpeg's url ends .jpg").
CONSTRAINT_KEYWORDS = {"allOf", "if", "then", "contains"}


def test_every_property_in_the_schema_is_described():
    undescribed = []

    def walk(node, where: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if "description" not in sub:
                    undescribed.append(f"{where}/{name}")
            for name, sub in node.get("$defs", {}).items():
                if "description" not in sub:
                    undescribed.append(f"$defs/{name}")
            for key, value in node.items():
                if key not in CONSTRAINT_KEYWORDS:
                    walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}/{i}")

    shipped = schema()
    assert shipped["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    walk(shipped, "")
    assert undescribed == []


def test_every_listed_file_exists_with_its_size_and_hash(fabricated_site):
    dist = fabricated_site.staging
    listed = file_objects(load(dist))
    # posters, HLS master + checksums, the preview page, and per language one VTT, two videos and a
    # transcript (HTML and text); the QC report and its frames are not in dist/: they go beside it
    assert len({o["url"] for o in listed}) == 4 + 2 + 1 + 6 * 5
    for entry in listed:
        data = (dist / entry["url"]).read_bytes()
        assert len(data) == entry["bytes"], entry["url"]
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["url"]


def test_urls_are_relative_with_forward_slashes_and_stay_inside(fabricated_site):
    dist = fabricated_site.staging
    urls = all_urls(load(dist))
    assert urls
    for url in urls:
        assert not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I), url
        assert not url.startswith("/") and "\\" not in url and ".." not in url.split("/"), url
        target = (dist / url).resolve()
        assert target.is_relative_to(dist.resolve()) and target.is_file(), url


def test_languages_come_in_project_order_with_cldr_names_and_direction(fabricated_site):
    manifest = load(fabricated_site.staging)
    codes = [l["code"] for l in manifest["languages"]]
    assert codes == [l.code for l in fabricated_site.context.project.languages]
    assert codes[0] == manifest["film"]["sourceLanguage"]
    assert [l["isSource"] for l in manifest["languages"]] == [True] + [False] * (len(codes) - 1)
    for lang in manifest["languages"]:
        locale = Locale.parse(lang["code"])
        # English names are CLDR's except where the UK says otherwise (pipeline/data/languages.toml)
        assert lang["name"] == {"bn": "Bengali"}.get(lang["code"], locale.get_display_name("en"))
        assert lang["nativeName"] == locale.get_display_name(locale)
        assert lang["direction"] == locale.text_direction
    by_code = {l["code"]: l for l in manifest["languages"]}
    assert by_code["ur"]["direction"] == "rtl" and by_code["ur"]["nativeName"] == "اردو"
    assert by_code["pl"]["direction"] == "ltr"


def test_titles_come_from_locales_and_fall_back_with_locale_missing(fabricated_site):
    dist = fabricated_site.staging
    by_code = {l["code"]: l for l in load(dist)["languages"]}
    source_title = fabricated_site.context.project.film.title
    for code, title in TITLES.items():
        assert by_code[code]["title"] == title and by_code[code]["titleTranslated"] is True
    for code in ("ro", "bn", "gu"):
        assert by_code[code]["title"] == source_title and by_code[code]["titleTranslated"] is False
    report = (fabricated_site.qc / "report.html").read_text(encoding="utf-8")
    for code in ("ro", "bn", "gu"):
        section = report.split(f'id="lang-{code}"', 1)[1].split('<h2 id="lang-', 1)[0]
        assert "LOCALE_MISSING" in section
    pl_section = report.split('id="lang-pl"', 1)[1].split('<h2 id="lang-', 1)[0]
    assert "LOCALE_MISSING" not in pl_section


def test_manifest_is_utf8_text_not_escapes(fabricated_site):
    raw = (fabricated_site.staging / "manifest.json").read_bytes()
    assert "اردو".encode() in raw
    assert b"\\u06" not in raw


def test_poster_is_the_largest_jpeg_and_posters_lists_them_all(fabricated_site):
    manifest = load(fabricated_site.staging)
    jpegs = [p for p in manifest["posters"] if p["mimeType"] == "image/jpeg"]
    assert manifest["poster"] == max(jpegs, key=lambda p: p["height"])
    assert {p["mimeType"] for p in manifest["posters"]} == {"image/jpeg", "image/webp"}
    heights = [p["height"] for p in manifest["posters"]]
    assert heights == sorted(heights, reverse=True)


AVC_PROFILE_IDC = {"Constrained Baseline": 0x42, "Baseline": 0x42, "Main": 0x4D, "High": 0x64}


def test_rendition_codecs_sizes_and_durations_match_the_files(fabricated_site):
    dist = fabricated_site.staging
    manifest = load(dist)
    for lang in manifest["languages"]:
        assert [r["kind"] for r in lang["renditions"]] == ["progressive", "open-captions"]
        for r in lang["renditions"]:
            assert r["url"].startswith(f"video/{lang['code']}/")
            out = subprocess.run(
                [
                    "ffprobe",
                    "-v",
                    "error",
                    "-print_format",
                    "json",
                    "-show_streams",
                    "-show_format",
                    str(dist / r["url"]),
                ],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
            probed = json.loads(out)
            video = next(s for s in probed["streams"] if s["codec_type"] == "video")
            video_codec, audio_codec = r["codecs"].split(",")
            assert (
                video_codec
                == f"avc1.{AVC_PROFILE_IDC[video['profile']]:02x}{video_codec[7:9]}{int(video['level']):02x}"
            )
            assert audio_codec == "mp4a.40.2"
            assert (r["width"], r["height"]) == (video["width"], video["height"])
            assert abs(r["durationSeconds"] - float(probed["format"]["duration"])) < 0.0005
            assert abs(r["durationSeconds"] - manifest["film"]["durationSeconds"]) <= 1 / manifest["film"]["frameRate"]


def test_audio_reports_source_and_loudness_rounded(fabricated_site):
    manifest = load(fabricated_site.staging)
    for _i, lang in enumerate(manifest["languages"]):
        meta = fabricated_site.outputs[f"audio/{lang['code']}"].meta
        assert lang["audio"]["source"] == ("master" if lang["isSource"] else "dub")
        assert lang["audio"]["integratedLufs"] == round(meta["integratedLufs"], 1)
        assert lang["audio"]["truePeakDbtp"] == round(meta["truePeakDbtp"], 1)


def test_hls_checksums_cover_the_whole_playlist_tree(fabricated_site):
    dist = fabricated_site.staging
    hls = load(dist)["hls"]
    sums = hls["checksums"]
    lines = (dist / sums["url"]).read_text(encoding="utf-8").splitlines()
    assert len(lines) == sums["files"]
    folder = (dist / sums["url"]).parent
    names = set()
    total = 0
    for line in lines:
        digest, name = line.split("  ", 1)
        data = (folder / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
        names.add(name)
        total += len(data)
    assert total == sums["totalBytes"]
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS"}
    assert names == on_disk  # master, media playlist, init segment and every media segment
    assert "master.m3u8" in names and any(n.endswith(".m4s") for n in names)


def test_the_same_inputs_give_the_same_manifest_apart_from_created_at(fabricated_site, tmp_path):
    fab = fabricated_site
    again = copy_site(fab, tmp_path)
    for name in ("manifest.json", "index.html", "hls/SHA256SUMS"):
        (again / name).unlink()
    later = replace(fab.build, created_at="2027-01-02T03:04:05Z")
    shuffled = dict(reversed(list(fab.outputs.items())))  # task order must not matter
    qc = tmp_path / "qc"
    write_site(again, fab.context, shuffled, later, fab.report, qc_staging=qc, dist_href="../staging/")
    first = (fab.staging / "manifest.json").read_text(encoding="utf-8")
    second = (again / "manifest.json").read_text(encoding="utf-8")
    assert second != first
    assert second.replace("2027-01-02T03:04:05Z", CREATED_AT) == first
    for page in ("index.html", "hls/SHA256SUMS"):
        assert (again / page).read_bytes() == (fab.staging / page).read_bytes(), page
    assert (qc / "report.html").read_bytes() == (fab.qc / "report.html").read_bytes()


@pytest.mark.parametrize(
    "breakage, where",
    [
        (lambda m: m.update(schemaVersion=2), "schemaVersion"),
        (lambda m: m["languages"][0]["renditions"][0].update(url="/video/en/en-180.mp4"), "url"),
        (lambda m: m["languages"][0]["renditions"][0].update(url="https://cdn.example/en.mp4"), "url"),
        (lambda m: m["languages"][0]["renditions"][0].update(url="../secret.mp4"), "url"),
        (lambda m: m["languages"][0]["renditions"][0].update(url="video\\en\\en-180.mp4"), "url"),
        (lambda m: m["languages"][1]["renditions"][0].pop("sha256"), "sha256"),
        (lambda m: m["languages"][1].update(direction="right-to-left"), "direction"),
        (lambda m: m["languages"][1]["renditions"][0].update(codecs="avc1.64001f, mp4a.40.2"), "codecs"),
    ],
)
def test_the_schema_rejects_broken_manifests(fabricated_site, breakage, where):
    manifest = copy.deepcopy(load(fabricated_site.staging))
    breakage(manifest)
    errors = schema_errors(manifest)
    assert errors and any(where in e for e in errors), errors


def test_an_artifact_missing_from_staging_stops_the_publish(fabricated_site, tmp_path):
    fab = fabricated_site
    outputs = dict(fab.outputs)
    outputs["extra"] = TaskOutput(
        artifacts=(
            Artifact(
                kind="progressive",
                path="video/pl/pl-1080.mp4",
                mime_type="video/mp4",
                language="pl",
                width=1920,
                height=1080,
                codecs="avc1.640028,mp4a.40.2",
                duration_seconds=3.0,
            ),
        )
    )
    with pytest.raises(PublishError, match="video/pl/pl-1080.mp4"):
        build_manifest(copy_site(fab, tmp_path), fab.context, outputs, fab.build)


def test_a_missing_loudness_measurement_stops_the_publish(fabricated_site, tmp_path):
    fab = fabricated_site
    outputs = {k: v for k, v in fab.outputs.items() if k != "audio/ur"}
    with pytest.raises(PublishError, match="ur audio"):
        build_manifest(copy_site(fab, tmp_path), fab.context, outputs, fab.build)


DOC = Path(__file__).resolve().parents[1] / "docs" / "manifest.md"


def test_the_documented_example_is_a_valid_manifest():
    text = DOC.read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)\n```", text, re.S).group(1))
    assert schema_errors(example) == []


def test_the_documentation_names_every_field_of_the_schema():
    text = DOC.read_text(encoding="utf-8")
    names: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            names.update(node.get("properties", {}).keys())
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema())
    assert names and [n for n in sorted(names) if f"`{n}`" not in text] == []


def test_a_real_build_publishes_a_valid_manifest_with_every_file(built_site):
    dist = built_site.dist
    manifest = load(dist)
    assert schema_errors(manifest) == []
    assert json.loads((dist / "manifest.schema.json").read_text(encoding="utf-8")) == schema()
    for entry in file_objects(manifest):
        data = (dist / entry["url"]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["bytes"], entry["sha256"]), entry["url"]
    by_code = {l["code"]: l for l in manifest["languages"]}
    assert list(by_code) == ["en", "pl", "ro", "ur", "bn", "gu"]
    assert by_code["ur"]["title"] == TITLES["ur"] and by_code["ro"]["titleTranslated"] is False
    for lang in manifest["languages"]:
        assert (
            logical_name(lang["subtitles"]["url"]) == f"subtitles/{lang['code']}.vtt" and lang["subtitles"]["cues"] == 2
        )
        assert {r["kind"] for r in lang["renditions"]} == {"progressive", "open-captions"}
        assert lang["audio"]["source"] == ("master" if lang["isSource"] else "dub")


@pytest.mark.slow
def test_rendering_again_from_scratch_gives_the_same_manifest(built_site, tmp_path):
    """Encoders included: a forced re-render of the same inputs and settings changes only createdAt."""
    from pipeline.cli import cli
    from pipeline.cli.common import run_guarded

    again = tmp_path / "again"
    assert run_guarded(cli, ["build", "-p", str(built_site.project), "-o", str(again), "--force"]) == 0
    strip = lambda text: re.sub(r'"createdAt": "[^"]*"', '"createdAt": ""', text)  # noqa: E731
    first = (built_site.dist / "manifest.json").read_text(encoding="utf-8")
    second = (again / "manifest.json").read_text(encoding="utf-8")
    assert strip(second) == strip(first)
