"""The broken-input corpus (tests/data/subtitles) run through validation: exact codes and places.

Each corpus file goes into its language's slot of the tiny 3-second film; every other input
is clean (subtitles, dubs, catalogs), so the run must report exactly what expected.toml
lists, and nothing else. Also home of `write_project`, which the other validate tests use.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from conftest import CUES, LANGS, make_srt

from pipeline.findings import Finding
from pipeline.project import load_project
from pipeline.validate.cache import MeasureCache
from pipeline.validate.run import validate_project

CORPUS = Path(__file__).parent / "data" / "subtitles"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
TITLE = "Meet your neighbourhood policing team"
TRANSLATED_TITLE = {
    "pl": "Poznaj swój zespół dzielnicowy",
    "ro": "Cunoaște-ți echipa de poliție",
    "ur": "اپنی پولیس ٹیم سے ملیں",
    "bn": "আপনার পুলিশ দলকে জানুন",
    "gu": "તમારી પોલીસ ટીમને મળો",
    "hr": "Upoznajte svoj policijski tim",
    "zh": "认识您的社区警务团队",
}

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: {lang}\\n"

msgid "{title}"
msgstr "{translation}"
"""


def write_project(
    root: Path,
    media: Path,
    *,
    subs: dict[str, tuple[str, bytes | str]] | None = None,
    extra: dict[str, str] | None = None,
    audio: dict[str, Path | str | None] | None = None,
    master: Path | None = None,
    languages: tuple[str, ...] = LANGS,
    locales: bool = True,
    ladder: str = "[180]",
) -> Path:
    """A tiny film project. `subs` maps a language to (file name, content) for its subtitles;
    `audio` maps a language to a dub file (a path copied in, a name left missing, None for none)."""
    (root / "assets" / "audio").mkdir(parents=True, exist_ok=True)
    (root / "subtitles").mkdir(exist_ok=True)
    if master is not False:  # noqa: E712 - False leaves the master out
        shutil.copy(master or media / "master.mp4", root / "assets" / "master.mp4")
    tables = []
    for lang in languages:
        name, content = (subs or {}).get(lang) or (f"{lang}.srt", make_srt(CUES[lang]))
        (root / "subtitles" / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        table = f'[languages.{lang}]\nsubtitles = "subtitles/{name}"\n'
        if lang != "en":
            dub = (audio or {}).get(lang, media / f"{lang}.m4a")
            if isinstance(dub, Path):
                shutil.copy(dub, root / "assets" / "audio" / dub.name)
                table += f'audio = "assets/audio/{dub.name}"\n'
            elif isinstance(dub, str):
                table += f'audio = "assets/audio/{dub}"\n'
        table += (extra or {}).get(lang, "") + "\n"
        tables.append(table)
        if locales and lang != "en":
            po = root / "locales" / lang / "LC_MESSAGES" / "film.po"
            po.parent.mkdir(parents=True, exist_ok=True)
            po.write_text(PO.format(lang=lang, title=TITLE, translation=TRANSLATED_TITLE[lang]), encoding="utf-8")
    (root / "film.toml").write_text(
        f'[film]\nid = "tiny-film"\ntitle = "{TITLE}"\nsource_language = "en"\nmaster = "assets/master.mp4"\n\n'
        + "\n".join(tables)
        + f"\n[output]\nladder = {ladder}\nprogressive = [{ladder.strip('[]').split(',')[0]}]\nopen_captions = []\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> MeasureCache:
    """One media cache for the session: the same tiny master and dubs are measured once."""
    return MeasureCache(tmp_path_factory.mktemp("measure-cache"))


def brief(f: Finding) -> str:
    return f.code if f.line is None and f.cue is None else f"{f.code}:{f.line}" + (f":{f.cue}" if f.cue else "")


def test_every_corpus_file_has_an_expectation() -> None:
    files = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".srt", ".vtt"))
    assert files == sorted(EXPECTED)


def test_every_minimum_subtitle_code_is_in_the_corpus() -> None:
    codes = {c.split(":")[0] for entry in EXPECTED.values() for c in entry["findings"]}
    for code in (
        "SUB_ENCODING",
        "SUB_MOJIBAKE",
        "SUB_PARSE",
        "SUB_EMPTY",
        "SUB_TIMING",
        "SUB_OVERLAP",
        "SUB_OUT_OF_RANGE",
        "SUB_MIN_DURATION",
        "SUB_MAX_DURATION",
        "SUB_GAP",
        "SUB_READING_SPEED",
        "SUB_LINE_LENGTH",
        "SUB_LINE_COUNT",
        "SUB_SCRIPT",
        "SUB_RO_DIACRITICS",
        "SUB_GLYPHS",
        "SUB_MARKUP",
        "SUB_UNTRANSLATED",
    ):
        assert code in codes, code


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str, tmp_path: Path, tiny_media: Path, shared_cache: MeasureCache) -> None:
    spec = EXPECTED[name]
    lang = name.split("__", 1)[0]
    target = f"{lang}{Path(name).suffix}"
    subs = {lang: (target, (CORPUS / name).read_bytes())}
    if "source" in spec:
        subs["en"] = ("en.srt", (CORPUS / spec["source"]).read_bytes())
    extra = {lang: spec.get("language_toml", "")}
    # A language the tiny film has no slot for (Croatian) joins the source language alone, without a dub.
    more = {} if lang in LANGS else {"languages": ("en", lang), "audio": {lang: None}}
    project = load_project(write_project(tmp_path / "film", tiny_media, subs=subs, extra=extra, **more))
    report = validate_project(project, cache=shared_cache)
    found = [brief(f) for f in report.findings]
    assert found == spec["findings"], [f"{f.code} {f.message}" for f in report.findings]
    for f in report.findings:
        assert f.language == lang and f.file == f"subtitles/{target}"
        assert f.message and f.hint
    if "contains" in spec:
        assert spec["contains"] in report.findings[0].message
    errors = any(
        c.split(":")[0]
        in (
            "SUB_MOJIBAKE",
            "SUB_PARSE",
            "SUB_TIMING",
            "SUB_OVERLAP",
            "SUB_OUT_OF_RANGE",
            "SUB_SCRIPT",
            "SUB_LANGUAGE",
            "SUB_GLYPHS",
            "SUB_CONTROL_CHARS",
        )
        for c in spec["findings"]
    )
    assert report.ok() is spec.get("ok", not errors)
