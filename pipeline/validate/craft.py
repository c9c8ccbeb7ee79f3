"""The translator's craft: where lines break, when two lines belong on one, how lines balance,
and letters of another alphabet typed for the language's own.

Everything language-specific is data: each language's `craft` row in pipeline/data/languages.toml
(overridable per film in film.toml's `[languages.xx.craft]`): words a line must not end with
(Polish one-letter words w z i a o u, prepositions, articles, conjunctions, auxiliaries), words a
line must not start with (Urdu, Bengali and Gujarati postpositions), phrases a break must not
split, letters to replace (Arabic ي ك in Urdu, Assamese ৰ ৱ in Bengali, `|` for the danda), the
balance and one-line thresholds. The code below is the same for every language.

Conventions from the Netflix Timed Text Style Guides and the BBC Subtitle Guidelines: keep a cue
on one line when it fits; break after punctuation, before conjunctions and prepositions, never
between an article or preposition and its noun; prefer a bottom-heavy pyramid (a shorter top
line) when both lines are needed.

The same functions serve `filmpipe fix` (pipeline/fix.py): `best_lines` re-breaks a cue's words
without changing them, `fix_letters` replaces the listed letters.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from pipeline.languages import LanguageProfile
from pipeline.subtitles.model import Cue
from pipeline.text.scripts import script_name, script_of
from pipeline.validate.context import Context, Issue, graphemes, short

# Punctuation that ends a phrase: a line may end after it whatever the word before it is.
PAUSE = ".,;:!?…،۔؟।॥)»”’\"'"
# Sentence ends: a first line ending so, above a last line without any punctuation, is a sign
# of lines swapped (a right-to-left cue typed in a left-to-right editor).
SENTENCE_END = ".!?…۔؟।॥"
QUOTES = "\"'„“”‘’«»‹›()[]¿¡"
DIALOGUE = ("-", "–", "—")
# A top line longer than the bottom one costs this many characters of imbalance (the pyramid).
PYRAMID_PENALTY = 3
PAUSE_BONUS = 8  # a break after punctuation is worth this many characters of imbalance
LEAD_BONUS = 4  # … and one before a conjunction, preposition or article this many

# Letters of other scripts that look like Latin ones, typed by mistake (a Cyrillic or Greek
# keyboard layout, or text pasted from a document in another language): Unicode's confusables.
LATIN_LOOKALIKES: dict[str, str] = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "ԁ": "d", "һ": "h", "ӏ": "l", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O",
    "Р": "P", "С": "C", "Т": "T", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "ο": "o", "α": "a", "ν": "v",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}  # fmt: skip


def _key(word: str) -> str:
    """A word as the lists hold it: NFC, case-folded, without surrounding quotes."""
    return unicodedata.normalize("NFC", word.strip(QUOTES)).casefold()


@dataclass(frozen=True)
class CraftRules:
    """One language's craft data, ready to match (built from its profile)."""

    no_line_end: frozenset[str]
    no_line_start: frozenset[str]
    keep_together: tuple[tuple[str, ...], ...]
    letter_fixes: tuple[tuple[str, str], ...]
    min_balance: float
    one_line_max: int
    max_line_length: int
    scripts: tuple[str, ...]  # ISO 15924 codes of the language's letters
    rtl: bool = False  # right-to-left: lines typed in a left-to-right editor can end up swapped

    def key(self, word: str) -> str:
        """A word of the text as the lists hold it, its mistyped letters already mended (Arabic
        'كے' is the postposition 'کے' once fixed, so the check agrees before and after `fix`)."""
        word = _key(word)
        for bad, good in self.letter_fixes:
            if bad.isalpha() and bad in word:
                word = word.replace(bad, good)
        return word


@cache
def rules_for(profile: LanguageProfile) -> CraftRules:
    craft = profile.craft
    return CraftRules(
        no_line_end=frozenset(_key(w) for w in craft.no_line_end),
        no_line_start=frozenset(_key(w) for w in craft.no_line_start),
        keep_together=tuple(tuple(_key(w) for w in phrase.split()) for phrase in craft.keep_together),
        letter_fixes=tuple((unicodedata.normalize("NFC", a), b) for a, b in craft.letter_fixes),
        min_balance=craft.min_balance,
        one_line_max=craft.one_line_max or profile.limits.max_line_length,
        max_line_length=profile.limits.max_line_length,
        scripts=profile.letter_script_codes,
        rtl=profile.is_rtl,
    )


