"""Small facts every render task needs: the master's exact duration and frame rate, rung sizes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import codecs, ffmpeg
from pipeline.errors import ConfigError
from pipeline.probe import MediaFacts

if TYPE_CHECKING:
    from pipeline.engine.model import PlanContext

SAFE_COMPONENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def master_fps(master: MediaFacts) -> Fraction:
    """The master's frame rate (average), 25 when ffprobe cannot tell."""
    if master.video is None or not master.video.fps:
        return Fraction(25)
    return master.video.fps.limit_denominator(1001)


def master_duration(master: MediaFacts) -> float:
    """The master's duration as its video stream has it (the container may add audio's tail)."""
    for stream in master.raw.get("streams", []):
        if stream.get("codec_type") == "video" and not stream.get("disposition", {}).get("attached_pic"):
            try:
                return float(stream["duration"])
            except (KeyError, ValueError, TypeError):
                break
    if master.video and master.video.frames and master.video.fps:
        return float(master.video.frames / master.video.fps)
    return master.duration


def rung_width(master: MediaFacts, height: int) -> int:
    """Even width that keeps the master's display aspect (display matrix and SAR applied) at `height`."""
    return master.display_width(height)


def safe_component(text: str, what: str) -> str:
    """A value used as one path component of an output (language code, film id), checked."""
    if not SAFE_COMPONENT.match(text) or text in (".", ".."):
        raise ConfigError(
            f"{what} '{text}' cannot be used in a file name",
            "use letters, digits and hyphens only",
        )
    return text


def seconds_progress(report: Callable[[float], None], total: float, start: float = 0.0, end: float = 1.0):
    """An ffmpeg on_progress callback (seconds done) mapped onto [start, end] of a task's progress."""

    def on_progress(seconds: float) -> None:
        fraction = min(max(seconds / total, 0.0), 1.0) if total > 0 else 0.0
        report(start + (end - start) * fraction)

    return on_progress


def fmt_number(value: float) -> str:
    """A float for a filter argument: plain decimal, never exponent or locale-dependent."""
    return f"{value:.6f}".rstrip("0").rstrip(".") if value == value else "0"


def film_title(context: PlanContext, code: str) -> str:
    """The film's title in one language (the source title where the catalog has none): the MP4 `title` tag."""
    from pipeline.locales import translator

    project = context.project
    return translator(project, code)(project.film.title)


@dataclass(frozen=True)
class EncodedVideo:
    """What the manifest says of an MP4 a task wrote, as ffprobe reads it back."""

    width: int
    height: int
    codecs: str  # RFC 6381, video then audio, e.g. "avc1.64001f,mp4a.40.2"
    seconds: float
    bitrate_kbps: int | None


def probe_video(path: Path, fallback_seconds: float) -> EncodedVideo:
    """Read back an MP4 just written: its picture size, codec strings, duration (the container's,
    else `fallback_seconds`) and average bitrate."""
    facts = ffmpeg.probe(path)
    streams = facts.get("streams", [])
    video = next(x for x in streams if x.get("codec_type") == "video")
    sound: dict[str, Any] = next((x for x in streams if x.get("codec_type") == "audio"), {})
    seconds = float(facts["format"].get("duration") or fallback_seconds)
    size = path.stat().st_size
    return EncodedVideo(
        width=int(video["width"]),
        height=int(video["height"]),
        codecs=codecs.join(codecs.from_stream(video), codecs.from_stream(sound)),
        seconds=seconds,
        bitrate_kbps=round(size * 8 / seconds / 1000) if seconds else None,
    )


def mp4_tags(iso639_2: str, title: str = "", *, default_audio: bool = True) -> list[str]:
    """The output options of every published MP4 that say what is in it: nothing copied from the
    inputs' metadata, the film's title when given, the picture language-neutral ("und"), the
    sound in the language (ISO 639-2), the sound marked default, and the index at the front
    (+faststart) so playback starts before the download ends."""
    return [
        "-map_metadata",
        "-1",
        *(["-metadata", f"title={title}"] if title else []),
        "-metadata:s:v:0",
        "language=und",
        "-metadata:s:a:0",
        f"language={iso639_2}",
        *(["-disposition:a:0", "default"] if default_audio else []),
        "-movflags",
        "+faststart",
    ]


def png_frame(out: Path | str) -> list[str]:
    """Output options writing the one frame an output gets as a PNG file at `out` (QC frames)."""
    return ["-frames:v", "1", "-update", "1", "-f", "image2", "-c:v", "png", str(out)]
