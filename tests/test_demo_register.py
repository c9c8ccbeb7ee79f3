"""The demo's Polish and Romanian speak to the viewer politely (issue 11): Państwo and
dumneavoastră in the subtitles, and now in the titles and page labels of their catalogs too.

The familiar second person is a closed set of words in both languages, so a word list catches
a text that slips back into it (the titles read "Poznaj swój …" and "… din cartierul tău").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[1]

# The familiar "you" and "your" (ty, twój; tu, tău) and the demo's old familiar imperatives.
FAMILIAR = {
    "pl": {
        "ty",
        "ciebie",
        "cię",
        "tobie",
        "ci",
        "twój",
        "twoja",
        "twoje",
        "twoi",
        "twojego",
        "twojej",
        "twoim",
        "twoich",
        "twoją",
        "twoimi",
        "poznaj",
        "obejrzyj",
        "zapisz",
        "znajdź",
        "zadzwoń",
    },
    "ro": {
        "tu",
        "tău",
        "ta",
        "tale",
        "tăi",
        "te",
        "îți",
        "ți",
        "cunoaște",
        "vizionează",
        "redă",
        "copiază",
        "găsește",
        "abonează",
        "spune",
    },
}
POLITE = {"pl": "Państw", "ro": "dumneavoastră"}


def words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


def catalog(code: str) -> dict[str, str]:
    with (REPO / "locales" / code / "LC_MESSAGES" / "film.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id and isinstance(m.string, str)}


@pytest.mark.parametrize("code", sorted(FAMILIAR))
def test_catalog_texts_are_polite(code: str) -> None:
    texts = catalog(code)
    familiar = {msgid: sorted(words(text) & FAMILIAR[code]) for msgid, text in texts.items()}
    assert {k: v for k, v in familiar.items() if v} == {}
    title = texts["Meet your neighbourhood policing team"]
    assert POLITE[code] in title, title


@pytest.mark.parametrize("code", sorted(FAMILIAR))
def test_subtitles_are_polite(code: str) -> None:
    text = (REPO / "subtitles" / f"{code}.srt").read_text(encoding="utf-8")
    assert sorted(words(text) & FAMILIAR[code]) == []
    assert POLITE[code] in text


def test_the_word_lists_catch_the_old_titles() -> None:
    assert words("Poznaj swój lokalny zespół policji") & FAMILIAR["pl"]
    assert words("Cunoaște echipa de poliție din cartierul tău") & FAMILIAR["ro"]
