"""The social pack built end to end on a tiny film: files, frames measured against the safe zones,
SRT read by independent parsers, manifest, verify, report and preview page."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pysrt
import pytest
import srt as srt_lib
from build_helpers import published
from conftest import write_project
from PIL import Image

from pipeline import ffmpeg
from pipeline.cli import cli
from pipeline.cli.common import run_guarded
from pipeline.content_names import logical_name
from pipeline.engine.publish import qc_dir
from pipeline.publish.manifest import schema
from pipeline.publish.verify import verify_dist

BG = (0x10, 0x20, 0x30)
LANGS = ("en", "ur", "bn")
UR_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: ur\\n"

msgid "Meet your neighbourhood policing team"
msgstr "اپنے محلے کی پولیس ٹیم سے ملیے"

msgid "Find your local team at example.org/team"
msgstr "اپنی مقامی ٹیم یہاں تلاش کیجیے: example.org/team"
"""


def social_project(root: Path, tiny_media: Path, languages=LANGS, social: str = "") -> Path:
    project = write_project(root, tiny_media, languages)
    toml = project / "film.toml"
    text = toml.read_text(encoding="utf-8").replace("[social]\nshapes = []", "[social]\n" + social)
    text = text.replace(
        'master = "assets/master.mp4"\n',
        'master = "assets/master.mp4"\nlink = "https://example.org/team"\n'
        'call_to_action = "Find your local team at example.org/team"\n',
    )
    toml.write_text(text, encoding="utf-8")
    po = project / "locales" / "ur" / "LC_MESSAGES" / "film.po"
    po.parent.mkdir(parents=True)
    po.write_text(UR_PO, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory, tiny_media, request):
    """en, ur, bn with vertical and square cuts on a #102030 band; every ffmpeg call recorded."""
    root = social_project(
        tmp_path_factory.mktemp("social") / "project",
        tiny_media,
        social='shapes = ["vertical", "square"]\nbackground = "#102030"\ncover_time = 1.0',
    )
    calls: list[list[str]] = []
    real_run = ffmpeg.run

    def recording(args, **kwargs):
        calls.append([str(a) for a in args])
        return real_run(args, **kwargs)

    mp = pytest.MonkeyPatch()
    mp.setattr(ffmpeg, "run", recording)
    try:
        assert run_guarded(cli, ["build", "-p", str(root)]) == 0
    finally:
        mp.undo()
    return root / "dist", calls


def frame(video: Path, t: float) -> Image.Image:
    out = subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-ss",
            f"{t:.3f}",
            "-i",
            str(video),
            "-frames:v",
            "1",
            "-f",
            "image2pipe",
            "-c:v",
            "png",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(out)).convert("RGB")


def pixels(im: Image.Image, box: tuple[int, int, int, int]):
    data = im.crop(box).tobytes()
    return zip(data[0::3], data[1::3], data[2::3], strict=True)


def differs(im: Image.Image, box: tuple[int, int, int, int], colour=BG, tolerance: int = 14) -> int:
    """How many pixels in the box are not the band colour (compression noise allowed)."""
    return sum(1 for px in pixels(im, box) if max(abs(a - b) for a, b in zip(px, colour, strict=True)) > tolerance)


