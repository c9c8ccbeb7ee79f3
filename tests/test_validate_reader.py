"""The subtitle reader: cue model, encodings, mojibake, parse findings; SRT round-trip property."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import srt_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import ValidationFailed
from pipeline.project import load_project
from pipeline.subtitles.reader import load_cues, parse_timing, read_subtitles
from pipeline.text.encoding import decode
from pipeline.text.mojibake import find_mojibake

PL = "Cześć, sąsiedzi! Żółć gęślą jaźń. ŚWIĘTO ŁÓDŹ"
RO = "Bună ziua! Știți că poliția vă ajută în fiecare zi? ÎNCĂ"
UR = "سلام، پڑوسیو! اپنی ٹیم سے ملیں۔ یہ ہمارا کام ہے"


def write(tmp_path: Path, content: str | bytes, name: str = "x.srt") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("text", "language", "codec", "expected"),
    [
        (PL, "pl", "cp1250", "cp1250"),
        (PL, "pl", "iso8859_2", "iso8859_2"),
        (RO.replace("ș", "ş").replace("ț", "ţ").replace("Ș", "Ş"), "ro", "cp1250", "cp1250"),
        (UR.replace("ی", "ي").replace("۔", "."), "ur", "cp1256", "cp1256"),
        ("“Hello,” she said – it’s your café…", "en", "cp1252", "cp1252"),
        (UR, "ur", "utf-16", "utf-16"),
        (PL, "pl", "utf-8-sig", "utf-8-sig"),
        (PL, "pl", "utf-8", "utf-8"),
    ],
)
def test_decoding_finds_the_code_page_and_the_letters(text: str, language: str, codec: str, expected: str) -> None:
    subtitle = f"1\n00:00:01,000 --> 00:00:02,000\n{text}\n"
    decoded = decode(subtitle.encode(codec), language)
    assert decoded.encoding == expected
    assert decoded.text.lstrip("\ufeff") == subtitle


def test_urdu_code_page_file_in_the_polish_slot_still_decodes_as_arabic_letters() -> None:
    data = f"1\n00:00:01,000 --> 00:00:02,000\n{UR.replace('ی', 'ي').replace('۔', '.')}\n".encode("cp1256")
    decoded = decode(data, "pl")
    assert decoded.encoding == "cp1256" and "سلام" in decoded.text


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("pl", PL),
        ("pl", "WSPÓŁPRACA „Cześć” — ‘tak’"),
        ("ro", RO),
        ("ro", "ĂŞTI ŞI ŢARĂ"),
        ("ur", UR),
        ("bn", "নমস্কার, প্রতিবেশী! আপনার দলকে জানুন।"),
        ("gu", "નમસ્તે, પડોશીઓ! તમારી ટીમને મળો."),
        ("en", "It’s “your” café — naïve résumé, £5 or €5, 20°C, © 2026"),
        ("en", "Really?Yes! What? police.uk/find?area=north"),
    ],
)
def test_no_mojibake_in_clean_text(language: str, text: str) -> None:
    assert find_mojibake(text, language) == []


@pytest.mark.parametrize(
    ("language", "clean", "codec"),
    [
        ("pl", "Zespół już jest", "cp1250"),
        ("pl", "Zespół już jest", "cp1252"),
        ("ro", "Știți", "cp1250"),
        ("en", "It’s “ours”", "cp1252"),
        ("ur", "سلام ٹیم", "cp1252"),
        ("ur", "سلام ٹیم", "cp1256"),
        ("bn", "নমস্কার", "latin-1"),
    ],
)
def test_mojibake_found_with_what_was_meant(language: str, clean: str, codec: str) -> None:
    garbled = clean.encode("utf-8").decode(codec, errors="ignore")
    found = find_mojibake(garbled, language)
    assert found, garbled
    assert all(m.meant in clean for m in found)


def test_reader_reports_every_unreadable_block_with_its_line(tmp_path: Path) -> None:
    content = (
        "1\n00:00:01,000 --> 00:00:02,000\nOne\n\n"  # lines 1-4
        "stray text\n\n"  # line 5
        "3\n00:00:03,000 -> 00:00:04,000\nThree\n\n"  # lines 7-10: bad arrow on line 8
        "4\n00:00:05,000 --> 00:00:06,000\nFour\n"  # lines 11-13
    )
    doc, findings = read_subtitles(write(tmp_path, content), "en")
    assert [(c.start, c.end, c.lines, c.line, c.index) for c in doc.cues] == [
        (1.0, 2.0, ("One",), 2, 1),
        (5.0, 6.0, ("Four",), 12, 2),
    ]
    assert [(f.code, f.line) for f in findings] == [("SUB_PARSE", 5), ("SUB_PARSE", 8)]


def test_reader_reads_webvtt_with_header_notes_and_settings(tmp_path: Path) -> None:
    content = (
        "WEBVTT\nKind: captions\n\nNOTE hello\n\nid-1\n00:01.000 --> 00:02.500 align:start\nA &amp; B\n<i>two</i>\n"
    )
    doc, findings = read_subtitles(write(tmp_path, content, "x.vtt"), "en")
    assert findings == [] and doc.format == "vtt"
    assert [(c.start, c.end, c.lines, c.line) for c in doc.cues] == [(1.0, 2.5, ("A & B", "<i>two</i>"), 7)]


def test_reader_names_the_encoding_and_keeps_utf8_quiet(tmp_path: Path) -> None:
    legacy = f"1\n00:00:01,000 --> 00:00:02,000\n{PL}\n"
    doc, findings = read_subtitles(write(tmp_path, legacy.encode("cp1250")), "pl")
    assert doc.encoding == "cp1250" and doc.cues[0].lines == (PL,)
    assert [(f.code, f.severity) for f in findings] == [("SUB_ENCODING", "warning")]
    assert "Windows-1250" in findings[0].message
    _, quiet = read_subtitles(write(tmp_path, legacy, "y.srt"), "pl")
    assert quiet == []


def test_missing_or_empty_files(tmp_path: Path) -> None:
    doc, findings = read_subtitles(tmp_path / "absent.srt", "en")
    assert doc is None and [f.code for f in findings] == ["INPUT_MISSING"]
    doc, findings = read_subtitles(write(tmp_path, ""), "en")
    assert doc is not None and doc.cues == () and [(f.code, f.line) for f in findings] == [("SUB_PARSE", 1)]


def test_load_cues_raises_validation_failed_when_unreadable(tmp_path: Path, make_project) -> None:
    root = make_project(languages=("en", "pl"))
    project = load_project(root)
    assert [c.index for c in load_cues(project.language("pl"), project).cues] == [1, 2]
    (root / "subtitles" / "pl.srt").unlink()
    with pytest.raises(ValidationFailed) as err:
        load_cues(project.language("pl"), project)
    assert "subtitles/pl.srt" in err.value.message


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("00:00:01,500 --> 00:00:03,000", (1.5, 3.0)),
        ("01:02.5 --> 01:03.25", (62.5, 63.25)),
        ("1:00:00.000 --> 1:00:01.000 line:0", (3600.0, 3601.0)),
        ("00:00:61,000 --> 00:01:02,000", None),
        ("00:00:01,000 => 00:00:02,000", None),
        ("hello --> world", None),
    ],
)
def test_parse_timing(line: str, expected: tuple[float, float] | None) -> None:
    assert parse_timing(line) == expected


# --------------------------------------------------------------------------- round trip

_TEXT_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff\x85\u2028\u2029"
)
_LINE = (
    st.text(_TEXT_CHARS, min_size=1, max_size=30)
    .map(str.strip)
    .filter(lambda s: s and "-->" not in s and not __import__("re").match(r"^\s*(\d+:)?\d{1,2}:\d{1,2}[,.:]\d", s))
)
_CUE = st.tuples(
    st.integers(min_value=0, max_value=36_000_000),  # start in ms: up to 10 hours
    st.integers(min_value=1, max_value=60_000),  # duration in ms
    st.lists(_LINE, min_size=1, max_size=3),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cues=st.lists(_CUE, min_size=1, max_size=12), crlf=st.booleans(), bom=st.booleans())
def test_srt_round_trip(tmp_path: Path, cues: list, crlf: bool, bom: bool) -> None:
    nl = "\r\n" if crlf else "\n"
    blocks = []
    for n, (start, length, lines) in enumerate(cues, 1):
        blocks.append(
            nl.join([str(n), f"{srt_time(start / 1000)} --> {srt_time((start + length) / 1000)}", *lines]) + nl
        )
    content = ("\ufeff" if bom else "") + nl.join(blocks)
    doc, findings = read_subtitles(write(tmp_path, content, "round.srt"), "en")
    assert [f.code for f in findings if f.code in ("SUB_PARSE", "SUB_ENCODING")] == []
    assert [(round(c.start * 1000), round(c.end * 1000), list(c.lines)) for c in doc.cues] == [
        (start, start + length, lines) for start, length, lines in cues
    ]
    line = 1
    for cue, (_, _, lines) in zip(doc.cues, cues, strict=False):
        assert cue.line == line + 1  # the timing line follows the number
        line += 3 + len(lines)


def test_webvtt_header_followed_directly_by_a_cue(tmp_path: Path) -> None:
    content = "WEBVTT\n00:00:01.000 --> 00:00:02.000\nHello\n\n00:00:03.000 --> 00:00:04.000\nThere\n"
    doc, findings = read_subtitles(write(tmp_path, content, "x.vtt"), "en")
    assert findings == [] and [(c.lines, c.line) for c in doc.cues] == [(("Hello",), 2), (("There",), 5)]


def test_mixed_utf8_and_legacy_lines(tmp_path: Path) -> None:
    data = "1\n00:00:01,000 --> 00:00:02,000\nCześć, sąsiedzi!\n\n2\n00:00:03,000 --> 00:00:04,000\n".encode()
    data += "Poznać zespół\r\n".encode("cp1250")
    doc, findings = read_subtitles(write(tmp_path, data), "pl")
    assert [c.lines for c in doc.cues] == [("Cześć, sąsiedzi!",), ("Poznać zespół",)]
    assert [(f.code, f.line) for f in findings] == [("SUB_ENCODING", 7)]
    assert "Windows-1250" in findings[0].message


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"PK\x03\x04\x14\x00rest of a docx", "Word document"),
        (b"%PDF-1.7\n", "PDF"),
        (b"[Script Info]\nTitle: x\n\n[Events]\n", "ASS/SSA"),
        (b'<?xml version="1.0"?>\n<tt>', "XML"),
    ],
)
def test_other_formats_are_named(tmp_path: Path, data: bytes, what: str) -> None:
    doc, findings = read_subtitles(write(tmp_path, data), "en")
    assert doc is None and [(f.code, f.line) for f in findings] == [("SUB_PARSE", 1)]
    assert what in findings[0].message


def test_a_lone_start_time_is_reported_on_its_own_line(tmp_path: Path) -> None:
    """'00:00:03,000' with the arrow and end time left out: the timing line, not the number above."""
    content = (
        "1\n00:00:01,000 --> 00:00:02,000\nOne\n\n2\n00:00:03,000\nTwo\n\n3\n00:00:05,000 --> 00:00:06,000\nThree\n"
    )
    doc, findings = read_subtitles(write(tmp_path, content), "en")
    assert [(c.index, c.line) for c in doc.cues] == [(1, 2), (2, 10)]
    assert [(f.code, f.line) for f in findings] == [("SUB_PARSE", 6)]
    assert "'00:00:03,000'" in findings[0].message


def test_a_file_that_starts_with_no_cue_gets_a_hint_for_the_whole_file(tmp_path: Path) -> None:
    _, findings = read_subtitles(write(tmp_path, "Dear team,\nthe translation is attached.\n"), "en")
    assert [(f.code, f.line) for f in findings] == [("SUB_PARSE", 1)]
    assert "cue above" not in findings[0].hint and "right file" in findings[0].hint
    _, later = read_subtitles(write(tmp_path, "1\n00:00:01,000 --> 00:00:02,000\nOne\n\nstray\n", "y.srt"), "en")
    assert [(f.code, f.line) for f in later] == [("SUB_PARSE", 5)] and "cue above" in later[0].hint


def test_a_lower_case_webvtt_header_is_read_as_a_browser_does(tmp_path: Path) -> None:
    """Browsers read no cue from a file whose signature is not exactly WEBVTT: neither does filmpipe."""
    content = "webvtt\n\n00:01.000 --> 00:02.000\nHello\n"
    doc, findings = read_subtitles(write(tmp_path, content, "x.vtt"), "en")
    assert doc is not None and doc.format == "vtt" and doc.cues == ()
    assert [(f.code, f.line) for f in findings] == [("SUB_PARSE", 1)]
    assert "capital letters" in findings[0].hint and "no cue is shown" in findings[0].message


@pytest.mark.parametrize("data", [bytes(2048), b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4])
def test_binary_files_are_one_finding(tmp_path: Path, data: bytes) -> None:
    doc, findings = read_subtitles(write(tmp_path, data), "pl")
    assert doc is None and [(f.code, f.line) for f in findings] == [("SUB_PARSE", 1)]
    assert "binary" in findings[0].message


def test_an_arrow_in_cue_text_stays_text(tmp_path: Path) -> None:
    """'Click --> Start' is text, not a timing line: no empty cue, no parse error; a mistyped
    timing line inside a cue (it starts with a digit) still starts a block of its own."""
    content = (
        "1\n00:00:01,000 --> 00:00:02,000\nKliknij --> Start,\ndalej\n\n"
        "2\n00:00:03,000 --> 00:00:04,000\nDwa\n3\n00:00:05,000 -> 00:00:06,000\nTrzy\n"
    )
    doc, findings = read_subtitles(write(tmp_path, content), "pl")
    assert [(c.index, c.lines, c.line) for c in doc.cues] == [(1, ("Kliknij --> Start,", "dalej"), 2), (2, ("Dwa",), 7)]
    assert [(f.code, f.line) for f in findings] == [("SUB_PARSE", 10)]


def test_letters_lost_to_a_code_page_get_their_own_hint(tmp_path: Path) -> None:
    """Urdu saved as Windows-1256, which lacks ی and ۔: they became '?', and no original encoding
    brings them back; the hint asks for a UTF-8 file rather than 'the original'."""
    data = f"1\n00:00:01,000 --> 00:00:02,000\n{UR}\n".encode("cp1256", errors="replace")
    _, findings = read_subtitles(write(tmp_path, data), "ur")
    assert [(f.code, f.line, f.cue) for f in findings] == [("SUB_ENCODING", None, None), ("SUB_MOJIBAKE", 2, 1)]
    assert "characters lost" in findings[1].message and "saved as UTF-8" in findings[1].hint
    pl = f"1\n00:00:01,000 --> 00:00:02,000\n{'Cześć, sąsiedzi!'.encode().decode('cp1250')}\n"
    _, garbled = read_subtitles(write(tmp_path, pl, "y.srt"), "pl")
    assert [f.code for f in garbled] == ["SUB_MOJIBAKE"] and "opened with the wrong encoding" in garbled[0].hint


def test_romanian_cedilla_from_a_code_page_blames_the_code_page(tmp_path: Path) -> None:
    """ș ț saved as ISO-8859-16 (or ş ţ forced by Windows-1250) read back as cedilla letters: the
    hint is to save as UTF-8, not to ask the translator for other letters."""
    from test_validate_rules import lang

    from pipeline.validate.rules import Context, check_subtitles

    data = "1\n00:00:01,000 --> 00:00:02,000\nCunoaște-ți echipa, știți?\n".encode("iso8859_16")
    doc, findings = read_subtitles(write(tmp_path, data), "ro")
    assert [f.code for f in findings] == ["SUB_ENCODING"] and "best guess" in findings[0].message
    ctx = Context(lang=lang("ro"), doc=doc, file="x.srt", fps=25.0, master_duration=3.0)
    cedilla = [f for f in check_subtitles(ctx) if f.code == "SUB_RO_DIACRITICS"]
    assert [(f.line, f.cue) for f in cedilla] == [(2, 1)] and "save the file as UTF-8" in cedilla[0].hint
