"""ffprobe JSON -> typed media facts."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from pipeline import ffmpeg


@dataclass(frozen=True)
class VideoStream:
    codec: str
    width: int
    height: int
    fps: Fraction  # avg_frame_rate (r_frame_rate when avg is unknown)
    r_fps: Fraction  # r_frame_rate: differs from fps for variable frame rate
    profile: str | None
    level: int | None
    pix_fmt: str | None
    frames: int | None

    @property
    def frame_duration(self) -> float:
        return float(1 / self.fps) if self.fps else 1 / 25


@dataclass(frozen=True)
class AudioStream:
    codec: str
    sample_rate: int
    channels: int
    profile: str | None
    language: str | None


@dataclass(frozen=True)
class MediaFacts:
    path: Path
    duration: float  # seconds (the container's, else the longest stream's)
    format_name: str
    bit_rate: int | None
    video: VideoStream | None
    audio: AudioStream | None
    raw: dict


def _fraction(text: str | None) -> Fraction:
    try:
        value = Fraction(text or "0")
    except (ValueError, ZeroDivisionError):
        return Fraction(0)
    return value


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def facts_from_json(path: Path, data: dict) -> MediaFacts:
    streams = data.get("streams", [])
    fmt = data.get("format", {})
    video = audio = None
    durations = []
    for s in streams:
        if s.get("duration") is not None:
            try:
                durations.append(float(s["duration"]))
            except ValueError:
                pass
        if s.get("codec_type") == "video" and video is None and not s.get("disposition", {}).get("attached_pic"):
            avg, r = _fraction(s.get("avg_frame_rate")), _fraction(s.get("r_frame_rate"))
            video = VideoStream(
                codec=s.get("codec_name", "?"),
                width=int(s.get("width") or 0),
                height=int(s.get("height") or 0),
                fps=avg or r,
                r_fps=r or avg,
                profile=s.get("profile"),
                level=_int(s.get("level")),
                pix_fmt=s.get("pix_fmt"),
                frames=_int(s.get("nb_frames")),
            )
        elif s.get("codec_type") == "audio" and audio is None:
            audio = AudioStream(
                codec=s.get("codec_name", "?"),
                sample_rate=int(s.get("sample_rate") or 0),
                channels=int(s.get("channels") or 0),
                profile=s.get("profile"),
                language=(s.get("tags") or {}).get("language"),
            )
    try:
        duration = float(fmt["duration"])
    except (KeyError, ValueError):
        duration = max(durations, default=0.0)
    return MediaFacts(
        path=path,
        duration=duration,
        format_name=fmt.get("format_name", "?"),
        bit_rate=_int(fmt.get("bit_rate")),
        video=video,
        audio=audio,
        raw=data,
    )


def probe_media(path: Path) -> MediaFacts:
    """Probe a file; raises FfmpegError when ffprobe cannot read it."""
    return facts_from_json(path, ffmpeg.probe(path))
