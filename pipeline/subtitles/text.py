"""Cue text cleaning and measuring shared by validation and every writer.

- NFC normalisation (decomposed input renders the same but counts and matches differently);
- Romanian ş ţ (cedilla, U+015F/U+0163 and capitals) -> ș ț (comma below, U+0219/U+021B);
- markup: only <i> <b> <u> survive, balanced; every other tag (<font>, {\\an8}, <c.yellow>, …) is
  stripped, and classes are dropped (`<b.first>` -> `<b>`, its end tag kept with it);
- control characters (NUL, bell, …) removed;
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
    """Tags other than bare <i> <b> <u> (opening or closing), as written: `<b.first>` counts."""
    found = []
    for m in _TAG.finditer(text):
        name = (m.group(1) or "").lower()
        if name not in ALLOWED_TAGS or m.group(0).startswith("{") or " " in m.group(0):
            found.append(m.group(0))
    return found


_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def drop_controls(text: str) -> str:
    """Control characters (line breaks and tabs aside) removed: no output carries them."""
    return _CONTROLS.sub("", text)


def _allowed_name(whole: str, name: str) -> str | None:
    """'i', 'b' or 'u' for an allowed tag with or without classes (`<b.first>`, `</i>`), else None."""
    base = name.lower().split(".")[0]
    if base not in ALLOWED_TAGS or whole.startswith("{") or " " in whole or "\t" in whole:
        return None
    return base


def keep_allowed_tags(text: str) -> str:
    """Only bare <i> <b> <u>, balanced: every other tag stripped, classes dropped with their pair.

    `<b.first>Hee!</b>` keeps the pair as `<b>Hee!</b>` (the class goes, the element stays); a
    closing tag with nothing open is dropped; one closing an outer element first closes the
    inner ones, which reopen after it; whatever is still open at the end is closed. The result
    nests properly, as the W3C WebVTT validator requires."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for m in _TAG.finditer(text):
        out.append(text[pos : m.start()])
        pos = m.end()
        whole = m.group(0)
        name = _allowed_name(whole, m.group(1) or "")
        if name is None:
            continue
        if not whole.startswith("</"):
            if name not in stack:  # <i> inside <i> adds nothing
                stack.append(name)
                out.append(f"<{name}>")
            continue
        if name not in stack:
            continue
        reopen = []
        while stack:
            top = stack.pop()
            out.append(f"</{top}>")
            if top == name:
                break
            reopen.append(top)
        for again in reversed(reopen):
            stack.append(again)
            out.append(f"<{again}>")
    out.append(text[pos:])
    out.extend(f"</{name}>" for name in reversed(stack))
    return _EMPTY_PAIR.sub("", "".join(out))


_EMPTY_PAIR = re.compile(r"<([ibu])></\1>")


def plain(text: str) -> str:
    """Text with every tag removed: what a viewer reads."""
    return _TAG.sub("", text)


def clean(text: str, language: str) -> str:
    """What outputs carry: NFC, allowed tags only, Romanian comma-below letters."""
    text = keep_allowed_tags(drop_controls(nfc(text)))
    if language.split("-")[0] == "ro":
        text = fix_romanian(text)
    return text


def graphemes(text: str) -> int:
    """Length in extended grapheme clusters."""
    return len(regex.findall(r"\X", text))