def bright(im: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Pixels of white text (the captions' and title's colour) in the box."""
    return sum(1 for px in pixels(im, box) if min(px) > 200)


def test_every_file_of_the_pack_is_there(built) -> None:
    dist, _ = built
    for lang in LANGS:
        names = sorted(logical_name(p.name) for p in (dist / "social" / lang).iterdir())
        assert names == sorted(
            [
                f"tiny-film-{lang}-landscape.mp4",
                f"tiny-film-{lang}-vertical.mp4",
                f"tiny-film-{lang}-square.mp4",
                f"tiny-film-{lang}-landscape-cover.jpg",
                f"tiny-film-{lang}-vertical-cover.jpg",
                f"tiny-film-{lang}-square-cover.jpg",
                f"tiny-film.{ {'en': 'en_GB', 'ur': 'ur_PK', 'bn': 'bn_IN'}[lang] }.srt",
                "post.txt",
            ]
        )


def test_one_ffmpeg_process_per_language_decodes_the_master_once(built) -> None:
    dist, calls = built
    for lang in LANGS:
        mine = [
            c for c in calls if "-filter_complex" in c and any(a.endswith(f"tiny-film-{lang}-vertical.mp4") for a in c)
        ]
        assert len(mine) == 1, "the cuts come from one process"
        argv = mine[0]
        masters = [argv[i + 1] for i, a in enumerate(argv) if a == "-i" and argv[i + 1].endswith("master.mp4")]
        assert len(masters) == 1
        graph = argv[argv.index("-filter_complex") + 1]
        assert "split=" in graph and graph.count("[0:v:0]") == 1
        outputs = [a for a in argv if Path(a).name.startswith("tiny-film-") and a.endswith(".mp4")]
        assert {Path(o).name for o in outputs} == {
            f"tiny-film-{lang}-landscape.mp4",
            f"tiny-film-{lang}-vertical.mp4",
            f"tiny-film-{lang}-square.mp4",
        }
        assert argv.count("veryfast") == 3 and argv.count("+faststart") == 3


def test_cuts_are_upload_ready(built) -> None:
    dist, _ = built
    for shape, size in (("vertical", (1080, 1920)), ("square", (1080, 1080)), ("landscape", (320, 180))):
        facts = ffmpeg.probe(published(dist, f"social/ur/tiny-film-ur-{shape}.mp4"))
        video = next(s for s in facts["streams"] if s["codec_type"] == "video")
        sound = next(s for s in facts["streams"] if s["codec_type"] == "audio")
        assert (video["width"], video["height"]) == size
        assert video["codec_name"] == "h264" and video["profile"] == "High" and video["pix_fmt"] == "yuv420p"
        assert video["r_frame_rate"] == "25/1"
        assert sound["codec_name"] == "aac" and sound["sample_rate"] == "48000"
        assert sound["tags"]["language"] == "urd"
        assert abs(float(facts["format"]["duration"]) - 3.0) < 0.05
        head = published(dist, f"social/ur/tiny-film-ur-{shape}.mp4").read_bytes()[:4096]
        assert head.find(b"moov") < head.find(b"mdat") or b"mdat" not in head  # +faststart


def test_vertical_text_stays_in_the_safe_zone(built) -> None:
    """Measured on the encoded frame: nothing but the band in the top 14 %, the bottom 35 % and the
    right 170 px; the title in the band above the picture; the captions below it, only while a cue shows."""
    dist, _ = built
    for lang in LANGS:
        video = published(dist, f"social/{lang}/tiny-film-{lang}-vertical.mp4")
        at_cue = frame(video, 2.2)  # cue 2: 1.6-2.9 s
        between = frame(video, 1.5)  # between cues 1 (0.2-1.4) and 2
        top, bottom = 269, 1920 - 672
        picture_top, picture_bottom = 435, 435 + 608
        assert differs(at_cue, (0, 0, 1080, top - 2)) == 0, "something drawn in the top 14 %"
        assert differs(at_cue, (0, bottom + 2, 1080, 1920)) == 0, "something drawn in the bottom 35 %"
        for im in (at_cue, between):
            assert differs(im, (910 + 2, 0, 1080, picture_top - 2)) == 0
            assert differs(im, (910 + 2, picture_bottom + 2, 1080, 1920)) == 0
        assert bright(at_cue, (170, top, 910, picture_top)) > 200, "no title in the band above the picture"
        assert bright(at_cue, (170, picture_bottom, 910, bottom)) > 200, "no caption below the picture"
        assert bright(between, (0, picture_bottom + 2, 1080, 1920)) == 0, "a caption shown between cues"
        assert bright(between, (170, top, 910, picture_top)) > 200, "the title stays on"
        assert differs(at_cue, (0, picture_top + 4, 1080, picture_bottom - 4)) > 100_000, "no picture"


def test_square_keeps_the_title_safe_area(built) -> None:
    dist, _ = built
    im = frame(published(dist, "social/bn/tiny-film-bn-square.mp4"), 2.2)
    assert differs(im, (0, 0, 1080, 52)) == 0 and differs(im, (0, 1080 - 52, 1080, 1080)) == 0
    assert differs(im, (0, 0, 52, 236)) == 0 and differs(im, (1080 - 52, 844, 1080, 1080)) == 0
    assert bright(im, (54, 54, 1026, 236)) > 200 and bright(im, (54, 844, 1026, 1026)) > 200


def test_covers_show_the_title_over_the_frame(built) -> None:
    dist, _ = built
    for shape, size in (("vertical", (1080, 1920)), ("square", (1080, 1080)), ("landscape", (320, 180))):
        with Image.open(published(dist, f"social/ur/tiny-film-ur-{shape}-cover.jpg")) as im:
            assert im.format == "JPEG" and im.size == size
            rgb = im.convert("RGB")
            if shape == "vertical":
                assert differs(rgb, (0, 0, 1080, 265), tolerance=20) == 0
                assert bright(rgb, (170, 269, 910, 435)) > 200


def test_caption_files_read_by_independent_parsers(built) -> None:
    dist, _ = built
    path = published(dist, "social/ur/tiny-film.ur_PK.srt")
    assert re.fullmatch(r"tiny-film\.[0-9a-f]{12}\.ur_PK\.srt", path.name)  # the locale stays last
    text = path.read_text(encoding="utf-8")
    subs = list(srt_lib.parse(text))
    assert [s.index for s in subs] == [1, 2]
    assert subs[0].content == "سلام، پڑوسیو!" and subs[1].start.total_seconds() == 1.6
    assert len(pysrt.open(str(path), encoding="utf-8", error_handling=pysrt.ERROR_RAISE)) == 2
    probed = ffmpeg.probe(path)
    assert probed["streams"][0]["codec_name"] == "subrip"


def test_post_text_is_translated_with_the_link(built) -> None:
    dist, _ = built
    ur = (dist / "social" / "ur" / "post.txt").read_text(encoding="utf-8")
    assert ur == (
        "اپنے محلے کی پولیس ٹیم سے ملیے\n\nاپنی مقامی ٹیم یہاں تلاش کیجیے: example.org/team\nhttps://example.org/team\n"
    )
    en = (dist / "social" / "en" / "post.txt").read_text(encoding="utf-8")
    assert en.startswith("Meet your neighbourhood policing team\n") and en.endswith("https://example.org/team\n")


def test_manifest_lists_the_pack_with_platforms(built) -> None:
    dist, _ = built
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(manifest)
    ur = next(lang for lang in manifest["languages"] if lang["code"] == "ur")
    kinds = [e["kind"] for e in ur["social"]]
    assert kinds == ["landscape", "vertical", "square", "captions-file", "cover", "cover", "cover", "post-text"]
    by_url = {logical_name(e["url"]): e for e in ur["social"]}
    vertical = by_url["social/ur/tiny-film-ur-vertical.mp4"]
    assert vertical["platforms"] == ["instagram-reels", "tiktok", "youtube-shorts", "facebook", "x", "linkedin"]
    assert (vertical["width"], vertical["height"], vertical["mimeType"]) == (1080, 1920, "video/mp4")
    assert vertical["durationSeconds"] == pytest.approx(3.0, abs=0.04)
    landscape = by_url["social/ur/tiny-film-ur-landscape.mp4"]
    assert landscape["platforms"] == ["facebook", "x", "linkedin"]
    srt_entry = by_url["social/ur/tiny-film.ur_PK.srt"]
    assert srt_entry["locale"] == "ur_PK" and srt_entry["cues"] == 2 and "instagram-reels" not in srt_entry["platforms"]
    post = by_url["social/ur/post.txt"]
    assert post["characters"]["x"] < 280 and "x" in post["platforms"]


def test_verify_checks_the_pack(built, tmp_path: Path) -> None:
    dist, _ = built
    assert verify_dist(dist).ok
    copy = tmp_path / "dist"
    subprocess.run(["cp", "-r", str(dist), str(copy)], check=True)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    ur = next(lang for lang in manifest["languages"] if lang["code"] == "ur")
    ur["social"][0]["platforms"] = ["instagram-reels"]  # a landscape cut does not fit Reels
    (copy / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    srt_path = published(copy, "social/ur/tiny-film.ur_PK.srt")
    srt_path.write_text(
        srt_path.read_text(encoding="utf-8") + "3\n00:00:02,950 --> 00:00:02,990\nextra\n", encoding="utf-8"
    )
    result = verify_dist(copy)
    problems = {(logical_name(p.file), p.kind) for p in result.problems}
    assert ("social/ur/tiny-film-ur-landscape.mp4", "mismatch") in problems
    assert ("social/ur/tiny-film.ur_PK.srt", "changed") in problems or (
        "social/ur/tiny-film.ur_PK.srt",
        "size",
    ) in problems


def test_report_and_preview_show_the_pack(built) -> None:
    dist, _ = built
    qc = qc_dir(dist)  # the QC report and its frames live beside dist/, not in what is uploaded
    report = (qc / "report.html").read_text(encoding="utf-8")
    assert 'id="social-fit"' in report and "Instagram Reels" in report and "fits" in report
    assert not (dist / "report.html").exists() and not (dist / "qc").exists()
    for lang in LANGS:
        for shape in ("landscape", "vertical", "square"):
            assert f"qc/{lang}-social-{shape}.png" in report
            with Image.open(qc / "qc" / f"{lang}-social-{shape}.png") as im:
                assert im.size[0] > 100
    index = (dist / "index.html").read_text(encoding="utf-8")
    assert 'id="social-heading"' in index
    for lang in LANGS:
        cut = published(dist, f"social/{lang}/tiny-film-{lang}-vertical.mp4").relative_to(dist).as_posix()
        assert f'src="{cut}"' in index
        assert f'href="social/{lang}/post.txt"' in index


def test_blurred_band_and_no_pack(tmp_path: Path, tiny_media: Path) -> None:
    """The default band (the film blurred and darkened) behind a vertical-only pack; `shapes = []` makes none."""
    root = social_project(tmp_path / "blur", tiny_media, languages=("en",), social='shapes = ["vertical"]')
    assert run_guarded(cli, ["build", "-p", str(root)]) == 0
    names = sorted(logical_name(p.name) for p in (root / "dist" / "social" / "en").iterdir())
    assert "tiny-film-en-square.mp4" not in names and "tiny-film-en-vertical.mp4" in names
    im = frame(published(root / "dist", "social/en/tiny-film-en-vertical.mp4"), 1.0)
    band = im.crop((0, 0, 1080, 260))
    colours = band.getcolors(1_000_000) or []
    assert len(colours) > 50, "the band is the blurred film, not a flat colour"
    assert max(sum(px) / 3 for _, px in colours) < 170, "the band is darkened"
    off = social_project(tmp_path / "off", tiny_media, languages=("en",), social="shapes = []")
    assert run_guarded(cli, ["build", "-p", str(off)]) == 0
    assert not (off / "dist" / "social").exists()
    manifest = json.loads((off / "dist" / "manifest.json").read_text(encoding="utf-8"))
    assert all("social" not in lang for lang in manifest["languages"])


@pytest.mark.browser
def test_preview_plays_each_cut_of_the_picked_language(built) -> None:
    """Chromium: picking Urdu shows Urdu's social cuts only, and each one loads and plays at its size."""
    from browser import launch_browser, serve

    dist, _ = built
    with serve(dist) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.goto(base + "index.html")
        page.wait_for_load_state("networkidle")
        page.locator("input[name=language][value=ur]").check()
        assert page.locator('.social-pack[data-lang="ur"]').is_visible()
        assert not page.locator('.social-pack[data-lang="en"]').is_visible()
        for shape, size in (("landscape", [320, 180]), ("vertical", [1080, 1920]), ("square", [1080, 1080])):
            cut = published(dist, f"social/ur/tiny-film-ur-{shape}.mp4").relative_to(dist).as_posix()
            selector = f'video[src="{cut}"]'
            page.evaluate(f"document.querySelector('{selector}').load()")
            page.wait_for_function(f"document.querySelector('{selector}').readyState >= 2", timeout=15_000)
            assert (
                page.evaluate(
                    f"[document.querySelector('{selector}').videoWidth, document.querySelector('{selector}').videoHeight]"
                )
                == size
            )
            page.evaluate(f"document.querySelector('{selector}').muted = true")
            page.evaluate(f"document.querySelector('{selector}').play()")
            page.wait_for_function(f"document.querySelector('{selector}').currentTime > 0.2", timeout=15_000)