def is_dialogue(lines: list[str]) -> bool:
    """Two speakers, one line each ('- Hello.' / '- Hi.'): their breaks are the speakers'."""
    return any(line.lstrip().startswith(DIALOGUE) for line in lines)


def _ends_with_pause(line: str) -> bool:
    return bool(line.rstrip()) and line.rstrip()[-1] in PAUSE


def bad_breaks(lines: list[str], rules: CraftRules) -> list[str]:
    """What is wrong with each break between these lines, in words ('line 1 ends with "w"')."""
    problems = []
    for n in range(len(lines) - 1):
        top, bottom = lines[n].split(), lines[n + 1].split()
        if not top or not bottom:
            continue
        last, first = top[-1], bottom[0]
        if not _ends_with_pause(lines[n]) and rules.key(last) in rules.no_line_end:
            problems.append(f"line {n + 1} ends with '{last}', which belongs with the next word")
        if rules.key(first) in rules.no_line_start:
            problems.append(f"line {n + 2} starts with '{first}', which belongs with the word before it")
        for phrase in rules.keep_together:
            for cut in range(1, len(phrase)):
                before, after = phrase[:cut], phrase[cut:]
                if (
                    tuple(_key(w) for w in top[-len(before) :]) == before
                    and tuple(_key(w) for w in bottom[: len(after)]) == after
                ):
                    problems.append(f"the break between lines {n + 1} and {n + 2} splits '{' '.join(phrase)}'")
    return problems


def _score(top: str, bottom: str, rules: CraftRules) -> float:
    g1, g2 = graphemes(top), graphemes(bottom)
    score = abs(g1 - g2) + (PYRAMID_PENALTY if g1 > g2 else 0) - (PAUSE_BONUS if _ends_with_pause(top) else 0)
    if bottom.split() and rules.key(bottom.split()[0]) in rules.no_line_end:
        score -= LEAD_BONUS  # a line that starts with a conjunction or preposition: the guides' break
    return score + 1000 * len(bad_breaks([top, bottom], rules))


def best_lines(text: str, rules: CraftRules) -> list[str] | None:
    """The cue's words on one line if they fit, else the best two lines by the craft rules
    (no bad break, within the line limit, after punctuation where possible, balanced, a shorter
    top line). None when the words cannot fit two lines, or no break avoids a bad one."""
    words = text.split()
    if not words:
        return None
    joined = " ".join(words)
    if graphemes(joined) <= rules.one_line_max:
        return [joined]
    best: tuple[float, list[str]] | None = None
    for k in range(1, len(words)):
        top, bottom = " ".join(words[:k]), " ".join(words[k:])
        if graphemes(top) > rules.max_line_length or graphemes(bottom) > rules.max_line_length:
            continue
        score = _score(top, bottom, rules)
        if best is None or score < best[0]:
            best = (score, [top, bottom])
    if best is None or best[0] >= 1000:
        return None
    return best[1]


def _reversed(lines: list[str], rules: CraftRules) -> bool:
    """Two right-to-left lines whose first ends the sentence while the last has no punctuation at
    all (only right-to-left text: there the editor, not the translator, swaps lines)."""
    if len(lines) != 2 or not rules.rtl:
        return False
    first, last = lines[0].rstrip(QUOTES), lines[1].rstrip(QUOTES)
    return bool(first and last) and first[-1] in SENTENCE_END and last[-1] not in PAUSE and last[-1].isalpha()


def _better_balanced(lines: list[str], rules: CraftRules) -> list[str] | None:
    """A better break for two lines far apart in length (None when they are fine or none is better)."""
    if len(lines) != 2 or bad_breaks(lines, rules) or graphemes(" ".join(lines)) <= rules.one_line_max:
        return None
    if _ends_with_pause(lines[0]):
        return None  # a break at punctuation, the natural pause, is worth more than balance
    g1, g2 = graphemes(lines[0]), graphemes(lines[1])
    if min(g1, g2) >= rules.min_balance * max(g1, g2):
        return None
    better = best_lines(" ".join(lines), rules)
    if not better or len(better) != 2 or better == lines:
        return None
    b1, b2 = graphemes(better[0]), graphemes(better[1])
    if min(b1, b2) < rules.min_balance * max(b1, b2) and abs(b1 - b2) >= abs(g1 - g2):
        return None
    return better


