"""Accessibility knowledge shared by validation and publishing: sound cues in captions.

Captions for deaf and hard-of-hearing viewers carry, besides speech, what the soundtrack says
without words: `[music]`, `[phone buzzes]`, `♪ … ♪` (BBC and Ofcom practice, WCAG 2.2 1.2.2).
"""

from __future__ import annotations

import re

# A sound cue: square brackets around a short label, or text between music notes.
SOUND_CUE = re.compile(r"\[[^\[\]\n]{1,80}\]|♪[^♪\n]*♪?")


def without_sound_cues(text: str) -> str:
    """The text with its sound cues taken out (what is said)."""
    return " ".join(SOUND_CUE.sub(" ", text).split())


def sound_cues(text: str) -> list[str]:
    """The sound cues of a text, as written."""
    return [m.group(0).strip() for m in SOUND_CUE.finditer(text)]


# How much larger than Latin text a script's cues are drawn in the preview (`::cue` font-size),
# so every script reads at least as large as Latin looks: Nastaliq's letters sit small within
# their tall line; Bengali, Gujarati and Devanagari hang their vowel signs above and below.
CUE_SCALE_BY_FONT: dict[str, float] = {"Noto Nastaliq Urdu": 1.5}
CUE_SCALE_BY_SCRIPT: dict[str, float] = {
    "Arab": 1.3,
    "Beng": 1.25,
    "Gujr": 1.25,
    "Deva": 1.25,
    "Guru": 1.25,
    "Taml": 1.2,
    "Thai": 1.2,
    "Hans": 1.1,
    "Hant": 1.1,
    "Jpan": 1.1,
    "Kore": 1.1,
}


def cue_scale(profile: object) -> float:
    """The `::cue` size of a language relative to Latin text, from its font, else its script."""
    font = str(getattr(profile, "font_family", ""))
    script = str(getattr(profile, "script", ""))
    return CUE_SCALE_BY_FONT.get(font, CUE_SCALE_BY_SCRIPT.get(script, 1.0))
