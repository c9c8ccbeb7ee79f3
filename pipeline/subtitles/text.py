"""Cue text cleaning and measuring shared by validation and every writer.

- NFC normalisation (decomposed input renders the same but counts and matches differently);
- Romanian ş ţ (cedilla, U+015F/U+0163 and capitals) -> ș ț (comma below, U+0219/U+021B);
- markup: only <i> <b> <u> survive; every other tag (<font>, {\\an8}, <c.yellow>, …) is stripped;
- lengths in grapheme clusters (a Bengali conjunct is one visible unit, several code points).
"""

from __future__ import annotations

import re
import unicodedata

import regex

ALLOWED_TAGS = ("i", "b", "u")
RO_CEDILLA = str.maketrans({"\u015f": "\u0219", "\u015e": "\u0218", "\u0163": "\u021b", "\u0162": "\u021a"})

# HTML-ish tags (<i>, </font>, <c.yellow>, <v Speaker>, <00:00:01.000>) and ASS override blocks ({\an8}).
_TAG = re.compile(r"</?([A-Za-z][\w.\-]*)?(?:\s[^<>]*)?>|<\d{1,2}:\d{2}[:.\d]*>|\{\\[^{}]*\}")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fix_romanian(text: str) -> str:
    return text.translate(RO_CEDILLA)


def has_romanian_cedilla(text: str) -> bool:
    return any(ch in text for ch in "\u015f\u015e\u0163\u0162")


def foreign_tags(text: str) -> list[str]:
    """Tags other than <i> <b> <u> (opening or closing), as written."""
    found = []
    for m in _TAG.finditer(text):
        name = (m.group(1) or "").lower()
        if name not in ALLOWED_TAGS or m.group(0).startswith("{") or " " in m.group(0):
            found.append(m.group(0))
    return found


def keep_allowed_tags(text: str) -> str:
    """Strip every tag except bare <i> <b> <u> and their closing tags."""

    def repl(m: re.Match[str]) -> str:
        name = (m.group(1) or "").lower()
        whole = m.group(0)
        if name in ALLOWED_TAGS and whole.lower() in (f"<{name}>", f"</{name}>"):
            return whole.lower()
        return ""

    return _TAG.sub(repl, text)


def plain(text: str) -> str:
    """Text with every tag removed: what a viewer reads."""
    return _TAG.sub("", text)


def clean(text: str, language: str) -> str:
    """What outputs carry: NFC, allowed tags only, Romanian comma-below letters."""
    text = keep_allowed_tags(nfc(text))
    if language.split("-")[0] == "ro":
        text = fix_romanian(text)
    return text


def graphemes(text: str) -> int:
    """Length in extended grapheme clusters."""
    return len(regex.findall(r"\X", text))
