"""`filmpipe verify DIST`: every change to a published file is caught and named."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from build_helpers import published
from site_staging import built_site, copy_dist  # noqa: F401 (fixture)

from pipeline.cli import cli
from pipeline.cli.common import run_guarded
from pipeline.content_names import hashed_file_name, logical_name


def verify(dist: Path, capsys, *extra: str, probe: bool = False) -> tuple[int, list[str]]:
    """Run the command; re-probing (slow) only where a test is about what ffprobe sees."""
    code = run_guarded(cli, ["verify", str(dist), *extra, *([] if probe else ["--no-probe"])])
    out = capsys.readouterr()
    return code, (out.out + out.err).splitlines()


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def problem_lines(lines: list[str]) -> list[str]:
    return lines[:-1]  # the last line is the summary


@pytest.fixture
def dist(built_site, tmp_path) -> Path:
    """A copy of a real tiny build's dist/ (the build's own files are hard links into its cache)."""
    return copy_dist(built_site.dist, tmp_path)


def listed_objects(node) -> list[dict]:
    """Objects of the manifest that carry url, bytes and sha256, found by walking it."""
    if isinstance(node, dict):
        found = [node] if {"url", "bytes", "sha256"} <= node.keys() else []
        return found + [o for v in node.values() for o in listed_objects(v)]
    if isinstance(node, list):
        return [o for item in node for o in listed_objects(item)]
    return []


def test_an_untouched_dist_verifies(dist, capsys):
    code, lines = verify(dist, capsys, probe=True)
    assert code == 0, lines
    assert lines[-1].startswith("OK: ")
    code, lines = verify(dist, capsys, "--format", "json", probe=True)
    result = json.loads("\n".join(lines))
    assert code == 0 and result["ok"] is True and result["problems"] == []
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    listed = {o["url"] for o in listed_objects(manifest)}
    hls_tree = (dist / "hls" / "SHA256SUMS").read_text().splitlines()
    assert len(hls_tree) > 10  # master, media and I-frame playlists, init and media segments
    assert result["hashed"] == len(listed) + len(hls_tree)
    media = [u for u in listed if u.startswith(("video/", "posters/"))]
    assert result["probed"] == len(media)
    # nothing in the folder escaped the check: every file is listed, in the HLS tree, or the preview page
    on_disk = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()}
    tree = {"hls/" + line.split("  ", 1)[1] for line in hls_tree}
    assert "index.html" in listed and "report.html" not in on_disk and not any(u.startswith("qc/") for u in on_disk)
    assert on_disk == listed | tree | {"manifest.json", "manifest.schema.json"}


@pytest.mark.parametrize(
    "pick",
    [
        lambda m: m["languages"][1]["renditions"][0]["url"],  # a progressive MP4
        lambda m: m["languages"][3]["subtitles"]["url"],  # the Urdu WebVTT
        lambda m: m["posters"][-1]["url"],  # a WebP poster
        lambda m: m["preview"]["url"],  # index.html
    ],
    ids=["video", "vtt", "poster", "preview"],
)
def test_one_changed_byte_is_caught_and_the_file_named(dist, capsys, pick):
    name = pick(json.loads((dist / "manifest.json").read_text(encoding="utf-8")))
    size = (dist / name).stat().st_size
    flip_byte(dist / name, size // 2)
    code, lines = verify(dist, capsys, probe=True)
    assert code == 1
    problems = problem_lines(lines)
    assert problems and all(name in line for line in problems), problems
    assert any(line.startswith("changed") and name in line for line in problems)
    # a media file's name carries its content hash: the edited bytes no longer match it
    assert any(line.startswith("name") for line in problems) == (name != "index.html")


def test_a_renamed_media_file_whose_name_claims_other_bytes_is_named(dist, capsys):
    """The manifest follows the rename (sizes and hashes agree), but the name's hash does not."""
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    old = manifest["languages"][1]["subtitles"]["url"]
    other = manifest["languages"][2]["subtitles"]["url"]
    lying = old.replace(old.split(".")[-2], other.split(".")[-2])  # pl's bytes under a name claiming ro's hash
    (dist / old).rename(dist / lying)
    _edit_manifest(dist, lambda m: m["languages"][1]["subtitles"].update(url=lying))
    code, lines = verify(dist, capsys)
    assert code == 1
    assert problem_lines(lines) == [l for l in lines if l.startswith("name") and lying in l]
    assert "carries the content hash" in lines[0] and "rebuild" in lines[0]


