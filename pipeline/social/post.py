"""post.txt per language: the title, the description and the call to action, then the link.

The texts come from film.toml through the language's catalog (locales/<lang>/…/film.po), as
the manifest's titles do; a text without a translation falls back to the source language
(validation reports LOCALE_MISSING). The link is written on its own line, as is, so every
platform turns it into a link (it is not translated).

Lengths are counted as each platform counts them (platforms.py says which): Unicode code
points of the NFC text, or X's weighted count (https://docs.x.com/resources/fundamentals/
counting-characters, twitter-text 3): each code point weighs 2 except those in the ranges
below, which weigh 1, and every web address weighs 23 whatever its length (X shortens it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipeline.locales import translator
from pipeline.project import Project
from pipeline.social.platforms import PLATFORMS, Platform

# twitter-text v3 configuration: ranges weighing 1 (Latin, Greek, Cyrillic, Arabic, Indic
# scripts up to U+10FF, and some punctuation); everything else (CJK, emoji) weighs 2.
X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
X_URL_WEIGHT = 23
# A web address as X's autolinker finds one: with or without a scheme, a dotted host ending
# in letters, an optional path.
_URL = re.compile(r"(?:https?://)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?::\d+)?(?:/[^\s]*)?")

POST_NAME = "post.txt"


@dataclass(frozen=True)
class Post:
    title: str
    description: str | None
    call_to_action: str | None
    link: str | None

    @property
    def text(self) -> str:
        """The post as written into post.txt: paragraphs separated by a blank line, final newline."""
        parts = [self.title]
        if self.description:
            parts.append(self.description)
        tail = [t for t in (self.call_to_action, self.link) if t]
        if self.call_to_action and self.link and self.link in self.call_to_action:
            tail = [self.call_to_action]
        if tail:
            parts.append("\n".join(tail))
        return unicodedata.normalize("NFC", "\n\n".join(parts)) + "\n"


def compose(project: Project, code: str) -> Post:
    """The post in one language, from film.toml and the language's catalog."""
    film = project.film
    t = translator(project, code)
    return Post(
        title=t(film.title).strip(),
        description=t(film.description).strip() if film.description else None,
        call_to_action=t(film.call_to_action).strip() if film.call_to_action else None,
        link=film.link,
    )


def x_weight(text: str) -> int:
    """X's weighted length of a post (280 is the limit)."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    pos = 0
    for m in _URL.finditer(text):
        total += _weigh(text[pos : m.start()]) + X_URL_WEIGHT
        pos = m.end()
    return total + _weigh(text[pos:])


def _weigh(text: str) -> int:
    return sum(1 if any(lo <= ord(ch) <= hi for lo, hi in X_LIGHT_RANGES) else 2 for ch in text)


def length_for(p: Platform, post: Post) -> int:
    """How long the platform counts the part of the post it limits."""
    text = post.title if p.post_field == "title" else post.text.rstrip("\n")
    if p.counting == "x-weighted":
        return x_weight(text)
    return len(unicodedata.normalize("NFC", text))


def lengths(post: Post) -> dict[str, int]:
    """Platform key -> the post's length as that platform counts it."""
    return {p.key: length_for(p, post) for p in PLATFORMS}
