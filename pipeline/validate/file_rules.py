"""Rules about a whole subtitle file: its script, its language, its alignment with the source.

Each yields Issues (an Issue with a cue points at that cue); FILE_RULES gives each its code.
"""

from __future__ import annotations

import bisect
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pipeline.languages import profile_for
from pipeline.subtitles.model import Cue, clock
from pipeline.text.scripts import MIN_LETTERS_TO_JUDGE, letter_scripts, script_name, urdu_lookalike
from pipeline.validate.context import Context, Issue, without_addresses

# SUB_SCRIPT: a file is wrong when fewer than this share of its letters are in the expected script.
SCRIPT_MIN_SHARE = 0.5
# A single cue is judged only with this many letters (shorter cues are names, acronyms, "OK").
CUE_SCRIPT_MIN_LETTERS = 4
# SUB_ALIGNMENT thresholds against the source language's cues.
ALIGN_MAX_START_DIFF = 1.0  # seconds between a cue's start and the matching source cue's start
ALIGN_COUNT_MIN_DIFF = 2  # cue counts may differ by this many cues …
ALIGN_COUNT_MAX_SHARE = 0.2  # … or by this share of the source's cues, whichever is larger
ALIGN_FILE_LEVEL_SHARE = 0.5  # when more than half the cues are off, say it once for the file


def cue_script(cue: Cue, ctx: Context) -> Issue | None:
    """A cue in another script than its file (text pasted from another language's file)."""
    expected = ctx.lang.profile.letter_script_codes[0]
    counts = letter_scripts(without_addresses(ctx.shown[cue.index]))
    total = sum(counts.values())
    if total < CUE_SCRIPT_MIN_LETTERS or _own_letters(counts, ctx) / total >= SCRIPT_MIN_SHARE:
        return None
    dominant, _ = counts.most_common(1)[0]
    if dominant == "Latn" and expected != "Latn":
        return None  # web addresses, names and acronyms are Latin in every language
    return Issue(
        f"cue {cue.index} is written in {script_name(dominant)} letters, not {script_name(expected)} as {ctx.lang.profile.name} is",
        f"replace it with the {ctx.lang.profile.name} text",
    )


def _readable_text(ctx: Context) -> str:
    """The file's visible text without garbled cues (SUB_MOJIBAKE speaks for them) or web addresses
    (Latin in every language)."""
    return without_addresses("\n".join(t for i, t in ctx.shown.items() if i not in ctx.garbled_cues))


def _own_letters(counts: Counter[str], ctx: Context) -> int:
    """How many of the counted letters are in the language's script (Chinese: Han letters)."""
    return sum(counts[s] for s in ctx.lang.profile.letter_script_codes)


def file_script(ctx: Context) -> Iterator[Issue]:
    expected = ctx.lang.profile.letter_script_codes[0]
    text = _readable_text(ctx)
    counts = letter_scripts(text)
    total = sum(counts.values())
    if total < MIN_LETTERS_TO_JUDGE:
        return
    name = ctx.lang.profile.name
    if _own_letters(counts, ctx) / total < SCRIPT_MIN_SHARE:
        dominant, count = counts.most_common(1)[0]
        ctx.script_wrong = True
        yield Issue(
            f"{ctx.file} is mostly {script_name(dominant)} letters ({count * 100 // total}%), "
            f"not {script_name(expected)} as {name} is written",
            f"is this another language's file? Put the {name} subtitles at {ctx.file}, or fix the path in film.toml",
        )
        return
    if ctx.base == "ur":
        looks = urdu_lookalike(text)
        if looks:
            ctx.script_wrong = True
            yield Issue(
                f"{ctx.file} looks like {looks}, not Urdu: none of Urdu's own letters (ٹ ڈ ڑ ں ھ ہ ے) appear",
                "check that the translator wrote Urdu, and that the file was not converted through an Arabic code page",
            )
            return
    for cue in ctx.cues:
        if cue.index in ctx.garbled_cues:
            continue
        issue = cue_script(cue, ctx)
        if issue:
            ctx.script_wrong_cues.add(cue.index)
            yield Issue(issue.message, issue.hint, cue)


# SUB_LANGUAGE: letters that only one of these Latin-script languages uses (checked lower-cased).
# Letters shared with a neighbour are left out: č š ž are Croatian, Slovak and Slovene too.
DISTINCTIVE_LETTERS: dict[str, str] = {
    "pl": "ąćęłńśźż",
    "ro": "ășțşţ",
    "cs": "ďěňřťů",
    "hu": "őű",
    "de": "äöüß",
    "tr": "ğış",
    "lt": "ėįųū",
    "lv": "āēģīķļņū",
    "es": "ñ¿¡",
    "pt": "ãõ",
    "fr": "œ",
    "is": "ðþ",
}
# The non-ASCII letters of other Latin-script languages' alphabets: a letter of the file's own
# alphabet is never evidence of another language (Slovak ď ň ť are not Czech-only there).
OWN_LETTERS: dict[str, str] = {
    "hr": "čćđšž",
    "bs": "čćđšž",
    "sr": "čćđšž",
    "sl": "čšž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "cs": "áčďéěíňóřšťúůýž",
    "hu": "áéíóöőúüű",
    "tr": "çğıöşü",
    "de": "äöüß",
    "lt": "ąčęėįšųūž",
    "lv": "āčēģīķļņšūž",
    "et": "äöõüšž",
    "fi": "äöå",
    "sv": "äöå",
    "ro": "ăâîșțşţ",
    "pl": "ąćęłńóśźż",
}
LANGUAGE_MIN_LETTERS = 24  # below this a file says too little to name its language
LANGUAGE_MIN_FOREIGN = 3  # at least this many of another language's own letters …
LANGUAGE_MIN_FOREIGN_SHARE = 0.015  # … making up this share of all letters (names stay under it)