def test_a_changed_hls_segment_is_caught(dist, capsys):
    segment = sorted((dist / "hls").rglob("*.m4s"))[1]
    flip_byte(segment, 100)
    code, lines = verify(dist, capsys)
    rel = segment.relative_to(dist).as_posix()
    assert code == 1
    # the segment's bytes, and the content-addressed name of the rendition folder holding it
    assert problem_lines(lines) == [
        line
        for line in lines
        if (line.startswith("changed") and rel in line)
        or (line.startswith("name") and f"{segment.parent.relative_to(dist).as_posix()}/:" in line)
    ]
    assert len(problem_lines(lines)) == 2


def test_a_missing_hls_segment_names_the_playlist_that_wants_it(dist, capsys):
    segment = sorted((dist / "hls").rglob("*.m4s"))[0]
    segment.unlink()
    code, lines = verify(dist, capsys)
    assert code == 1
    assert any(line.startswith("missing") and segment.name in line and "index.m3u8" in line for line in lines)


def test_a_resized_file_is_reported_by_size(dist, capsys):
    name = published(dist, "video/en/en-180-captioned.mp4").relative_to(dist).as_posix()
    with (dist / name).open("ab") as fh:
        fh.write(b"\0" * 10)
    code, lines = verify(dist, capsys)
    size = (dist / name).stat().st_size
    assert code == 1
    assert any(line.startswith("size") and name in line and str(size) in line for line in lines)


def test_a_missing_file_is_reported(dist, capsys):
    vtt = published(dist, "subtitles/bn.vtt")
    vtt.unlink()
    code, lines = verify(dist, capsys)
    assert code == 1
    assert problem_lines(lines) == [l for l in lines if l.startswith("missing") and vtt.name in l]


def test_extra_files_are_reported(dist, capsys):
    (dist / "video" / "pl" / "old-720.mp4").write_bytes(b"left over")
    segment_folder = sorted((dist / "hls").rglob("*.m4s"))[0].parent
    (segment_folder / "stray.m4s").write_bytes(b"not in any playlist")
    stray = (segment_folder / "stray.m4s").relative_to(dist).as_posix()
    code, lines = verify(dist, capsys)
    assert code == 1
    problems = problem_lines(lines)
    folder = segment_folder.relative_to(dist).as_posix() + "/"
    assert sorted(l.split()[1].rstrip(":") for l in problems) == sorted([stray, "video/pl/old-720.mp4", folder])
    # the stray segment is extra, and its rendition folder no longer holds what its name says
    assert all(l.startswith("extra") or (l.startswith("name") and folder in l) for l in problems)


def _edit_manifest(dist: Path, change) -> None:
    path = dist / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def test_a_duration_more_than_one_frame_off_is_reported(dist, capsys):
    def lengthen(m):
        rendition = m["languages"][2]["renditions"][0]
        rendition["durationSeconds"] = round(rendition["durationSeconds"] + 1.5 / m["film"]["frameRate"], 3)

    _edit_manifest(dist, lengthen)
    code, lines = verify(dist, capsys, probe=True)
    assert code == 1
    problems = problem_lines(lines)
    # the manifest contradicts itself (rendition vs film) and the file contradicts the manifest
    assert problems == [
        l
        for l in lines
        if (l.startswith("duration") and logical_name(l.split()[1].rstrip(":")) == "video/ro/ro-180.mp4")
        or (l.startswith("contract") and "languages/2/renditions/0/durationSeconds" in l)
    ]
    assert any(l.startswith("duration") for l in problems) and any(l.startswith("contract") for l in problems)


def test_a_duration_within_one_frame_is_accepted(dist, capsys):
    def nudge(m):
        rendition = m["languages"][2]["renditions"][0]
        rendition["durationSeconds"] = round(rendition["durationSeconds"] + 0.5 / m["film"]["frameRate"], 3)

    _edit_manifest(dist, nudge)
    code, lines = verify(dist, capsys, probe=True)
    assert code == 0, lines


def test_wrong_dimensions_and_cue_counts_are_reported(dist, capsys):
    def lie(m):
        m["languages"][1]["renditions"][1]["height"] = 720
        m["languages"][3]["subtitles"]["cues"] = 5

    _edit_manifest(dist, lie)
    code, lines = verify(dist, capsys, probe=True)
    assert code == 1
    problems = problem_lines(lines)
    named = [(logical_name(l.split()[1].rstrip(":")), l) for l in problems]
    assert any(name == "video/pl/pl-180-captioned.mp4" and "720" in l for name, l in named)
    assert any(name == "subtitles/ur.vtt" and "2 cues" in l for name, l in named)