def mend(lines: list[str], rules: CraftRules) -> list[str] | None:
    """The lines as the craft checks' hints would have them (same words, same order, unless two
    lines are swapped back into reading order), or None when they are fine. `filmpipe fix` uses it."""
    lines = [line.strip() for line in lines if line.strip()]
    if len(lines) < 2 or is_dialogue(lines):
        return None
    new = [lines[1], lines[0]] if _reversed(lines, rules) else list(lines)
    fits = graphemes(" ".join(" ".join(new).split())) <= rules.one_line_max
    if bad_breaks(new, rules) or fits:
        new = best_lines(" ".join(new), rules) or new
    else:
        new = _better_balanced(new, rules) or new
    return new if new != lines else None


def _suggest(lines: list[str]) -> str:
    return " / ".join(f"'{line}'" for line in lines)


def _wrong_language(cue: Cue, ctx: Context) -> bool:
    """The file (or this cue) is in another language (SUB_SCRIPT, SUB_LANGUAGE): its craft is not this one's."""
    return ctx.script_wrong or cue.index in ctx.script_wrong_cues


def _lines(cue: Cue, ctx: Context) -> list[str]:
    if _wrong_language(cue, ctx):
        return []
    return [line.strip() for line in ctx.shown[cue.index].split("\n") if line.strip()]


def line_breaks(cue: Cue, ctx: Context) -> Issue | None:
    """SUB_LINE_BREAK: a line ends with a word that belongs to the next line, or starts with one
    that belongs to the line before."""
    lines = _lines(cue, ctx)
    if len(lines) < 2 or is_dialogue(lines):
        return None
    rules = rules_for(ctx.lang.profile)
    problems = bad_breaks(lines, rules)
    if not problems:
        return None
    better = best_lines(" ".join(lines), rules)
    hint = (
        f"break it as {_suggest(better)} ('filmpipe fix' does it)"
        if better and better != lines
        else "move the word to the other line, or rephrase the cue"
    )
    return Issue(f"cue {cue.index}: {'; '.join(problems)}", hint)


def one_line(cue: Cue, ctx: Context) -> Issue | None:
    """SUB_LINE_FITS: two (or more) lines whose words fit on one line."""
    lines = _lines(cue, ctx)
    if len(lines) < 2 or is_dialogue(lines):
        return None
    rules = rules_for(ctx.lang.profile)
    joined = " ".join(" ".join(lines).split())
    size = graphemes(joined)
    if size > rules.one_line_max:
        return None
    return Issue(
        f"cue {cue.index} has {len(lines)} lines but fits on one ({size} characters, the limit is {rules.one_line_max})",
        f"join them: '{joined}' ('filmpipe fix' does it)",
    )


def balance(cue: Cue, ctx: Context) -> Issue | None:
    """SUB_LINE_BALANCE: two lines far apart in length when a better break exists."""
    lines = _lines(cue, ctx)
    if len(lines) != 2 or is_dialogue(lines):
        return None
    better = _better_balanced(lines, rules_for(ctx.lang.profile))
    if better is None:
        return None
    g1, g2 = graphemes(lines[0]), graphemes(lines[1])
    return Issue(
        f"cue {cue.index}'s lines are unbalanced: {g1} and {g2} characters",
        f"break it as {_suggest(better)}: lines of similar length, the top one shorter, read best "
        "('filmpipe fix' does it)",
    )


def line_order(cue: Cue, ctx: Context) -> Issue | None:
    """SUB_LINE_ORDER (right-to-left languages): the first line ends a sentence and the last line
    has no punctuation at all: lines swapped, as a cue typed in a left-to-right editor often is."""
    lines = _lines(cue, ctx)
    if is_dialogue(lines) or not _reversed(lines, rules_for(ctx.lang.profile)):
        return None
    return Issue(
        f"cue {cue.index}'s first line ends the sentence and its second line has no punctuation: "
        "are the lines in reverse order?",
        f"put them in reading order: {_suggest([lines[1], lines[0]])} ('filmpipe fix' does it)",
    )


