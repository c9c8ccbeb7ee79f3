"""Hostile film.toml files: each is refused (or accepted) with one sentence, never a traceback.

Unreadable files, byte-order marks, limits that are not numbers, one language twice under two
spellings, tags that name no language, paths that lead out of the project folder, and control
characters hidden in cues. Messages never quote a file that is not one of the project's
subtitle files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CUES, make_srt
from test_validate_corpus import write_project

from pipeline.errors import ConfigError
from pipeline.project import load_project

REPO = Path(__file__).resolve().parents[1]
SECRET = "SECRET-d41d8cd98f00"  # stands for a file from outside the film that must never be shown
LANGS = ("en", "pl")


def filmpipe(*args: str, user: list[str] | None = None) -> subprocess.CompletedProcess:
    argv = [*(user or []), sys.executable, "-m", "pipeline", *args]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd="/")


def assert_one_sentence(result: subprocess.CompletedProcess, code: int = 2) -> str:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("Error: "), result.stderr
    return result.stderr


@pytest.fixture
def film(tmp_path: Path, tiny_media: Path) -> Path:
    return write_project(tmp_path / "film", tiny_media, languages=LANGS)


def toml_of(project: Path) -> str:
    return (project / "film.toml").read_text(encoding="utf-8")


def rewrite(project: Path, old: str, new: str) -> None:
    text = toml_of(project)
    assert old in text, old
    (project / "film.toml").write_text(text.replace(old, new, 1), encoding="utf-8")


# --------------------------------------------------------------------------- reading film.toml


def test_unreadable_film_toml_is_one_sentence_naming_it(film: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PermissionError from reading film.toml (as an ordinary user would get on a mode-000 file)."""
    real = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self.name == "film.toml":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(ConfigError) as err:
        load_project(film)
    assert "film.toml cannot be read: permission denied" in err.value.message
    assert "chmod" in err.value.hint


@pytest.fixture
def world_readable_dir() -> Iterator[Path]:
    """A folder an unprivileged user can enter (pytest's own tmp folders are private to root)."""
    where = Path(tempfile.mkdtemp(prefix="filmpipe-hostile-"))
    where.chmod(0o755)
    yield where
    shutil.rmtree(where, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv")
def test_mode_000_film_toml_read_by_an_ordinary_user(world_readable_dir: Path, tiny_media: Path) -> None:
    """Root ignores file modes, so the CLI is run for real as `nobody` on a mode-000 film.toml."""
    project = write_project(world_readable_dir / "film", tiny_media, languages=LANGS)
    for path in [project, *project.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    (project / "film.toml").chmod(0o000)
    nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    for command in (["validate"], ["build", "--dry-run"]):
        stderr = assert_one_sentence(filmpipe(*command, "-p", str(project), user=nobody))
        assert "film.toml cannot be read: permission denied" in stderr


def test_utf8_byte_order_mark_is_accepted(film: Path) -> None:
    """Notepad's "UTF-8 with BOM": TOML forbids the mark, but the file is plainly meant as UTF-8."""
    (film / "film.toml").write_bytes(b"\xef\xbb\xbf" + toml_of(film).encode("utf-8"))
    assert load_project(film).film.id == "tiny-film"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_or_utf32_film_toml_is_named(film: Path, encoding: str) -> None:
    (film / "film.toml").write_bytes(toml_of(film).encode(encoding))  # Python writes the BOM
    with pytest.raises(ConfigError) as err:
        load_project(film)
    assert f"saved as {encoding.upper()}" in err.value.message and "byte-order mark" in err.value.message
    assert "UTF-8" in err.value.hint


def test_latin1_film_toml_names_the_line(film: Path) -> None:
    text = toml_of(film).replace("Meet your", "Café meets your")
    (film / "film.toml").write_bytes(text.encode("latin-1"))
    with pytest.raises(ConfigError, match=r"film.toml is not UTF-8 text \(line 3\)"):
        load_project(film)


# --------------------------------------------------------------------------- limits and languages


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "+nan", "-1", "0", "-0.5", "true", '"2"'])
@pytest.mark.parametrize("key", ["min_duration", "max_duration", "max_cps", "max_line_length"])
def test_limits_must_be_finite_positive_numbers(film: Path, key: str, value: str) -> None:
    rewrite(film, "[languages.pl]\n", f"[languages.pl]\n{key} = {value}\n")
    with pytest.raises(ConfigError) as err:
        load_project(film)
    assert f"'{key}' in [languages.pl] must be a" in err.value.message


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
@pytest.mark.parametrize("key", ["loudness_lufs", "true_peak_dbtp"])
def test_output_levels_must_be_finite(film: Path, key: str, value: str) -> None:
    rewrite(film, "[output]\n", f"[output]\n{key} = {value}\n")
    with pytest.raises(ConfigError, match=f"'{key}' in \\[output\\] must be a number"):
        load_project(film)


