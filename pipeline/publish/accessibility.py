"""Where each language stands against the WCAG 2.2 criteria for prerecorded video, from the outputs.

For the QC report's accessibility section, so communications staff can write the site's
accessibility statement. Every verdict is read from what was published, not from settings:
the manifest (track kinds, descriptions, the described mix, transcripts), the WebVTT files
(sound cues actually present), the HLS master playlist (CHARACTERISTICS), the transcript pages
(their lang and dir) and validation's findings (MASTER_FLASHES).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.accessibility import sound_cues
from pipeline.findings import Report

MET, NOT_MET, NOT_APPLICABLE = "met", "not met", "not applicable"
CAPTIONS_CHARACTERISTICS = "public.accessibility.describes-music-and-sound"
DESCRIBED_CHARACTERISTICS = "public.accessibility.describes-video"

# (number, name, level): the criteria this section reports on, in order.
CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("1.2.1", "Audio-only and Video-only (Prerecorded)", "A"),
    ("1.2.2", "Captions (Prerecorded)", "A"),
    ("1.2.3", "Audio Description or Media Alternative (Prerecorded)", "A"),
    ("1.2.5", "Audio Description (Prerecorded)", "AA"),
    ("2.3.1", "Three Flashes or Below Threshold", "A"),
    ("3.1.1", "Language of Page", "A"),
    ("3.1.2", "Language of Parts", "AA"),
)


@dataclass(frozen=True)
class Verdict:
    number: str
    name: str
    level: str
    status: str  # MET, NOT_MET or NOT_APPLICABLE
    why: str


@dataclass(frozen=True)
class LanguageStanding:
    code: str
    name: str
    native_name: str
    direction: str
    statement: str  # one plain sentence on captions and audio description
    verdicts: tuple[Verdict, ...]

    @property
    def met(self) -> bool:
        return all(v.status != NOT_MET for v in self.verdicts)


def _read(staging: Path, url: str | None) -> str:
    if not url:
        return ""
    path = staging / url
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _vtt_text(vtt: str) -> str:
    """The cue text of a WebVTT file (timing lines, header and blank lines dropped)."""
    lines = []
    for block in vtt.split("\n\n"):
        rows = block.strip("\n").split("\n")
        if any("-->" in r for r in rows):
            at = next(i for i, r in enumerate(rows) if "-->" in r)
            lines += rows[at + 1 :]
    return "\n".join(lines)


def _hls_media(staging: Path, manifest: dict[str, Any]) -> list[dict[str, str]]:
    """Every EXT-X-MEDIA line of the master playlist as a dict of its attributes."""
    text = _read(staging, (manifest.get("hls") or {}).get("url"))
    found = []
    for line in text.splitlines():
        if line.startswith("#EXT-X-MEDIA:"):
            attrs = dict(re.findall(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)', line[len("#EXT-X-MEDIA:") :]))
            found.append({k: v.strip('"') for k, v in attrs.items()})
    return found


def _html_lang(page: str) -> tuple[str | None, str | None]:
    match = re.search(r"<html\b([^>]*)>", page)
    if not match:
        return None, None
    lang = re.search(r'\blang="([^"]*)"', match.group(1))
    direction = re.search(r'\bdir="([^"]*)"', match.group(1))
    return (lang.group(1) if lang else None), (direction.group(1) if direction else None)


def standing(staging: Path, manifest: dict[str, Any], report: Report, has_audio: bool) -> list[LanguageStanding]:
    """Per language, a verdict on each of CRITERIA with the reason, read from the outputs."""
    media = _hls_media(staging, manifest)
    flashes = [f for f in report.findings if f.code == "MASTER_FLASHES"]
    result = []
    for lang in manifest["languages"]:
        code, name = lang["code"], lang["name"]
        sub = lang.get("subtitles") or {}
        kind = sub.get("kind", "subtitles")
        cues_text = _vtt_text(_read(staging, sub.get("url")))
        sounds = sound_cues(cues_text)
        hls_subs = [m for m in media if m.get("TYPE") == "SUBTITLES" and m.get("LANGUAGE") == code]
        hls_captions = any(CAPTIONS_CHARACTERISTICS in m.get("CHARACTERISTICS", "") for m in hls_subs)
        hls_described = [
            m
            for m in media
            if m.get("TYPE") == "AUDIO"
            and m.get("LANGUAGE") == code
            and DESCRIBED_CHARACTERISTICS in m.get("CHARACTERISTICS", "")
        ]
        described_files = [r for r in lang.get("renditions", []) if r.get("kind") == "audio-description"]
        has_described = bool(lang.get("audioDescription")) and bool(hls_described or described_files)
        descriptions = lang.get("descriptions")
        transcript = lang.get("transcript") or {}
        page = _read(staging, transcript.get("url"))
        page_lang, page_dir = _html_lang(page)
        transcript_has_descriptions = 'class="description"' in page

        def verdict(number: str, status: str, why: str) -> Verdict:
            _, title, level = next(c for c in CRITERIA if c[0] == number)
            return Verdict(number, title, level, status, why)

        verdicts = []
        # 1.2.1: only for a film without sound (video-only) it applies.
        if has_audio:
            verdicts.append(
                verdict(
                    "1.2.1",
                    NOT_APPLICABLE,
                    "the film has sound and picture together (synchronised media): 1.2.2 to 1.2.5 apply",
                )
            )
        elif transcript and transcript_has_descriptions:
            verdicts.append(verdict("1.2.1", MET, "the film has no sound; the transcript describes the picture"))
        else:
            verdicts.append(
                verdict(
                    "1.2.1",
                    NOT_MET,
                    "the film has no sound, and no transcript describes what the picture shows: add descriptions",
                )
            )
        # 1.2.2 captions
        if not has_audio:
            verdicts.append(verdict("1.2.2", NOT_APPLICABLE, "the film has no sound to caption"))
        elif not sub:
            verdicts.append(verdict("1.2.2", NOT_MET, f"no {name} subtitle or caption file was published"))
        elif kind == "captions" and hls_captions:
            detail = (
                f"{len(sounds)} sound cue{'' if len(sounds) == 1 else 's'} such as {sounds[0]}"
                if sounds
                else "no sound cues (check that the soundtrack has nothing but speech)"
            )
            verdicts.append(
                verdict(
                    "1.2.2",
                    MET,
                    f'captions published as <track kind="captions"> and marked in HLS as describing music and sound; {detail}',
                )
            )
        elif kind == "captions":
            verdicts.append(
                verdict("1.2.2", NOT_MET, "the captions are not marked as captions in the HLS playlist: rebuild")
            )
        else:
            verdicts.append(
                verdict(
                    "1.2.2",
                    NOT_MET,
                    f"the {name} track is subtitles (speech only): deaf viewers are not told about music and "
                    f'sounds. Add sound cues such as [music] and set kind = "captions" in [languages.{code}]',
                )
            )
        # 1.2.3 audio description or media alternative
        if has_described:
            verdicts.append(verdict("1.2.3", MET, "an audio-described version is published (see 1.2.5)"))
        elif transcript and transcript_has_descriptions:
            verdicts.append(
                verdict(
                    "1.2.3",
                    MET,
                    "the transcript is a media alternative: what is said and, in brackets, what only the picture shows",
                )
            )
        else:
            verdicts.append(
                verdict(
                    "1.2.3",
                    NOT_MET,
                    "no audio description and no transcript that describes the picture: add "
                    f'descriptions = "descriptions/{code}.vtt" (or described_audio) to [languages.{code}]',
                )
            )
        # 1.2.5 audio description
        if has_described:
            names = ", ".join(f'"{m.get("NAME", "")}"' for m in hls_described) or "none"
            verdicts.append(
                verdict(
                    "1.2.5",
                    MET,
                    f"a described mix is published: HLS audio rendition {names} (describes-video, not default) "
                    f"and {len(described_files)} MP4 file{'' if len(described_files) == 1 else 's'}",
                )
            )
        elif descriptions:
            verdicts.append(
                verdict(
                    "1.2.5",
                    NOT_MET,
                    'only text descriptions (<track kind="descriptions">), which few players voice: add a mix with '
                    f"the descriptions voiced as described_audio in [languages.{code}]",
                )
            )
        else:
            verdicts.append(
                verdict(
                    "1.2.5",
                    NOT_MET,
                    f"there is no audio description in {name}: blind and partially sighted viewers miss what only "
                    "the picture shows",
                )
            )
        # 2.3.1 flashes (the picture is shared by every language)
        if flashes:
            verdicts.append(verdict("2.3.1", NOT_MET, flashes[0].message))
        else:
            verdicts.append(
                verdict(
                    "2.3.1",
                    MET,
                    "the master was measured: no more than three general or red flashes in any second over a large area",
                )
            )
        # 3.1.1 language of page: the transcript page
        if page_lang == code and page_dir == lang.get("direction"):
            verdicts.append(
                verdict("3.1.1", MET, f'the transcript {transcript.get("url")} declares lang="{code}" dir="{page_dir}"')
            )
        else:
            verdicts.append(verdict("3.1.1", NOT_MET, f'the transcript does not declare lang="{code}"'))
        # 3.1.2 language of parts
        if lang.get("titleTranslated", True):
            verdicts.append(
                verdict("3.1.2", MET, f"the title is in {name}; the transcript has no parts in another language")
            )
        else:
            source = manifest["film"]["sourceLanguage"]
            marked = f'<h1 lang="{source}"' in page
            verdicts.append(
                verdict(
                    "3.1.2",
                    MET if marked else NOT_MET,
                    f'the title is not translated; it is marked as {source} (lang="{source}") in the transcript'
                    if marked
                    else "the untranslated title is not marked with its language in the transcript",
                )
            )
        captions_word = "captions" if kind == "captions" and sub else ("subtitles only" if sub else "no subtitles")
        ad_words = (
            "audio description (a described mix)"
            if has_described
            else ("text descriptions but no described mix" if descriptions else "no audio description")
        )
        statement = f"{name}: {captions_word}; {ad_words}; {'a transcript' if transcript else 'no transcript'}."
        result.append(LanguageStanding(code, name, lang["nativeName"], lang["direction"], statement, tuple(verdicts)))
    return result