def file_language(ctx: Context) -> Iterator[Issue]:
    """Another Latin-script language's file in this slot (Polish subtitles filed as Romanian)."""
    if ctx.lang.profile.script != "Latn" or ctx.script_wrong:
        return
    text = _readable_text(ctx).lower()
    letters = sum(1 for ch in text if ch.isalpha())
    if letters < LANGUAGE_MIN_LETTERS:
        return

    def count(chars: str) -> int:
        return sum(text.count(ch) for ch in chars)

    own = count(DISTINCTIVE_LETTERS.get(ctx.base, ""))
    mine = OWN_LETTERS.get(ctx.base, "")
    others = {
        code: count("".join(ch for ch in chars if ch not in mine))
        for code, chars in DISTINCTIVE_LETTERS.items()
        if code != ctx.base
    }
    best = max(others, key=others.__getitem__)
    found = others[best]
    if found >= LANGUAGE_MIN_FOREIGN and found >= LANGUAGE_MIN_FOREIGN_SHARE * letters and found > 3 * own:
        other_name = profile_for(best).name
        seen = ", ".join(ch for ch in DISTINCTIVE_LETTERS[best] if ch in text)
        ctx.script_wrong = True
        yield Issue(
            f"{ctx.file} looks like {other_name}, not {ctx.lang.profile.name}: {found} letters only {other_name} uses ({seen})",
            f"is this the {other_name} file? Put the {ctx.lang.profile.name} subtitles at {ctx.file}, or fix the path in film.toml",
        )


class NearestStart:
    """Which of some start times is nearest to a given time, in O(log n) per question.

    Ties go to the earliest in the original order (as a scan from the start would pick):
    for each distinct time the smallest original index is kept, and of the two neighbours
    of the time asked about (by bisection) the nearer one wins, the lower index on a tie.
    Matching 100,000 cues against 99,990 this way takes well under a second; a scan took hours.
    """

    def __init__(self, starts: list[float]) -> None:
        order = sorted(range(len(starts)), key=lambda k: (starts[k], k))
        self.values: list[float] = []
        self.first: list[int] = []
        for k in order:
            if not self.values or starts[k] != self.values[-1]:
                self.values.append(starts[k])
                self.first.append(k)

    def __call__(self, time: float) -> int:
        i = bisect.bisect_left(self.values, time)
        candidates = [j for j in (i - 1, i) if 0 <= j < len(self.values)]
        best = min(candidates, key=lambda j: (abs(self.values[j] - time), self.first[j]))
        return self.first[best]


def alignment(ctx: Context) -> Iterator[Issue]:
    if ctx.source is None or not ctx.source_complete or not ctx.source.cues or not ctx.cues:
        return
    src, mine = ctx.source.cues, ctx.cues
    code = ctx.source_code
    allowed = max(ALIGN_COUNT_MIN_DIFF, ALIGN_COUNT_MAX_SHARE * len(src))
    if abs(len(mine) - len(src)) > allowed:
        yield Issue(
            f"{ctx.file} has {len(mine)} cues; the {code} subtitles have {len(src)}",
            f"check that no cues are missing or merged: compare it with the {code} file side by side",
        )
    if len(mine) == len(src):
        pairs = list(zip(mine, src, strict=False))
    else:
        nearest = NearestStart([s.start for s in src])
        pairs = [(c, src[nearest(c.start)]) for c in mine]
    pairs = [(c, s) for c, s in pairs if c.end > c.start and s.end > s.start]  # SUB_TIMING speaks for the rest
    off = [(c, s, c.start - s.start) for c, s in pairs if abs(c.start - s.start) > ALIGN_MAX_START_DIFF]
    if not off:
        return
    if len(off) > ALIGN_FILE_LEVEL_SHARE * len(mine) and len(off) >= 3:
        diffs = [c.start - s.start for c, s in pairs]
        median = statistics.median(diffs)
        way = "later" if median > 0 else "earlier"
        yield Issue(
            f"cue timings differ from the {code} subtitles by more than {ALIGN_MAX_START_DIFF:g} s in {len(off)} of "
            f"{len(mine)} cues (typically {abs(median):.2f} s {way}; first cue {diffs[0]:+.2f} s, last {diffs[-1]:+.2f} s)",
            "the file may be timed for another cut or frame rate: shift or re-time it against the master",
        )
        return
    for c, s, d in off:
        yield Issue(
            f"cue {c.index} starts at {clock(c.start)}, {abs(d):.2f} s {'after' if d > 0 else 'before'} "
            f"{code} cue {s.index} ({clock(s.start)})",
            f"check the timing of cue {c.index} against the {code} subtitles",
            cue=c,
        )


FileCheck = Callable[[Context], Iterable[Issue]]


@dataclass(frozen=True)
class FileRule:
    code: str
    severity: str
    check: FileCheck


FILE_RULES: tuple[FileRule, ...] = (
    FileRule("SUB_SCRIPT", "error", file_script),
    FileRule("SUB_LANGUAGE", "error", file_language),
    FileRule("SUB_ALIGNMENT", "warning", alignment),
)
