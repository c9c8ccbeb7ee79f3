"""Which writing system the letters of a text are in (Unicode Script property, ISO 15924).

Only letters count: digits, punctuation, spaces and combining marks say nothing about the
language (a Bengali vowel sign is a mark and belongs to its consonant).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import cache, lru_cache

import regex

from pipeline.languages import UnknownLanguage, profile_for

# ISO 15924 code -> Unicode script name, for the scripts filmpipe can name in a message.
SCRIPTS: dict[str, str] = {
    "Latn": "Latin",
    "Arab": "Arabic",
    "Beng": "Bengali",
    "Gujr": "Gujarati",
    "Deva": "Devanagari",
    "Guru": "Gurmukhi",
    "Cyrl": "Cyrillic",
    "Grek": "Greek",
    "Hebr": "Hebrew",
    "Taml": "Tamil",
    "Telu": "Telugu",
    "Knda": "Kannada",
    "Mlym": "Malayalam",
    "Orya": "Oriya",
    "Sinh": "Sinhala",
    "Thai": "Thai",
    "Ethi": "Ethiopic",
    "Armn": "Armenian",
    "Geor": "Georgian",
    "Hani": "Han",
    "Hira": "Hiragana",
    "Kana": "Katakana",
    "Hang": "Hangul",
    "Thaa": "Thaana",
    "Syrc": "Syriac",
    "Mymr": "Myanmar",
    "Khmr": "Khmer",
    "Laoo": "Lao",
    "Tibt": "Tibetan",
    "Nkoo": "Nko",
    "Adlm": "Adlam",
    "Cher": "Cherokee",
    "Tfng": "Tifinagh",
    "Yiii": "Yi",
    "Vaii": "Vai",
    "Olck": "Ol_Chiki",
}
_PATTERNS = {code: regex.compile(rf"\p{{Script={name}}}") for code, name in SCRIPTS.items()}

# Letters Urdu uses and Arabic and Persian do not: ٹ ڈ ڑ ں ھ ہ ے (and ۃ).
URDU_LETTERS = frozenset("\u0679\u0688\u0691\u06ba\u06be\u06c1\u06d2\u06c3")
# Letters of Arabic that Urdu and Persian spell differently: ة ى and the Arabic kaf and yeh
# (Urdu uses ک and ی; cp1256 lacks ی, so ي alone is no evidence and is not listed).
ARABIC_ONLY_LETTERS = frozenset("\u0629\u0649")
PERSIAN_OR_URDU_LETTERS = frozenset("\u067e\u0686\u0698\u06af\u06a9\u06cc")  # پ چ ژ گ ک ی
# Below this many letters a file says too little about its language to judge it.
MIN_LETTERS_TO_JUDGE = 8
MIN_ARABIC_LETTERS_FOR_URDU_CHECK = 30


@lru_cache(maxsize=4096)
def script_of(ch: str) -> str:
    """ISO 15924 code of one character's script; 'Zyyy' (common) or 'Zzzz' (unknown) otherwise."""
    for code, pattern in _PATTERNS.items():
        if pattern.match(ch):
            return code
    if regex.match(r"\p{Script=Common}|\p{Script=Inherited}", ch):
        return "Zyyy"
    return "Zzzz"


def script_name(code: str) -> str:
    return SCRIPTS.get(code, code)


@cache
def expected_script(language: str) -> str:
    """The Unicode script of the language's letters (Han for Chinese, whose ISO 15924 code is Hans)."""
    try:
        return profile_for(language).letter_script_codes[0]
    except UnknownLanguage:
        return "Latn"


def letter_scripts(text: str) -> Counter[str]:
    """How many letters of each script the text holds (each distinct character looked up once)."""
    counts: Counter[str] = Counter()
    for ch, times in Counter(text).items():
        script = _LETTER_SCRIPT.get(ch)
        if script is None:
            script = script_of(ch) if ch.isalpha() and unicodedata.category(ch).startswith("L") else ""
            _LETTER_SCRIPT[ch] = script
        if script:
            counts[script] += times
    return counts


_LETTER_SCRIPT: dict[str, str] = {}  # character -> its script, "" for non-letters


def urdu_lookalike(text: str) -> str | None:
    """'Arabic' or 'Persian' when an Arabic-script text shows none of Urdu's own letters."""
    counts = Counter(text)
    present = {ch for ch in counts if ch.isalpha() and script_of(ch) == "Arab"}
    if sum(counts[ch] for ch in present) < MIN_ARABIC_LETTERS_FOR_URDU_CHECK:
        return None
    if present & URDU_LETTERS:
        return None
    if present & ARABIC_ONLY_LETTERS or not present & PERSIAN_OR_URDU_LETTERS:
        return "Arabic"
    return "Persian"
