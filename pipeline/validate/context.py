"""What every subtitle rule looks at: the cue list, its language, the master's facts and the
source language's cues, plus the small measures the rules share (visible text, grapheme
length, words, clock times)."""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

import regex

from pipeline import fonts
from pipeline.accessibility import without_sound_cues
from pipeline.project import LanguageConfig
from pipeline.subtitles.model import Cue, SubtitleDoc
from pipeline.subtitles.text import clean, plain

EPSILON = 0.0005  # SRT has millisecond precision: half a millisecond absorbs float rounding, 1 ms counts


_GRAPHEME = regex.compile(r"\X")


def _joins(ch: str) -> bool:
    """Whether a character can join a grapheme cluster with its neighbour (marks, joiners, controls,
    Hangul jamo and syllables, regional indicators, emoji modifiers): then clusters must be counted."""
    o = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Mc", "Me", "Cf", "Cc", "Cs", "Zl", "Zp")
        or 0x1100 <= o <= 0x11FF
        or 0xA960 <= o <= 0xA97F
        or 0xAC00 <= o <= 0xD7FF
        or 0x1F1E6 <= o <= 0x1F1FF
        or 0x1F3FB <= o <= 0x1F3FF
    )


_JOINS: dict[str, bool] = {}


def graphemes(text: str) -> int:
    """Length in extended grapheme clusters (as pipeline.subtitles.text.graphemes, compiled once).

    Text without any character that joins a cluster (most Latin and Urdu text) is counted by
    its length: the cluster pattern costs a second per 1,000,000 characters."""
    if text.isascii():
        return len(text)
    for ch in set(text):
        joins = _JOINS.get(ch)
        if joins is None:
            joins = _JOINS[ch] = _joins(ch)
        if joins:
            return len(_GRAPHEME.findall(text))
    return len(text)


def visible(text: str) -> str:
    """What a viewer sees of a line: no tags, no direction marks or other invisible format characters."""
    text = plain(text)
    hidden = {ch for ch in set(text) if unicodedata.category(ch) == "Cf"}
    return "".join(ch for ch in text if ch not in hidden) if hidden else text


@dataclass(frozen=True)
class Issue:
    message: str
    hint: str
    cue: Cue | None = None  # None: the whole file


@dataclass
class Context:
    """What every rule may look at: the language, its file, the master's facts, the source's cues."""

    lang: LanguageConfig
    doc: SubtitleDoc
    file: str  # as the user wrote it
    fps: float
    master_duration: float | None
    source: SubtitleDoc | None = None  # the source language's cues; None for the source itself
    source_code: str = "en"
    # False when the source's blocks could not all be read, or it is in another language:
    # then neither SUB_ALIGNMENT nor SUB_UNTRANSLATED compares with it.
    source_complete: bool = True
    script_wrong: bool = False  # set by the file's SUB_SCRIPT: missing glyphs then go without saying
    script_wrong_cues: set[int] = field(default_factory=set)  # likewise for single cues
    # Cues with SUB_MOJIBAKE: their letters are not the translator's, so the rules that read
    # letters (script, language, length, reading speed, glyphs) leave them to that error.
    garbled_cues: frozenset[int] = frozenset()

    @property
    def cues(self) -> tuple[Cue, ...]:
        return self.doc.cues

    @property
    def base(self) -> str:
        return self.lang.code.split("-")[0].lower()

    @cached_property
    def shown(self) -> dict[int, str]:
        """Each cue's cleaned, visible text (NFC, Romanian letters fixed, no tags), lines joined by newlines."""
        return {c.index: "\n".join(visible(clean(line, self.lang.code)) for line in c.lines) for c in self.cues}

    def prev(self, cue: Cue) -> Cue | None:
        return self.cues[cue.index - 2] if cue.index > 1 else None

    def next(self, cue: Cue) -> Cue | None:
        return self.cues[cue.index] if cue.index < len(self.cues) else None

    def has_text(self, cue: Cue) -> bool:
        return bool(self.shown[cue.index].strip())

    def timed(self, cue: Cue) -> bool:
        return cue.end > cue.start

    @cached_property
    def _source_index(self) -> tuple[list[float], list[Cue], float]:
        cues = sorted(self.source.cues if self.source else (), key=lambda c: c.start)
        longest = max((c.end - c.start for c in cues), default=0.0)
        return [c.start for c in cues], cues, max(0.0, longest)

    def source_near(self, cue: Cue) -> list[Cue]:
        """Source cues that can overlap `cue` in time (found by bisection, not a scan)."""
        starts, cues, longest = self._source_index
        lo = bisect.bisect_left(starts, cue.start - longest)
        hi = bisect.bisect_right(starts, max(cue.end, cue.start))
        return cues[lo:hi]

    @cached_property
    def source_words(self) -> dict[int, tuple[str, ...]]:
        if self.source is None:
            return {}
        return {
            c.index: tuple(w.casefold() for w in words(without_sound_cues(visible(clean(c.text, self.source_code)))))
            for c in self.source.cues
        }

    @cached_property
    def missing_glyphs(self) -> set[str]:
        chain = fonts.font_chain(self.lang.profile.font_family, self.lang.profile.fallback_fonts)
        if not chain:
            return set()
        distinct = set().union(*map(set, self.shown.values())) if self.shown else set()
        return set(fonts.missing_in_chain(chain, "".join(sorted(distinct))))


# Web and e-mail addresses: the same in every language, so left out of word and script counts.
# Linear time on any input: every alternative starts only where a run of its characters starts
# (a look-behind), and every repeat is possessive, so no run is scanned twice. (`\S+@\S+\.\S+`,
# the pattern before, tried every start inside a long word: minutes for a 1,000,000-character cue.)
# (Python's own `re`, which has possessive repeats since 3.11, runs this ten times faster than `regex`.)
WEB_ADDRESS = re.compile(
    r"(?<![\w.-])(?:https?://|www\.)\S++"
    r"|(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++"
    r"|(?<![\w.-])[\w-]++(?:\.[\w-]++)++(?:/\S*+)?",
    re.I,
)


def without_addresses(text: str, by: str = " ") -> str:
    """The text with web and e-mail addresses replaced by `by` (every address holds '.')."""
    return WEB_ADDRESS.sub(by, text) if "." in text else text


WORD = regex.compile(r"\p{L}[\p{L}\p{M}'’-]*")


def words(text: str) -> list[str]:
    """The words of a text, web addresses left out."""
    return WORD.findall(without_addresses(text))


def short(text: str, size: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"