def test_a_manifest_that_breaks_the_schema_is_reported(dist, capsys):
    _edit_manifest(dist, lambda m: m["languages"][0].update(direction="sideways"))
    code, lines = verify(dist, capsys)
    assert code == 1
    assert any(l.startswith("schema") and "manifest.json" in l and "sideways" in l for l in lines)


def test_a_changed_schema_copy_is_reported(dist, capsys):
    path = dist / "manifest.schema.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace("File size in bytes", "File size in octets", 1), encoding="utf-8"
    )
    code, lines = verify(dist, capsys)
    assert code == 1
    assert problem_lines(lines) == [l for l in lines if l.startswith("changed") and "manifest.schema.json" in l]


def test_a_corrupt_manifest_is_a_mismatch(dist, capsys):
    flip_byte(dist / "manifest.json", 0)  # '{' becomes 'z'
    code, lines = verify(dist, capsys)
    assert code == 1
    assert any("manifest.json" in l and "JSON" in l for l in lines)


def test_a_folder_without_manifest_exits_2(tmp_path, capsys):
    code, lines = verify(tmp_path, capsys)
    assert code == 2
    assert lines[0].startswith("Error: ") and "manifest.json" in lines[0]
    assert lines[1].startswith("Hint: ")


def test_json_output_lists_problems(dist, capsys):
    poster = published(dist, "posters/poster-180.jpg")
    poster.unlink()
    code, lines = verify(dist, capsys, "--format", "json")
    data = json.loads("\n".join(lines))
    assert code == 1 and data["ok"] is False
    assert data["problems"] == [
        {
            "file": poster.relative_to(dist).as_posix(),
            "kind": "missing",
            "detail": "listed in manifest.json but not in the folder",
        }
    ]


def test_an_hls_playlist_whose_segments_do_not_add_up_is_reported(dist, capsys):
    playlist = next(p for p in sorted((dist / "hls").rglob("index.m3u8")) if "/audio/" in p.as_posix())
    text = playlist.read_text(encoding="utf-8")
    first = re.search(r"#EXTINF:([0-9.]+),", text)
    longer = f"#EXTINF:{float(first.group(1)) + 0.5:.5f},"
    playlist.write_text(text.replace(first.group(0), longer, 1), encoding="utf-8")
    code, lines = verify(dist, capsys)
    rel = playlist.relative_to(dist).as_posix()
    assert code == 1
    problems = problem_lines(lines)
    assert any(l.startswith("duration") and rel in l for l in problems), problems
    assert any(l.startswith("changed") and rel in l for l in problems), problems


def test_a_video_stream_cut_short_under_full_length_audio_is_reported(dist, capsys, tmp_path):
    """The container lasts as long as its longest stream, so the file's duration alone hides this."""
    import hashlib
    import subprocess

    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    rendition = manifest["languages"][1]["renditions"][0]
    target = dist / rendition["url"]
    short_video = tmp_path / "short.mp4"
    run = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y"]
    subprocess.run([*run, "-i", str(target), "-map", "0:v", "-t", "1", "-c", "copy", str(short_video)], check=True)
    joined = tmp_path / "joined.mp4"
    subprocess.run(
        [
            *run,
            "-i",
            str(short_video),
            "-i",
            str(target),
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            str(joined),
        ],
        check=True,
    )
    target.unlink()
    data = joined.read_bytes()
    # a build that recorded the broken file as it is: name, size and hash agree, only the streams tell
    url = (
        rendition["url"].rsplit("/", 1)[0]
        + "/"
        + hashed_file_name(logical_name(target.name), hashlib.sha256(data).hexdigest())
    )
    target = dist / url
    target.write_bytes(data)
    rendition["url"] = url
    _edit_manifest(
        dist,
        lambda m: m["languages"][1]["renditions"][0].update(
            url=url,
            bytes=target.stat().st_size,
            sha256=hashlib.sha256(target.read_bytes()).hexdigest(),
            bitrateKbps=round(target.stat().st_size * 8 / 1000 / m["languages"][1]["renditions"][0]["durationSeconds"]),
        ),
    )
    code, lines = verify(dist, capsys, probe=True)
    assert code == 1
    problems = problem_lines(lines)
    assert problems and all(l.startswith("duration") and rendition["url"] in l for l in problems), problems
    assert any("video stream" in l for l in problems)
