"""`filmpipe fix` on the whole corpus: validation afterwards shows fewer findings and no new ones.

Every corpus file (tests/data/subtitles) goes into its language's slot of the tiny film, is
validated, fixed (`pipeline.fix`) and validated again. Files with a finding `fix` mends must come
out with fewer findings; no file may gain one. A few fixes are compared with the correction a
person would write (tests/data/subtitles/fixed/). The CLI: backups never overwritten, --dry-run
writes nothing, a diff per file.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from test_validate_corpus import CORPUS, EXPECTED, LANGS, shared_cache, write_project  # noqa: F401

from pipeline import fix
from pipeline.findings import Finding
from pipeline.project import load_project
from pipeline.validate.cache import MeasureCache
from pipeline.validate.run import validate_project

FIXED = CORPUS / "fixed"
# What fix mends: a file with one of these must come out with fewer findings.
MENDED = {
    "SUB_ENCODING",
    "SUB_CONTROL_CHARS",
    "SUB_TIMESTAMP",
    "SUB_RO_DIACRITICS",
    "SUB_LETTERS",
    "SUB_LINE_BREAK",
    "SUB_LINE_FITS",
    "SUB_LINE_BALANCE",
    "SUB_LINE_ORDER",
}
# WebVTT files a browser mis-reads whose SUB_PARSE fix mends (signature, times, arrows in text).
# ('foo-->' has no times to mend: it stays as it is.)
MENDED_PARSE = {
    name for name in EXPECTED if name.endswith(".vtt") and "SUB_PARSE_webvtt" in name and "word_arrow" not in name
} | {"en__SUB_PARSE_nul_in_webvtt_timing.vtt"}


def identity(findings: tuple[Finding, ...] | list[Finding]) -> Counter[tuple[str, int | None]]:
    return Counter((f.code, f.cue) for f in findings)


def project_for(name: str, root: Path, media: Path) -> tuple[Path, str, str]:
    spec = EXPECTED[name]
    lang = name.split("__", 1)[0]
    target = f"{lang}{Path(name).suffix}"
    subs = {lang: (target, (CORPUS / name).read_bytes())}
    if "source" in spec:
        subs["en"] = ("en.srt", (CORPUS / spec["source"]).read_bytes())
    more = {} if lang in LANGS else {"languages": ("en", lang), "audio": {lang: None}}
    write_project(root, media, subs=subs, extra={lang: spec.get("language_toml", "")}, **more)
    return root, lang, target


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fix_leaves_fewer_findings_and_no_new_ones(
    name: str, tmp_path: Path, tiny_media: Path, shared_cache: MeasureCache
) -> None:
    root, lang, target = project_for(name, tmp_path / "film", tiny_media)
    project = load_project(root)
    before = validate_project(project, cache=shared_cache).findings
    original = (root / "subtitles" / target).read_bytes()
    [planned] = fix.plan(project, (lang,))
    if planned.changed:
        fix.write(planned)
        assert (root / "subtitles" / f"{target}.orig").read_bytes() == original
    else:
        assert (root / "subtitles" / target).read_bytes() == original
        assert not (root / "subtitles" / f"{target}.orig").exists()
    after = validate_project(load_project(root), cache=shared_cache).findings
    gained = identity(after) - identity(before)
    assert not gained, [f"{f.code} {f.message}" for f in after]
    codes = {f.code for f in before}
    if codes & MENDED or name in MENDED_PARSE:
        assert len(after) < len(before), [f"{f.code} {f.message}" for f in after]
    if (FIXED / name).is_file():
        assert (root / "subtitles" / target).read_text(encoding="utf-8") == (FIXED / name).read_text(encoding="utf-8")


def test_every_expected_correction_belongs_to_a_corpus_file() -> None:
    """The corrections in fixed/ were written by the fixer once and read line by line by a person
    (the words, their order, where each line breaks); a change of output must be deliberate."""
    names = sorted(p.name for p in FIXED.iterdir())
    assert len(names) >= 10 and all(name in EXPECTED for name in names)
    for lang in ("pl", "ro", "ur", "bn", "gu"):
        assert any(name.startswith(f"{lang}__SUB_L") for name in names), lang


def filmpipe(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, check=False)


def test_cli_dry_run_then_fix_twice_keeps_every_backup(tmp_path: Path, tiny_media: Path) -> None:
    name = "pl__SUB_ENCODING_cp1250.srt"
    root, lang, target = project_for(name, tmp_path / "film", tiny_media)
    path = root / "subtitles" / target
    original = path.read_bytes()

    dry = filmpipe("fix", "-p", str(root), "--lang", lang, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"--- subtitles/{target}\n+++ subtitles/{target} (fixed)" in dry.stdout
    assert "re-encoded from Windows-1250 to UTF-8" in dry.stdout and "nothing was written" in dry.stdout
    assert path.read_bytes() == original and not path.with_name(target + ".orig").exists()

    done = filmpipe("fix", "-p", str(root), "--lang", lang)
    assert done.returncode == 0, done.stderr
    assert path.with_name(target + ".orig").read_bytes() == original
    assert path.read_bytes() == original.decode("cp1250").encode("utf-8")
    assert f"the original is kept as subtitles/{target}.orig" in done.stdout

    # The translator sends a new file with the same mistake: the first backup stays, the next is .orig.1.
    path.write_bytes(original)
    again = filmpipe("fix", "-p", str(root), "--lang", lang)
    assert again.returncode == 0, again.stderr
    assert path.with_name(target + ".orig").read_bytes() == original
    assert path.with_name(target + ".orig.1").read_bytes() == original
    assert f"subtitles/{target}.orig.1" in again.stdout

    clean = filmpipe("fix", "-p", str(root), "--lang", lang)
    assert f"subtitles/{target}: nothing to fix" in clean.stdout
    assert not path.with_name(target + ".orig.2").exists()


def test_backups_run_out_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "pl.srt"
    path.write_text("x", encoding="utf-8")
    path.with_name("pl.srt.orig").write_text("old", encoding="utf-8")
    for n in range(1, fix.MAX_BACKUPS):
        path.with_name(f"pl.srt.orig.{n}").write_text("old", encoding="utf-8")
    with pytest.raises(fix.BackupRefused, match="move the old ones away"):
        fix.backup_path(path)
