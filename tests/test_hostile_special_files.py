"""A named pipe (FIFO) or a device where film.toml names a file: the subtitles, the text
descriptions, a dub, the described mix or the master (and a language's gettext catalog).

Opening a FIFO with no writer waits for ever; /dev/zero and /dev/urandom never end. Validate
and build must answer at once with one sentence naming the path and saying it is not a regular
file, exit non-zero, never a traceback, and write nothing. Each command runs in a subprocess
under a generous timeout, so a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import write_project

REPO = Path(__file__).resolve().parents[1]
HANG_GUARD = 120  # seconds; each command below takes about one

# role -> (the path film.toml names, the key as the finding shows it)
ROLES = {
    "subtitles": ("subtitles/pl.srt", "subtitles in [languages.pl]"),
    "descriptions": ("subtitles/pl-descriptions.vtt", "descriptions in [languages.pl]"),
    "dub": ("assets/audio/pl.m4a", "audio in [languages.pl]"),
    "described_audio": ("assets/audio/pl-described.m4a", "described_audio in [languages.pl]"),
    "master": ("assets/master.mp4", "master in [film]"),
}
DESCRIPTIONS = "WEBVTT\n\n00:00:00.200 --> 00:00:01.400\nA door opens.\n"


def filmpipe(project: Path, *args: str) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "pipeline", *args, "-p", str(project)]
    return subprocess.run(argv, capture_output=True, text=True, cwd="/", timeout=HANG_GUARD, stdin=subprocess.DEVNULL)


def project_with(tmp_path: Path, tiny_media: Path, special: dict[str, str]) -> Path:
    """An en+pl project whose files in `special` (role -> "fifo" or a device) are replaced by a
    FIFO or by a link, inside the project, to that device."""
    root = write_project(tmp_path / "project", tiny_media, ("en", "pl"))
    (root / "subtitles" / "pl-descriptions.vtt").write_text(DESCRIPTIONS, encoding="utf-8")
    (root / "assets" / "audio" / "pl-described.m4a").write_bytes((root / "assets" / "audio" / "pl.m4a").read_bytes())
    toml = root / "film.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            "[languages.pl]\n",
            '[languages.pl]\ndescriptions = "subtitles/pl-descriptions.vtt"\n'
            'described_audio = "assets/audio/pl-described.m4a"\n',
        ),
        encoding="utf-8",
    )
    for role, kind in special.items():
        target = root / ROLES[role][0]
        target.unlink()
        if kind == "fifo":
            os.mkfifo(target)
        else:
            target.symlink_to(kind)
    return root


def sentence(role: str, kind: str) -> str:
    shown, key = ROLES[role]
    what = "is a named pipe (FIFO)" if kind == "fifo" else "is a link to a character device"
    return f"{shown} ({key} in film.toml) {what}, not a regular file"


# Every role at once: validate reports each file in its own finding, in one run.
ALL_FIFOS = {role: "fifo" for role in ROLES}
ALL_DEVICES = {role: "/dev/zero" for role in ROLES} | {"subtitles": "/dev/urandom", "dub": "/dev/urandom"}


@pytest.mark.parametrize("special", [ALL_FIFOS, ALL_DEVICES], ids=["fifos", "devices"])
def test_validate_names_each_special_file(tmp_path: Path, tiny_media: Path, special: dict[str, str]) -> None:
    project = project_with(tmp_path, tiny_media, special)
    extra = () if special is ALL_FIFOS else ("--allow-outside",)  # a device link resolves outside the project
    result = filmpipe(project, "validate", *extra)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out
    for role, kind in special.items():
        assert sentence(role, kind) in result.stdout, (role, out)
    assert result.stdout.count("INPUT_MISSING") == len(ROLES)
    assert "fix: save the file itself at subtitles/pl.srt (not a pipe or a device)" in result.stdout


@pytest.mark.parametrize(("role", "kind"), [("subtitles", "fifo"), ("master", "/dev/zero"), ("dub", "/dev/urandom")])
def test_build_stops_before_writing_anything(tmp_path: Path, tiny_media: Path, role: str, kind: str) -> None:
    project = project_with(tmp_path, tiny_media, {role: kind})
    extra = () if kind == "fifo" else ("--allow-outside",)
    result = filmpipe(project, "build", *extra)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert sentence(role, kind) in result.stderr
    assert "nothing was written" in result.stderr
    assert not (project / "dist").exists()
    target = project / ROLES[role][0]
    assert target.is_fifo() if kind == "fifo" else os.readlink(target) == kind  # the input is left alone


def test_a_link_to_a_device_is_outside_the_project_without_allow_outside(tmp_path: Path, tiny_media: Path) -> None:
    project = project_with(tmp_path, tiny_media, {"subtitles": "/dev/zero"})
    result = filmpipe(project, "validate")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "points outside the project folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_fix_refuses_a_fifo(tmp_path: Path, tiny_media: Path) -> None:
    project = project_with(tmp_path, tiny_media, {"subtitles": "fifo"})
    result = filmpipe(project, "fix")
    assert "subtitles/pl.srt is a named pipe (FIFO), not a regular file" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert (project / "subtitles" / "pl.srt").is_fifo()


def test_a_fifo_catalog_is_named(tmp_path: Path, tiny_media: Path) -> None:
    project = write_project(tmp_path / "project", tiny_media, ("en", "pl"))
    catalog = project / "locales" / "pl" / "LC_MESSAGES" / "film.po"
    catalog.parent.mkdir(parents=True)
    os.mkfifo(catalog)
    result = filmpipe(project, "validate")
    assert result.returncode == 1
    assert "LOCALE_UNREADABLE" in result.stdout
    assert "locales/pl/LC_MESSAGES/film.po is a named pipe (FIFO), not a regular file" in result.stdout


def test_reader_never_opens_a_fifo(tmp_path: Path) -> None:
    """The subtitle reader itself (used by build, fix and descriptions) checks before it reads."""
    from pipeline.subtitles.reader import read_subtitles

    fifo = tmp_path / "x.srt"
    os.mkfifo(fifo)
    answer: list = []
    reader = threading.Thread(target=lambda: answer.append(read_subtitles(fifo, "en", "x.srt")), daemon=True)
    reader.start()
    reader.join(HANG_GUARD)  # opening the pipe would block for ever
    assert answer, "read_subtitles opened the FIFO and waited"
    doc, findings = answer[0]
    assert doc is None
    assert [(f.code, f.message) for f in findings] == [
        ("INPUT_MISSING", "x.srt is a named pipe (FIFO), not a regular file")
    ]