# --------------------------------------------------------------------------- letters


def _script_letter_before(text: str, i: int, scripts: tuple[str, ...]) -> bool:
    """Whether the nearest character before position i (spaces skipped) is a letter or mark of these scripts."""
    j = i - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    return j >= 0 and script_of(text[j]) in scripts


def letter_mistakes(text: str, rules: CraftRules) -> list[tuple[str, str]]:
    """(typed, meant) for each listed letter in the text. A punctuation look-alike (`|` for `।`)
    counts only right after a letter of the language's script (not in a web address)."""
    found = []
    for bad, good in rules.letter_fixes:
        if bad not in text:
            continue
        if bad.isalpha() or unicodedata.category(bad).startswith("M"):
            found.append((bad, good))
        elif any(_script_letter_before(text, i, rules.scripts) for i, ch in enumerate(text) if ch == bad):
            found.append((bad, good))
    return found


def fix_letters(text: str, rules: CraftRules) -> str:
    """The text with every listed letter replaced (a look-alike punctuation mark only after a
    letter of the script), and Cyrillic/Greek look-alikes inside Latin words made Latin."""
    for bad, good in rules.letter_fixes:
        if bad not in text:
            continue
        if bad.isalpha() or unicodedata.category(bad).startswith("M"):
            text = text.replace(bad, good)
        else:
            text = "".join(
                good if ch == bad and _script_letter_before(text, i, rules.scripts) else ch for i, ch in enumerate(text)
            )
    if "Latn" in rules.scripts:
        text = " ".join(_latin_word(w) for w in text.split(" "))
    return text


def _latin_word(word: str) -> str:
    letters = [ch for ch in word if ch.isalpha()]
    if any(script_of(ch) == "Latn" for ch in letters) and any(ch in LATIN_LOOKALIKES for ch in letters):
        return "".join(LATIN_LOOKALIKES.get(ch, ch) for ch in word)
    return word


def mixed_words(text: str, rules: CraftRules) -> list[tuple[str, str]]:
    """(word, foreign letters) for words that mix the language's letters with another script's."""
    found = []
    for word in text.split():
        letters = [ch for ch in word if ch.isalpha()]
        scripts = {script_of(ch) for ch in letters} - {"Zyyy", "Zzzz"}
        own = scripts & set(rules.scripts)
        if own and scripts - own:
            foreign = "".join(dict.fromkeys(ch for ch in letters if script_of(ch) not in rules.scripts))
            found.append((word, foreign))
    return found


def _name(ch: str) -> str:
    return f"'{ch}' (U+{ord(ch):04X} {unicodedata.name(ch, '?')})"


def letters(cue: Cue, ctx: Context) -> Issue | None:
    """SUB_LETTERS: letters of another alphabet typed for the language's own."""
    if _wrong_language(cue, ctx):
        return None
    rules = rules_for(ctx.lang.profile)
    text = ctx.shown[cue.index]
    typed = letter_mistakes(text, rules)
    mixed = [(w, f) for w, f in mixed_words(text, rules) if not any(ch in dict(typed) for ch in f)]
    if not typed and not mixed:
        return None
    name = ctx.lang.profile.name
    parts = [f"{_name(bad)} typed for {name}'s {_name(good)}" for bad, good in typed]
    parts += [
        f"'{word.strip(PAUSE + QUOTES)}' mixes {script_name(script_of(foreign[0]))} letters ({', '.join(foreign)}) "
        f"into a {script_name(rules.scripts[0])} word"
        for word, foreign in mixed
    ]
    fixed = fix_letters(text, rules)
    if fixed != text:
        hint = f"write {name}'s own letters: '{short(fixed.replace(chr(10), ' / '), 60)}' ('filmpipe fix' does it)"
    else:
        hint = f"type the word again in {script_name(rules.scripts[0])} letters"
    return Issue(f"cue {cue.index}: {'; '.join(parts)}", hint)
