"""The cue model every subtitle format is read into."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def clock(seconds: float, separator: str = ".") -> str:
    """`HH:MM:SS.mmm`, rounded to the millisecond, never negative (12.48 -> '00:00:12.480').

    WebVTT's timestamp form, and how findings name a time; SRT's with `separator=","`.
    """
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{separator}{ms:03d}"


@dataclass(frozen=True)
class Cue:
    index: int  # 1-based position in the file (not the number written in it)
    start: float  # seconds
    end: float  # seconds
    lines: tuple[str, ...]  # text lines as written (markup included), NFC not yet applied
    line: int  # 1-based line number of the cue's timing line in the source file

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class SubtitleDoc:
    path: Path
    format: str  # "srt" or "vtt"
    encoding: str  # what the bytes were decoded as, e.g. "utf-8", "utf-8-sig", "cp1250"
    cues: tuple[Cue, ...]
