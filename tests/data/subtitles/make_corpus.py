"""Write the broken-subtitle corpus: one tiny file per problem, named `<lang>__<problem>.<ext>`.

The files are committed; this script documents how each was made (legacy code pages and
byte-level damage are easier to write from Python than by hand) and re-creates them:

    .venv/bin/python tests/data/subtitles/make_corpus.py

What `filmpipe validate` must report for each file is written by hand in expected.toml.
All cues fit the 3-second test film (tests/conftest.py).
"""

from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent


def stamp(seconds: float, sep: str = ",") -> str:
    ms = round(seconds * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def srt(*cues: tuple[float, float, str], numbers: bool = True, nl: str = "\n", final: bool = True) -> str:
    blocks = []
    for i, (start, end, text) in enumerate(cues, 1):
        head = f"{i}{nl}" if numbers else ""
        blocks.append(f"{head}{stamp(start)} --> {stamp(end)}{nl}{text.replace(chr(10), nl)}{nl}")
    out = nl.join(blocks)
    return out if final else out.rstrip(nl)


T1, T2 = (0.2, 1.4), (1.6, 2.9)
EN = ("Hello, neighbours.", "Meet your team.")
PL = ("Cześć, sąsiedzi!", "Poznaj swój zespół.")
RO = ("Bună, vecini!", "Cunoaște-ți echipa.")
UR = ("سلام، پڑوسیو!", "اپنی ٹیم سے ملیں۔")
BN = ("নমস্কার, প্রতিবেশী!", "আপনার দলকে জানুন।")
GU = ("નમસ્તે, પડોશીઓ!", "તમારી ટીમને મળો.")


def windows_1252(text: str) -> str:
    """UTF-8 text opened as Windows-1252 and saved again as UTF-8 (the bytes Windows-1252 leaves
    undefined become the C1 controls, as Windows' own conversion does)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8"))


def two(texts: tuple[str, str], **kw) -> str:
    return srt((*T1, texts[0]), (*T2, texts[1]), **kw)


CORPUS: dict[str, str | bytes] = {
    # ---------------------------------------------------------------- tolerated, no findings
    "en__ok_no_cue_numbers.srt": two(EN, numbers=False),
    "pl__ok_crlf_no_final_newline.srt": two(PL, nl="\r\n", final=False),
    "pl__ok_cr_line_ends.srt": two(PL, nl="\r"),
    "ro__ok_wrong_numbers_extra_blank_lines.srt": f"\n\n7\n{stamp(0.2)} --> {stamp(1.4)}\n{RO[0]}\n\n\n\n7\n{stamp(1.6)} --> {stamp(2.9)}\n{RO[1]}\n\n\n",
    "pl__ok_dot_millis_without_hours.srt": f"1\n00:00.200 --> 00:01.400\n{PL[0]}\n\n2\n00:01.600 --> 00:02.900\n{PL[1]}\n",
    "pl__ok_cues_without_blank_lines.srt": f"1\n{stamp(0.2)} --> {stamp(1.4)}\n{PL[0]}\n2\n{stamp(1.6)} --> {stamp(2.9)}\n{PL[1]}\n",
    "gu__ok_utf8_bom.srt": "\ufeff" + two(GU),
    "en__ok_webvtt.vtt": (
        "WEBVTT - neighbourhood policing\n\nNOTE made by hand\nover two lines\n\nSTYLE\n::cue { color: yellow }\n\n"
        "intro\n00:00.200 --> 00:01.400 align:start line:90%\nHello, <i>neighbours</i>.\n\n"
        "00:00:01.600 --> 00:00:02.900\nMeet your team &amp; us.\n"
    ),
    "ur__ok_webvtt_rlm_and_web_address.vtt": (
        f"WEBVTT\n\n1\n00:00.200 --> 00:01.400\n{UR[0]}\n\n2\n00:01.600 --> 00:02.900\nویب سائٹ: \u200fpolice.uk\n"
    ),
    "bn__ok_conjuncts_count_as_one.srt": srt(
        # 38 grapheme clusters but 52 code points: within 42 characters a line.
        (0.1, 2.9, "ক্ষমা করবেন, স্বাস্থ্য কেন্দ্রে যোগাযোগ করুন।"),
    ),
    "pl__ok_web_address_and_names_as_in_source.srt": srt(
        (*T1, "Beat Bus, PCSO"),
        (*T2, "police.uk/local"),
    ),
    "en__names_and_web_address.srt": srt(
        (*T1, "Beat Bus, PCSO"),
        (*T2, "police.uk/local"),
    ),
    # ---------------------------------------------------------------- encodings
    "pl__SUB_ENCODING_cp1250.srt": two(PL).encode("cp1250"),
    "pl__SUB_ENCODING_iso8859_2.srt": two(PL).encode("iso8859_2"),
    "ro__SUB_ENCODING_cp1250.srt": two(("Bună ziua, vecini!", "Vă ajutăm zilnic.")).encode("cp1250"),
    # Windows-1256 has no Farsi yeh (ی): files made with it carry the Arabic yeh (ي).
    "ur__SUB_ENCODING_cp1256.srt": two((UR[0].replace("ی", "ي"), UR[1].replace("ی", "ي").replace("۔", "."))).encode(
        "cp1256"
    ),
    # ISO-8859-16 has ș ț where Windows-1250 has ş ţ: read as Windows-1250 (a best guess); the
    # cedilla letters are the code page's, not the translator's (SUB_RO_DIACRITICS says so).
    "ro__SUB_ENCODING_iso8859_16_comma_letters.srt": two(RO).encode("iso8859_16"),
    "en__SUB_ENCODING_cp1252_smart_quotes.srt": two(("“Hello,” neighbours.", "It’s your team – meet us…")).encode(
        "cp1252"
    ),
    "bn__SUB_ENCODING_utf16.srt": two(BN).encode("utf-16"),
    # ---------------------------------------------------------------- mojibake
    "pl__SUB_MOJIBAKE_utf8_read_as_cp1250.srt": two((PL[0].encode().decode("cp1250"), PL[1])),
    "en__SUB_MOJIBAKE_word_apostrophe.srt": two((EN[0], "It’s your team.".encode().decode("cp1252"))),
    "ur__SUB_MOJIBAKE_utf8_read_as_cp1252.srt": two((UR[0], "ٹیم".encode().decode("cp1252") + " سے ملیں۔")),
    "pl__SUB_MOJIBAKE_question_marks_for_letters.srt": two((PL[0], "Poznaj sw?j zesp??.")),
    "ur__SUB_MOJIBAKE_question_marks_for_letters.srt": two((UR[0], "اپن? ٹ?م سے ملیں۔")),
    "bn__SUB_MOJIBAKE_replacement_character.srt": two(("নমস্কার, প্রতি\ufffd\ufffdশী!", BN[1])),
    # A whole file garbled: the garbled letters say nothing of its script, language or length.
    "bn__SUB_MOJIBAKE_whole_file_read_as_cp1252.srt": windows_1252(two(BN)),
    "ro__SUB_MOJIBAKE_whole_file_not_german.srt": windows_1252(srt((0.1, 2.9, "Vă ajutăm să fiți în siguranță."))),
    # Urdu letter pairs such as 'اپ' re-encode to UTF-8 ('ǁ'): not mojibake in the Polish slot.
    "pl__SUB_SCRIPT_urdu_file.srt": two(UR),
    # ---------------------------------------------------------------- parse
    "pl__SUB_PARSE_text_after_blank_line.srt": f"1\n{stamp(0.2)} --> {stamp(1.4)}\nCześć,\n\nsąsiedzi!\n\n2\n{stamp(1.6)} --> {stamp(2.9)}\n{PL[1]}\n",
    "pl__SUB_PARSE_bad_arrow.srt": f"1\n{stamp(0.2)} -> {stamp(1.4)}\n{PL[0]}\n\n2\n{stamp(1.6)} --> {stamp(2.9)}\n{PL[1]}\n",
    "en__SUB_PARSE_seconds_over_59.srt": f"1\n{stamp(0.2)} --> {stamp(1.4)}\n{EN[0]}\n\n2\n00:00:01,600 --> 00:00:62,900\n{EN[1]}\n",
    "en__SUB_PARSE_not_a_subtitle_file.srt": "Dear team,\nplease find the translation attached.\nRegards\n",
    "pl__SUB_PARSE_timing_without_arrow_and_end.srt": f"1\n{stamp(0.2)} --> {stamp(1.4)}\n{PL[0]}\n\n2\n{stamp(1.6)}\n{PL[1]}\n",
    "en__SUB_PARSE_timecode_with_frames.srt": f"1\n{stamp(0.2)} --> {stamp(1.4)}\n{EN[0]}\n\n2\n00:00:01:15 --> 00:00:02:22\n{EN[1]}\n",
    "pl__SUB_PARSE_binary_file.srt": b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(2000),
    # ---------------------------------------------------------------- timing
    "en__SUB_EMPTY.srt": f"1\n{stamp(0.2)} --> {stamp(1.4)}\n{EN[0]}\n\n2\n{stamp(1.6)} --> {stamp(2.9)}\n\n",
    "en__SUB_TIMING_end_before_start.srt": srt((*T1, EN[0]), (2.9, 1.6, EN[1])),
    "pl__SUB_OVERLAP.srt": srt((*T1, PL[0]), (1.3, 2.9, PL[1])),
    "pl__SUB_OUT_OF_RANGE.srt": srt((*T1, PL[0]), (1.6, 3.6, PL[1])),
    "pl__SUB_MIN_DURATION.srt": srt((*T1, PL[0]), (1.6, 2.2, "Zespół.")),
    "pl__SUB_MAX_DURATION_override.srt": srt((0.1, 2.9, "Cześć, sąsiedzi! Poznaj swój zespół.")),
    "pl__SUB_GAP.srt": srt((*T1, PL[0]), (1.44, 2.9, PL[1])),
    # ---------------------------------------------------------------- readability
    "en__SUB_READING_SPEED.srt": srt((*T1, "Hello neighbours, this is your team today."), (*T2, EN[1])),
    "pl__SUB_LINE_LENGTH.srt": srt((0.1, 2.9, "Poznaj zespół, który dba o twoją okolicę, dziś")),
    "pl__SUB_LINE_COUNT.srt": srt((0.1, 2.9, "Cześć,\nsąsiedzi!\nPoznaj nas.")),
    # ---------------------------------------------------------------- language and script
    "gu__SUB_SCRIPT_bengali_file.srt": two(BN),
    "ur__SUB_SCRIPT_hindi_file.srt": two(("नमस्ते, पड़ोसियो!", "अपनी टीम से मिलें।")),
    "ur__SUB_SCRIPT_arabic_file.srt": two(("مرحبا بكم يا جيراننا", "تعرفوا على فريق الشرطة")),
    "ro__SUB_LANGUAGE_polish_file.srt": two(PL),
    "pl__SUB_LANGUAGE_romanian_file.srt": two(RO),
    "en__SUB_LANGUAGE_polish_file.srt": two(PL),
    "pl__SUB_SCRIPT_urdu_cue.srt": two((PL[0], "ٹیم سے ملیں")),
    "pl__SUB_GLYPHS_emoji.srt": two((PL[0], "Poznaj swój zespół 🙂")),
    "ro__SUB_RO_DIACRITICS_cedilla.srt": two(("Bună, vecini!", "Cunoaşte-ţi echipa.")),
    "pl__SUB_MARKUP.srt": two((PL[0], '<font color="#ffff00">Poznaj swój zespół.</font>')),
    "en__SUB_MARKUP_html_entities.srt": two(("Hello,&nbsp;neighbours.", "Meet your team &amp; us.")),
    "pl__SUB_UNTRANSLATED.srt": two((EN[0], PL[1])),
    # ---------------------------------------------------------------- issue 11: real files read right
    # A cue number that is a word (French 'dix' for 10): tolerated like any wrong number.
    "en__ok_cue_number_is_a_word.srt": f"un\n{stamp(0.2)} --> {stamp(1.4)}\n{EN[0]}\n\ndix\n{stamp(1.6)} --> {stamp(2.9)}\n{EN[1]}\n",
    # Legacy `Region:` header lines, a STYLE and a REGION block: browsers read the cues alike.
    "en__ok_webvtt_region_header_and_style.vtt": "WEBVTT\nRegion: id=fred width=40% lines=3\nX-Note: header lines are ignored\n\n"
    "STYLE\n::cue {\n  color: yellow;\n}\n\nREGION\nid:bill\nwidth:40%\n\n"
    f"00:00.200 --> 00:01.400 region:fred align:left\n{EN[0]}\n\n00:01.600 --> 00:02.900\n{EN[1]}\n",
    # A blank line inside a STYLE block: the CSS after it is dropped by browsers (said, not an error).
    "en__SUB_VTT_IGNORED_blank_line_in_style.vtt": "WEBVTT\n\nSTYLE\n::cue {\n  color: yellow;\n\n}\n\n"
    f"00:00.200 --> 00:01.400\n{EN[0]}\n\n00:01.600 --> 00:02.900\n{EN[1]}\n",
    # ♪ is drawn by a symbol font (Noto Sans Symbols, in [defaults] fallback_fonts) after Noto Sans.
    "en__ok_music_note_from_a_symbol_font.srt": two(("♪ Hello, neighbours. ♪", EN[1])),
    # NUL: in text a browser shows U+FFFD; in a timing line the cue is lost (it was deleted before).
    "en__SUB_CONTROL_CHARS_nul_in_text.srt": two(("Hello,\x00 neighbours.", EN[1])),
    "en__SUB_PARSE_nul_in_webvtt_timing.vtt": f"WEBVTT\n\n00:00.200 --> 00:01.400\n{EN[0]}\n\n00:01.600 -\x00-> 00:02.900\n{EN[1]}\n",
    "en__SUB_CONTROL_CHARS_bell_in_text.srt": two((EN[0], "Meet\x07 your team.")),
    # SRT times players disagree about: one-digit fields, a two-digit fraction.
    "en__SUB_TIMESTAMP_short_fields.srt": f"1\n0:0:0,2 --> 0:0:1,40\n{EN[0]}\n\n2\n{stamp(1.6)} --> {stamp(2.9)}\n{EN[1]}\n",
    # WebVTT as browsers read it: these cues (or whole files) are dropped.
    "en__SUB_PARSE_webvtt_comma_before_millis.vtt": f"WEBVTT\n\n00:00:00,200 --> 00:00:01,400\n{EN[0]}\n\n00:01.600 --> 00:02.900\n{EN[1]}\n",
    "en__SUB_PARSE_webvtt_one_digit_minutes.vtt": f"WEBVTT\n\n0:00.200 --> 0:01.400\n{EN[0]}\n\n00:01.600 --> 00:02.900\n{EN[1]}\n",
    "en__SUB_PARSE_webvtt_two_digit_fraction.vtt": f"WEBVTT\n\n00:00.20 --> 00:01.40\n{EN[0]}\n\n00:01.600 --> 00:02.900\n{EN[1]}\n",
    "en__SUB_PARSE_webvtt_lower_case_signature.vtt": "webvtt\n\n"
    + f"00:00.200 --> 00:01.400\n{EN[0]}\n\n00:01.600 --> 00:02.900\n{EN[1]}\n",
    "en__SUB_PARSE_webvtt_signature_run_on.vtt": "WEBVTTfoo\n\n"
    + f"00:00.200 --> 00:01.400\n{EN[0]}\n\n00:01.600 --> 00:02.900\n{EN[1]}\n",
    "en__SUB_PARSE_webvtt_signature_form_feed.vtt": "WEBVTT\f\n\n"
    + f"00:00.200 --> 00:01.400\n{EN[0]}\n\n00:01.600 --> 00:02.900\n{EN[1]}\n",
    "en__SUB_PARSE_webvtt_leading_blank_line.vtt": "\nWEBVTT\n\n"
    + f"00:00.200 --> 00:01.400\n{EN[0]}\n\n00:01.600 --> 00:02.900\n{EN[1]}\n",
    "en__SUB_PARSE_webvtt_arrow_in_text.vtt": f"WEBVTT\n\n00:00.200 --> 00:01.400\nHello.\nGo --> Start\n\n00:01.600 --> 00:02.900\n{EN[1]}\n",
    "en__SUB_PARSE_webvtt_word_arrow_line.vtt": f"WEBVTT\n\nfoo-->\n{EN[0]}\n\n00:01.600 --> 00:02.900\n{EN[1]}\n",
    # Simplified Chinese: CLDR says Hans, Unicode's Script property Han (Hani): the same letters.
    "zh__ok_simplified_chinese_is_han.srt": two(("这是你的社区。", "认识你的警察团队。")),
    # Croatian shares č š with Czech: not "looks like Czech".
    "hr__ok_croatian_is_not_czech.srt": two(("Ovo je vaša četvrt.", "Čuvamo vašu ulicu.")),
    # ---------------------------------------------------------------- the translator's craft
    # Made from the demo's texts with the mistakes translators make; one cue over most of the film
    # (expected.toml relaxes max_cps for these, so the craft findings stand alone).
    "pl__SUB_LINE_BREAK_one_letter_word_at_line_end.srt": srt(
        (0.1, 2.9, "Spotkają ich Państwo na dyżurach w\nswojej okolicy i w autobusach.")
    ),
    "pl__SUB_LINE_FITS_two_short_lines.srt": srt((0.1, 2.9, "To Państwa okolica:\nPaństwa ulica.")),
    "pl__SUB_LETTERS_cyrillic_o_in_a_word.srt": srt((0.1, 2.9, "Poznaj zespół pоlicji.")),
    "ro__SUB_LINE_BREAK_preposition_at_line_end.srt": srt(
        (0.1, 2.9, "Polițiștii de proximitate patrulează în\nfiecare zi pe străzile dumneavoastră.")
    ),
    "ro__SUB_LINE_BALANCE_top_heavy.srt": srt((0.1, 2.9, "Lucrează cu parteneri precum consiliul local\nși școlile.")),
    "ur__SUB_LETTERS_arabic_yeh_and_kaf.srt": srt(
        (0.1, 2.9, "اپني مقامي ٹيم سے ملیں، وہ آپ کي مدد\nکے ليے ہميشہ حاضر ہے۔".replace("ک", "ك"))
    ),
    "ur__SUB_LINE_BREAK_postposition_starts_line.srt": srt(
        (0.1, 2.9, "وہ کونسل جیسے شراکت داروں کے\nساتھ مل کر کام کرتے ہیں،")
    ),
    "ur__SUB_LINE_ORDER_lines_reversed.srt": srt(
        (0.1, 2.9, "جو آپ کے لیے سب سے اہم ہیں۔\nتاکہ اُن مسائل کو حل کیا جا سکے")
    ),
    "bn__SUB_LETTERS_assamese_letters.srt": srt((0.1, 2.9, "আপনাৰ স্থানীয় দলকে খুঁজুন, তাঁৰা সৱসময় পাশে।")),
    "bn__SUB_LETTERS_pipe_for_danda.srt": srt((0.1, 2.9, "আপনার দলকে জানুন| তাঁরা পাশে আছেন|")),
    "bn__SUB_LINE_BREAK_postposition_starts_line.srt": srt(
        (0.1, 2.9, "তাঁরা কাউন্সিলের মতো অংশীদারদের\nসঙ্গে মিলে সমস্যার সমাধান করেন,")
    ),
    "gu__SUB_LINE_BREAK_postposition_starts_line.srt": srt(
        (0.1, 2.9, "તેઓ કાઉન્સિલ જેવા સ્થાનિક ભાગીદારો\nસાથે મળીને સમસ્યાઓ ઉકેલે છે.")
    ),
    "gu__SUB_LINE_FITS_two_short_lines.srt": srt((0.1, 2.9, "આ તમારો પડોશ છે:\nતમારી શેરી.")),
    # English is the source: two cues at the other languages' times, so they stay aligned with it.
    "en__SUB_LINE_BALANCE_short_bottom_line.srt": srt(
        (*T1, "Drop in for a chat and tell them what\nyou think."), (*T2, EN[1])
    ),
    "en__SUB_LINE_BREAK_article_at_line_end.srt": srt(
        (*T1, "Find your local team on the\nforce's website now."), (*T2, EN[1])
    ),
}


def main() -> None:
    for name, content in CORPUS.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (HERE / name).write_bytes(data)
    print(f"wrote {len(CORPUS)} files to {HERE}")


if __name__ == "__main__":
    main()
