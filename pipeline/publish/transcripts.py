"""dist/transcripts/<lang>.html and .txt: the film as text, per language (WCAG 2.2 1.2.1, 1.2.3).

Built from the language's cues (what is said, and in captions the sound cues in brackets as
written) and its text descriptions (what only the picture shows, in brackets, where they fall
in time). Cues are joined into paragraphs: a paragraph ends at a pause of PARAGRAPH_PAUSE
seconds, or after PARAGRAPH_CUES cues at the end of a sentence. The HTML page carries the
language's `lang` and `dir`, the translated title as its heading and nothing from the network;
the plain-text twin holds the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.locales import translator
from pipeline.project import LanguageConfig, Project
from pipeline.publish.files import file_facts
from pipeline.publish.preview import environment
from pipeline.subtitles.model import Cue
from pipeline.subtitles.reader import load_cues
from pipeline.subtitles.text import clean, plain

FOLDER = "transcripts"
PARAGRAPH_PAUSE = 1.5  # seconds of silence between cues that start a new paragraph
PARAGRAPH_CUES = 4  # ... or this many cues, at the end of a sentence
SENTENCE_END = re.compile(r"[.!?…।۔؟。！？:]['\"”’»)]*$")
TRANSCRIPT_LABEL = "Transcript"  # msgid in the catalogs
DESCRIPTION_LABEL = "Description"


@dataclass(frozen=True)
class Block:
    kind: str  # "speech" or "description"
    text: str
    start: float


def cue_text(cue: Cue, code: str) -> str:
    """A cue's lines as one line of plain text (tags removed, NFC, Romanian letters fixed)."""
    lines = [" ".join(plain(clean(line, code)).split()) for line in cue.lines]
    return " ".join(line for line in lines if line)


def paragraphs(cues: tuple[Cue, ...], descriptions: tuple[Cue, ...], code: str) -> list[Block]:
    """Speech paragraphs and bracketed descriptions in time order."""
    events = sorted(
        [(c.start, 1, "speech", c) for c in cues] + [(d.start, 0, "description", d) for d in descriptions],
        key=lambda e: (e[0], e[1]),
    )
    blocks: list[Block] = []
    current: list[str] = []
    started = 0.0
    last_end: float | None = None

    def close() -> None:
        nonlocal current
        if current:
            blocks.append(Block("speech", " ".join(current), started))
            current = []

    for start, _, kind, cue in events:
        text = cue_text(cue, code)
        if not text:
            continue
        if kind == "description":
            close()
            blocks.append(Block("description", f"[{text}]", start))
            continue
        pause = last_end is not None and start - last_end >= PARAGRAPH_PAUSE
        full = len(current) >= PARAGRAPH_CUES and current and SENTENCE_END.search(current[-1])
        if pause or full:
            close()
        if not current:
            started = start
        current.append(text)
        last_end = cue.end
    close()
    return blocks


def _descriptions(lang: LanguageConfig, project: Project) -> tuple[Cue, ...]:
    if lang.descriptions is None:
        return ()
    return load_cues(replace(lang, subtitles=lang.descriptions), project).cues


def plain_text(title: str, blocks: list[Block]) -> str:
    return title + "\n\n" + "\n\n".join(b.text for b in blocks) + "\n"


def write_transcripts(staging: Path, manifest: dict[str, Any], project: Project) -> dict[str, Any]:
    """Write every language's transcript pair into staging; the manifest with `languages[].transcript`."""
    env = environment()
    template = env.get_template("transcript.html")
    folder = staging / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    languages = []
    for entry in manifest["languages"]:
        code = entry["code"]
        lang = project.language(code)
        t = translator(project, code)
        blocks = paragraphs(load_cues(lang, project).cues, _descriptions(lang, project), code)
        title = entry["title"]
        html_path, text_path = folder / f"{code}.html", folder / f"{code}.txt"
        title_lang = code if entry.get("titleTranslated", True) else project.film.source_language
        html = template.render(
            code=code,
            direction=entry["direction"],
            title=title,
            title_lang=title_lang,
            label=t(TRANSCRIPT_LABEL),
            label_lang=code if t.lookup(TRANSCRIPT_LABEL) or code == project.film.source_language else "en",
            blocks=blocks,
            kind=lang.kind,
            text_url=f"{code}.txt",
        )
        html_path.write_text(html, encoding="utf-8", newline="\n")
        text_path.write_text(plain_text(title, blocks), encoding="utf-8", newline="\n")
        html_facts, text_facts = file_facts(html_path), file_facts(text_path)
        transcript = {
            "url": f"{FOLDER}/{code}.html",
            "mimeType": "text/html",
            "bytes": html_facts.bytes,
            "sha256": html_facts.sha256,
            "text": {
                "url": f"{FOLDER}/{code}.txt",
                "mimeType": "text/plain",
                "bytes": text_facts.bytes,
                "sha256": text_facts.sha256,
            },
        }
        languages.append({**entry, "transcript": transcript})
    return {**manifest, "languages": languages}
