"""Mojibake: UTF-8 text that was once decoded with a legacy code page and saved again.

`Ä…` for `ą`, `Ĺ‚` for `ł`, `Ã³` for `ó`, `â€™` for `’` (Word's apostrophe), `Ø§` for `ا`.
A run of non-ASCII characters is mojibake when encoding it back with one of the usual code
pages gives valid UTF-8 that reads as the language's own letters or typographic punctuation,
and the run itself is not simply a word of the language: Polish `WSPÓŁ` encodes in
Windows-1250 to bytes that happen to be valid UTF-8 (a Cyrillic letter), so the decoded
result must fit the language's script, and a run made only of the language's own letters
(Romanian `ĂŞ`) is never suspected.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline.text.encoding import LATIN_ALPHABETS, TYPOGRAPHIC
from pipeline.text.scripts import expected_script, script_of

CODEPAGES = ("cp1252", "cp1250", "latin-1", "cp1256", "iso8859_2")
_RUN = regex.compile(r"[^\x00-\x7f]{2,}")  # a UTF-8 sequence is at least two bytes
# Every character some code page above gives to a byte 0x80-0xFF: mojibake is made of these.
_ENCODABLE = frozenset(bytes([b]).decode(cp, "ignore") for cp in CODEPAGES for b in range(0x80, 0x100)) - {""}
_NOT_ENCODABLE = regex.compile("[^" + regex.escape("".join(sorted(_ENCODABLE))) + "]+")
# "Cze??, s?siedzi": a conversion to a code page without those letters wrote '?' for each.
# A question mark between two letters is never punctuation (web addresses aside).
_LOST_LETTER = regex.compile(r"\p{L}\p{M}*\?+[\p{Ll}\p{Lo}\p{M}]")
_LINK = regex.compile(r"://|www\.|[=&/@]")
REPLACEMENT = "\ufffd"  # what a converter writes for bytes it could not read: text lost
MAX_ROUNDS = 3  # text garbled twice (Ă˘â‚¬â„˘ for ’) is unwound this many times


@dataclass(frozen=True)
class Mojibake:
    found: str  # the garbled run, e.g. "Ä…"
    meant: str  # what it was before, e.g. "ą"
    codepage: str  # the code page it was wrongly read as


def _fits(text: str, script: str, alphabet: str | None = None) -> bool:
    """Every non-ASCII character is a letter or mark of the script, or typographic punctuation.

    For a Latin-script language with a known alphabet a letter must be one of its own or of
    Latin-1/Latin Extended-A (loanwords): Urdu letter pairs in the Polish slot re-encode to
    UTF-8 for 'ǘ' or 'ʪ', which no Polish text meant."""
    has_content = False
    for ch in text:
        if ch < "\x80":
            continue
        cat = unicodedata.category(ch)
        if ch in TYPOGRAPHIC or (cat[0] in "PS" and script_of(ch) == "Zyyy" and ord(ch) < 0x2100):
            has_content = True
        elif cat[0] in "LM" and script_of(ch) == script:
            if (
                script == "Latn"
                and alphabet is not None
                and cat[0] == "L"
                and not ("\u00c0" <= ch <= "\u017f" or ch.lower() in alphabet)
            ):
                return False
            has_content = True
        elif cat[0] == "M" and script_of(ch) == "Zyyy":
            has_content = True
        else:
            return False
    return has_content


@lru_cache(maxsize=65536)  # words repeat: each is judged once
def _native(run: str, language: str, script: str) -> bool:
    """A run made only of the language's own letters: a word, not garbage (each distinct letter checked once)."""
    alphabet = LATIN_ALPHABETS.get(language.split("-")[0].lower())
    for ch in set(run):
        if not unicodedata.category(ch).startswith(("L", "M")):
            return False
        if script == "Latn":
            if alphabet is None or ch.lower() not in alphabet:
                return False
        elif script_of(ch) not in (script, "Zyyy"):
            return False
    return True


def _foreign_word(run: str, script: str) -> bool:
    """A run of letters of one other script in a Latin-script file: a word pasted from another
    language (SUB_SCRIPT's business), not garbage. Latin text read as a legacy code page always
    leaves punctuation or symbols in the run (Polish 'ą' read as Windows-1256 is 'ؤ…')."""
    if script != "Latn":
        return False
    scripts = {script_of(ch) for ch in run if unicodedata.category(ch)[0] != "M"}
    return all(unicodedata.category(ch)[0] in "LM" for ch in run) and len(scripts) == 1 and "Latn" not in scripts


def _repair(run: str) -> tuple[str, str] | None:
    for codepage in CODEPAGES:
        try:
            meant = run.encode(codepage).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if meant != run:
            return meant, codepage
    return None


def find_mojibake(text: str, language: str) -> list[Mojibake]:
    """Every garbled run in `text` (a cue's text), in order."""
    script = expected_script(language)
    alphabet = LATIN_ALPHABETS.get(language.split("-")[0].lower())
    found: list[Mojibake] = []
    if REPLACEMENT in text:
        found.append(Mojibake(REPLACEMENT, "?", "unknown"))
    if "?" in text:
        for token in text.split():
            if "?" in token and not _LINK.search(token):
                found += [Mojibake(m.group(0), "?", "unknown") for m in _LOST_LETTER.finditer(token)]
    for match in _RUN.finditer(text):
        run = match.group(0)
        if _native(run, language, script) or _foreign_word(run, script):
            continue
        for piece in _NOT_ENCODABLE.split(run):
            if len(piece) < 2:
                continue
            repaired = _repair_longest(piece, script, alphabet)
            if repaired:
                found.append(_unwind(repaired, script, alphabet))
    return found


def _unwind(found: Mojibake, script: str, alphabet: str | None = None) -> Mojibake:
    """Text garbled more than once: repair until it stops changing."""
    meant = found.meant
    for _ in range(MAX_ROUNDS):
        again = _repair(meant)
        if not again or not _fits(again[0], script, alphabet):
            break
        meant = again[0]
    return Mojibake(found.found, meant, found.codepage)


# Runs longer than this are tried whole only: trying every piece costs the square of the length,
# and a garbled word is far shorter (a 1,000,000-character run must not take minutes).
MAX_PIECES_RUN = 64


def _repair_longest(run: str, script: str, alphabet: str | None = None) -> Mojibake | None:
    """Try the whole run, then shorter pieces: a garbled letter can sit next to a real one."""
    n = len(run)
    if n > MAX_PIECES_RUN:
        repaired = _repair(run)
        return Mojibake(run, repaired[0], repaired[1]) if repaired and _fits(repaired[0], script, alphabet) else None
    for size in range(n, 1, -1):
        for start in range(0, n - size + 1):
            piece = run[start : start + size]
            repaired = _repair(piece)
            if repaired and _fits(repaired[0], script, alphabet):
                return Mojibake(piece, repaired[0], repaired[1])
    return None
