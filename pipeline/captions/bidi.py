"""The Unicode bidirectional algorithm (UAX #9) for one caption line, at the level of detail captions need.

The shaper (HarfBuzz through raqm) orders the letters inside one run of one font; which run
goes where on a line that mixes fonts and directions (a web address in Noto Sans inside an
Urdu line in Noto Nastaliq Urdu) is decided here: resolved embedding levels per character
(rules W1-W7, N1-N2, I1-I2, L1 of UAX #9), then runs reversed by rule L2.

Left out, because caption text has no use for them: explicit embeddings, overrides and
isolates (their control characters are treated as removed by X9, taking their neighbour's
level), and bracket pairs (N0). The tests check the result against the unicode-bidi crate.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

_REMOVED = {"BN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
_NEUTRAL = {"B", "S", "WS", "ON"}


def _classes(text: str) -> list[str]:
    return [unicodedata.bidirectional(ch) or "L" for ch in text]


def embedding_levels(text: str, rtl: bool) -> list[int]:
    """The resolved level of every character of one line in a paragraph of the given direction."""
    base = 1 if rtl else 0
    sor = "R" if rtl else "L"
    orig = _classes(text)
    idx = [i for i, c in enumerate(orig) if c not in _REMOVED]  # X9
    t = [orig[i] for i in idx]
    n = len(t)
    # W1: a non-spacing mark takes the type of what it sits on
    for k in range(n):
        if t[k] == "NSM":
            t[k] = t[k - 1] if k else sor
    # W2: European digits after Arabic letters are Arabic digits; W3: AL is R
    last = sor
    for k in range(n):
        if t[k] in ("L", "R", "AL"):
            last = t[k]
        elif t[k] == "EN" and last == "AL":
            t[k] = "AN"
    t = ["R" if c == "AL" else c for c in t]
    # W4: one separator between two numbers of a kind joins them
    for k in range(1, n - 1):
        if t[k] == "ES" and t[k - 1] == "EN" and t[k + 1] == "EN":
            t[k] = "EN"
        elif t[k] == "CS" and t[k - 1] == t[k + 1] and t[k - 1] in ("EN", "AN"):
            t[k] = t[k - 1]
    # W5: terminators (%, currency signs) next to European digits are digits
    k = 0
    while k < n:
        if t[k] == "ET":
            j = k
            while j < n and t[j] == "ET":
                j += 1
            if (k > 0 and t[k - 1] == "EN") or (j < n and t[j] == "EN"):
                for m in range(k, j):
                    t[m] = "EN"
            k = j
        else:
            k += 1
    # W6: remaining separators and terminators are neutral
    t = ["ON" if c in ("ES", "ET", "CS") else c for c in t]
    # W7: European digits after left-to-right text are left-to-right
    last = sor
    for k in range(n):
        if t[k] in ("L", "R"):
            last = t[k]
        elif t[k] == "EN" and last == "L":
            t[k] = "L"
    # N1, N2: neutrals between two strong types of one direction take it, others the paragraph's
    k = 0
    while k < n:
        if t[k] in _NEUTRAL:
            j = k
            while j < n and t[j] in _NEUTRAL:
                j += 1
            before = sor if k == 0 else ("R" if t[k - 1] in ("R", "EN", "AN") else "L")
            after = sor if j == n else ("R" if t[j] in ("R", "EN", "AN") else "L")
            fill = before if before == after else sor
            for m in range(k, j):
                t[m] = fill
            k = j
        else:
            k += 1
    # I1, I2
    levels = []
    for c in t:
        if base == 0:
            levels.append(0 if c == "L" else (1 if c == "R" else 2))
        else:
            levels.append(1 if c == "R" else 2)
    # L1: whitespace at the end of the line goes back to the paragraph level
    for k in range(n - 1, -1, -1):
        if orig[idx[k]] in ("WS", "S", "B"):
            levels[k] = base
        else:
            break
    # removed characters take the level of the character before them (or the paragraph's)
    out = [base] * len(text)
    for k, i in enumerate(idx):
        out[i] = levels[k]
    prev = base
    for i, c in enumerate(orig):
        if c in _REMOVED:
            out[i] = prev
        prev = out[i]
    return out


def visual_order(levels: Sequence[int]) -> list[int]:
    """Rule L2: the indexes of items (characters or runs) in the order they are drawn, left to right."""
    order = list(range(len(levels)))
    if not levels:
        return order
    top = max(levels)
    lowest_odd = min((lv for lv in levels if lv % 2), default=top + 1)
    for level in range(top, lowest_odd - 1, -1):
        k = 0
        while k < len(order):
            if levels[order[k]] >= level:
                j = k
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[k:j] = reversed(order[k:j])
                k = j
            else:
                k += 1
    return order