@pytest.mark.parametrize("second", ["PL", "Pl", "pL"])
def test_one_language_in_two_letter_cases_is_refused(film: Path, second: str) -> None:
    rewrite(film, "[languages.pl]\n", f'[languages.{second}]\nsubtitles = "subtitles/pl.srt"\n\n[languages.pl]\n')
    with pytest.raises(ConfigError) as err:
        load_project(film)
    assert "are the same language (tags ignore letter case)" in err.value.message
    assert second in err.value.message and "[languages.pl]" in err.value.message


@pytest.mark.parametrize("tag", ["und", "UND", "root"])
def test_tags_that_name_no_language_are_refused(film: Path, tag: str) -> None:
    rewrite(film, "[languages.pl]", f"[languages.{tag}]")
    with pytest.raises(ConfigError) as err:
        load_project(film)
    assert f"'{tag}' in [languages.{tag}] is" in err.value.message
    assert "English" not in err.value.message and "United States" not in err.value.message


@pytest.mark.parametrize(("alias", "tag"), [("iw", "he"), ("tl", "fil"), ("in", "id")])
def test_alias_tags_are_named_with_the_tag_to_write(film: Path, alias: str, tag: str) -> None:
    rewrite(film, "[languages.pl]", f"[languages.{alias}]")
    with pytest.raises(ConfigError) as err:
        load_project(film)
    assert f"'{alias}'" in err.value.message and f"write [languages.{tag}]" in err.value.hint


def test_und_is_refused_by_the_cli_too(film: Path) -> None:
    rewrite(film, "[languages.pl]", "[languages.und]")
    stderr = assert_one_sentence(filmpipe("validate", "-p", str(film)))
    assert "undetermined" in stderr and "English (United States)" not in stderr


