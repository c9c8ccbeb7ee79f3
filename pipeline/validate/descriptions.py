"""Audio description inputs: text descriptions (`descriptions`) and a described mix (`described_audio`).

Descriptions are read and checked like subtitles (encoding, parsing, timing, reading speed,
lines), and each is compared with the language's own audio: a description belongs in a pause
of the narration, so one that overlaps speech (where the audio is not silent, see
`Measure.pauses`) is DESC_SPEECH_OVERLAP, a warning. The described mix is checked like a dub.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.findings import Finding
from pipeline.project import LanguageConfig, Project
from pipeline.subtitles.model import clock
from pipeline.subtitles.reader import read_subtitles
from pipeline.validate.context import Context
from pipeline.validate.media import MasterFacts, Measure, check_dub
from pipeline.validate.rules import check_subtitles

OVERLAP_TOLERANCE = 0.25  # seconds of speech a description may touch (fades, breaths)


def speech_in(start: float, end: float, pauses: tuple[tuple[float, float], ...]) -> float:
    """Seconds of [start, end] that are not inside a pause."""
    quiet = sum(max(0.0, min(end, b) - max(start, a)) for a, b in pauses)
    return max(0.0, (end - start) - quiet)


def check_descriptions(
    project: Project, lang: LanguageConfig, master: MasterFacts, audio: Measure | None
) -> list[Finding]:
    """The descriptions file of one language: read, the subtitle rules, and overlap with speech."""
    assert lang.descriptions is not None
    shown = project.relative(lang.descriptions)
    doc, findings = read_subtitles(lang.descriptions, lang.code, shown)
    if doc is None:
        return findings
    ctx = Context(
        lang=lang,
        doc=doc,
        file=shown,
        fps=master.fps,
        master_duration=master.duration,
        garbled_cues=frozenset(f.cue for f in findings if f.code == "SUB_MOJIBAKE" and f.cue),
    )
    findings += check_subtitles(ctx)
    if audio is None or audio.probe is None or audio.decoded_seconds is None:
        return findings
    pauses = audio.pauses()
    for cue in doc.cues:
        if cue.end <= cue.start:
            continue
        spoken = speech_in(cue.start, cue.end, pauses)
        if spoken > OVERLAP_TOLERANCE:
            findings.append(
                Finding(
                    "DESC_SPEECH_OVERLAP",
                    "warning",
                    f"description {cue.index} ({clock(cue.start)}–{clock(cue.end)}) overlaps speech for "
                    f"{spoken:.1f} s of its {cue.end - cue.start:.1f} s",
                    "move it into a pause of the narration, or shorten it, so it does not talk over the film",
                    language=lang.code,
                    file=shown,
                    line=cue.line,
                    cue=cue.index,
                    time=cue.start,
                )
            )
    return findings


def check_described_audio(project: Project, lang: LanguageConfig, m: Measure, master: MasterFacts) -> list[Finding]:
    """The described mix, checked as a dub is (readable, the film's length, not silent, not clipped)."""
    assert lang.described_audio is not None
    shown = project.relative(lang.described_audio)
    as_dub = replace(lang, audio=lang.described_audio)
    whose = f"the {lang.profile.name} described mix"

    def renamed(message: str) -> str:
        message = message.replace(f"the {lang.profile.name} dub", whose)
        return message if whose in message else message.replace(shown, f"{whose} {shown}", 1)

    return [
        replace(
            f,
            message=renamed(f.message),
            hint=f.hint.replace(f"'audio' in [languages.{lang.code}]", f"'described_audio' in [languages.{lang.code}]"),
        )
        for f in check_dub(as_dub, m, master, shown)
    ]
