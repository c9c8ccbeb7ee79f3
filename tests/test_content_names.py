"""Content-addressed names: which files carry a hash, how it is computed, and that a changed
subtitle file renames exactly what it changes (and nothing else) in a real build."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from build_helpers import published_names
from conftest import make_srt
from site_staging import built_site  # noqa: F401 (fixture)

from pipeline.cli import cli
from pipeline.cli.common import run_guarded
from pipeline.content_names import (
    file_hash_claim,
    folder_digest,
    folder_hash_claim,
    hashed_file_name,
    is_immutable,
    is_media_name,
    logical_name,
)

DIGEST = hashlib.sha256(b"x").hexdigest()


@pytest.mark.parametrize(
    ("name", "hashed"),
    [
        ("en-720.mp4", f"en-720.{DIGEST[:12]}.mp4"),
        ("poster-720.webp", f"poster-720.{DIGEST[:12]}.webp"),
        ("tiny-film.ur_PK.srt", f"tiny-film.{DIGEST[:12]}.ur_PK.srt"),  # the locale a platform reads stays last
    ],
)
def test_a_file_name_gets_its_hash_after_the_stem(name: str, hashed: str) -> None:
    assert hashed_file_name(name, DIGEST) == hashed
    assert file_hash_claim(hashed) == (name, DIGEST[:12])
    assert logical_name(f"video/en/{hashed}") == f"video/en/{name}"
    assert is_immutable(f"video/en/{hashed}") and not is_immutable(f"video/en/{name}")


def test_media_are_hashed_and_pages_and_lists_are_not() -> None:
    for name in ("a.mp4", "a.vtt", "a.jpg", "a.webp", "a.srt", "a.m4a"):
        assert is_media_name(name), name
    for name in ("index.html", "manifest.json", "master.m3u8", "SHA256SUMS", "post.txt", "en.html"):
        assert not is_media_name(name), name
    for fixed in ("manifest.json", "hls/master.m3u8", "transcripts/ur.html", "social/ur/post.txt", "hls/SHA256SUMS"):
        assert not is_immutable(fixed), fixed


def test_a_folder_hash_is_what_sha256sum_of_its_files_gives(tmp_path: Path) -> None:
    """Reproducible with coreutils: `sha256sum <files in byte order> | sha256sum`."""
    folder = tmp_path / "720"
    folder.mkdir()
    for name, data in (("seg-00002.m4s", b"b"), ("index.m3u8", b"#EXTM3U\n"), ("init.mp4", b"i")):
        (folder / name).write_bytes(data)
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    names = sorted(files, key=lambda n: n.encode())
    listing = subprocess.run(["sha256sum", *names], cwd=folder, capture_output=True, check=True).stdout
    assert folder_digest(files) == hashlib.sha256(listing).hexdigest()
    assert folder_hash_claim(f"720.{folder_digest(files)[:12]}") == ("720", folder_digest(files)[:12])
    assert is_immutable(f"hls/video/720.{folder_digest(files)[:12]}/seg-00002.m4s")


def test_a_built_dist_names_every_media_file_by_its_content(built_site) -> None:  # noqa: F811
    dist = built_site.dist
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["entryPoints"] == ["manifest.json", "index.html", "hls/master.m3u8"]
    names = published_names(dist)
    on_disk = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()}
    assert on_disk == set(names.values()) | {"manifest.json", "manifest.schema.json"}
    for logical, real in names.items():
        media = real.startswith("hls/") and real.count("/") > 2 or is_media_name(real)
        assert is_immutable(real) == media, real
        claim = file_hash_claim(real.rsplit("/", 1)[-1])
        if claim:
            assert hashlib.sha256((dist / real).read_bytes()).hexdigest().startswith(claim[1]), real
        assert logical == logical_name(real)
    for entry in [manifest["poster"], *manifest["posters"], manifest["hls"], manifest["preview"]]:
        assert entry["immutable"] is is_immutable(entry["url"])
    for lang in manifest["languages"]:
        assert lang["subtitles"]["immutable"] is True and lang["transcript"]["immutable"] is False
        assert all(r["immutable"] for r in lang["renditions"])
    assert all(v["immutable"] for v in manifest["hls"]["variants"])


def test_changing_one_subtitle_file_renames_only_what_it_changes(built_site, tmp_path: Path, capsys) -> None:  # noqa: F811
    """pl.srt changes: pl's WebVTT, pl's burned-in captions and pl's HLS subtitle rendition get new
    names; every video rung, every audio rendition and every other language keep theirs."""
    project = tmp_path / "project"
    shutil.copytree(built_site.project, project, ignore=shutil.ignore_patterns("dist", "dist-qc"))
    assert run_guarded(cli, ["build", "-p", str(project)]) == 0
    before = published_names(project / "dist")
    assert before == published_names(built_site.dist)  # the same inputs give the same names
    (project / "subtitles" / "pl.srt").write_text(make_srt(("Dzień dobry!", "Do widzenia.")), encoding="utf-8")
    assert run_guarded(cli, ["build", "-p", str(project)]) == 0
    capsys.readouterr()
    after = published_names(project / "dist")
    assert set(after) == set(before)
    renamed = {logical for logical in before if before[logical] != after[logical]}
    pl_subs = {logical for logical in before if logical.startswith("hls/subs/pl/")}
    assert pl_subs and renamed == {"subtitles/pl.vtt", "video/pl/pl-180-captioned.mp4"} | pl_subs
    # the video rungs (and the audio) are untouched: a CDN keeps serving them from its cache
    kept = [n for n in before if n.startswith(("hls/video/", "hls/audio/", "video/", "posters/"))]
    assert kept and all(before[n] == after[n] for n in kept if n != "video/pl/pl-180-captioned.mp4")
    # only the entry point names the new folder
    master_before = (built_site.dist / "hls" / "master.m3u8").read_text(encoding="utf-8").splitlines()
    master_after = (project / "dist" / "hls" / "master.m3u8").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(master_before, master_after, strict=True) if a != b]
    assert len(changed) == 1 and 'LANGUAGE="pl"' in changed[0][0] and "subs/pl." in changed[0][1]
    assert run_guarded(cli, ["verify", str(project / "dist"), "--no-probe"]) == 0