# --------------------------------------------------------------------------- paths out of the project


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file beside the project folder, holding something private."""
    secret = tmp_path / "private.srt"
    secret.write_text(f"{SECRET}\nroot:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    return secret


def escaping_values(film: Path, outside: Path) -> dict[str, str]:
    depth = len(film.resolve().parts) - 1
    return {
        "dotdot": "../" * depth + "etc/passwd",
        "dotdot-near": "../private.srt",
        "absolute": str(outside),
        "absolute-etc": "/etc/passwd",
    }


@pytest.mark.parametrize("kind", ["dotdot", "dotdot-near", "absolute", "absolute-etc"])
@pytest.mark.parametrize("field", ["subtitles", "audio", "master"])
def test_paths_leading_outside_are_refused(film: Path, outside: Path, kind: str, field: str) -> None:
    value = escaping_values(film, outside)[kind]
    old = {
        "subtitles": 'subtitles = "subtitles/pl.srt"',
        "audio": 'audio = "assets/audio/pl.m4a"',
        "master": 'master = "assets/master.mp4"',
    }[field]
    rewrite(film, old, f"{field} = {value!r}".replace("'", '"'))
    with pytest.raises(ConfigError) as err:
        load_project(film)
    assert f"'{field}' in" in err.value.message and "points outside the project folder" in err.value.message
    assert "--allow-outside" in err.value.hint
    assert load_project(film, allow_outside=True).film.id == "tiny-film"


def test_a_symlink_out_of_the_project_is_refused_and_its_content_never_shown(film: Path, outside: Path) -> None:
    link = film / "subtitles" / "pl.srt"
    link.unlink()
    link.symlink_to(outside)
    stderr = assert_one_sentence(filmpipe("validate", "-p", str(film)))
    assert "'subtitles' in [languages.pl] points outside the project folder (subtitles/pl.srt)" in stderr
    assert SECRET not in stderr
    build = filmpipe("build", "-p", str(film), "--dry-run")
    assert "points outside the project folder" in assert_one_sentence(build) and SECRET not in build.stderr
    assert not (film / "dist").exists()


def test_a_symlinked_folder_out_of_the_project_is_refused(film: Path, outside: Path) -> None:
    shutil.rmtree(film / "subtitles")
    (film / "subtitles").symlink_to(outside.parent)
    shutil.copy(film.parent / "private.srt", outside.parent / "pl.srt")
    with pytest.raises(ConfigError, match="points outside the project folder"):
        load_project(film)


def test_a_symlink_inside_the_project_is_fine(film: Path) -> None:
    (film / "subtitles" / "pl-current.srt").symlink_to(film / "subtitles" / "pl.srt")
    rewrite(film, "subtitles/pl.srt", "subtitles/pl-current.srt")
    assert load_project(film).language("pl").subtitles.name == "pl-current.srt"


def test_a_catalog_linked_from_outside_is_refused(film: Path, outside: Path) -> None:
    catalog = film / "locales" / "pl" / "LC_MESSAGES" / "film.po"
    catalog.parent.mkdir(parents=True, exist_ok=True)
    catalog.unlink(missing_ok=True)
    catalog.symlink_to(outside)
    result = filmpipe("validate", "-p", str(film))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stdout + result.stderr
    assert "LOCALE_UNREADABLE" in result.stdout
    assert "locales/pl/LC_MESSAGES/film.po is a link to a file outside the project folder" in result.stdout
    assert SECRET not in result.stdout + result.stderr


def test_allow_outside_lets_validate_read_it(film: Path, outside: Path) -> None:
    shutil.copy(film / "subtitles" / "pl.srt", outside)
    rewrite(film, 'subtitles = "subtitles/pl.srt"', f'subtitles = "{outside}"')
    assert "points outside" in assert_one_sentence(filmpipe("validate", "-p", str(film)))
    result = filmpipe("validate", "-p", str(film), "--allow-outside", "--format", "json")
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize("field", ["master", "audio"])
def test_messages_never_quote_a_media_file_that_is_text(film: Path, field: str) -> None:
    """A master or dub that is really a text file (inside the project) is named, never quoted."""
    notes = film / "assets" / "notes.txt"
    notes.write_text("\n".join([SECRET] * 3 + ["WEBVTT", "00:00.000 --> 00:01.000", SECRET]) + "\n", encoding="utf-8")
    old = {"master": "assets/master.mp4", "audio": "assets/audio/pl.m4a"}[field]
    rewrite(film, f'"{old}"', '"assets/notes.txt"')
    for fmt in ("text", "json"):
        result = filmpipe("validate", "-p", str(film), "--format", fmt)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert SECRET not in result.stdout + result.stderr
        assert "assets/notes.txt" in result.stdout


# --------------------------------------------------------------------------- hidden characters in cues


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u202e", "RIGHT-TO-LEFT OVERRIDE"),
        ("\u202d", "LEFT-TO-RIGHT OVERRIDE"),
        ("\u202b", "RIGHT-TO-LEFT EMBEDDING"),
        ("\u2066", "LEFT-TO-RIGHT ISOLATE"),
        ("\u2029", "PARAGRAPH SEPARATOR"),
        ("\u2028", "LINE SEPARATOR"),
        ("\x07", "CONTROL"),
        ("\x1b", "CONTROL"),
        ("\x85", "CONTROL"),
    ],
)
def test_bidi_and_control_characters_in_a_cue_are_an_error(
    tmp_path: Path, tiny_media: Path, char: str, name: str
) -> None:
    texts = list(CUES["pl"])
    texts[1] = f"Zadzwoń {char}441 101 na numer"
    project = write_project(tmp_path / "film", tiny_media, languages=LANGS, subs={"pl": ("pl.srt", make_srt(texts))})
    result = filmpipe("validate", "-p", str(project), "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    import json

    found = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "SUB_CONTROL_CHARS"]
    assert len(found) == 1 and found[0]["severity"] == "error" and found[0]["cue"] == 2, found
    assert f"U+{ord(char):04X} {name}" in found[0]["message"]
    assert char not in found[0]["message"]


def test_direction_marks_and_joiners_stay_allowed(tmp_path: Path, tiny_media: Path) -> None:
    texts = list(CUES["ur"])
    texts[0] = "\u200f" + texts[0] + " \u200c"
    project = write_project(
        tmp_path / "film", tiny_media, languages=("en", "ur"), subs={"ur": ("ur.srt", make_srt(texts))}
    )
    result = filmpipe("validate", "-p", str(project), "--format", "json")
    assert "SUB_CONTROL_CHARS" not in result.stdout, result.stdout


def test_an_unforeseen_exception_is_one_sentence_and_debug_shows_the_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import click

    from pipeline.cli.common import run_guarded

    @click.group()
    def cli() -> None:
        pass

    @cli.command()
    @click.option("--debug", is_flag=True)
    def boom(debug: bool) -> None:
        raise RuntimeError("raqm_layout() failed.")

    assert run_guarded(cli, ["boom"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("Error: filmpipe stopped on an unexpected problem (RuntimeError: raqm_layout() failed.)")
    assert "Traceback" not in err and "--debug" in err
    assert run_guarded(cli, ["boom", "--debug"]) == 3
    assert "Traceback" in capsys.readouterr().err
