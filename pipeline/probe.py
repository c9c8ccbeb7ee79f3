"""ffprobe JSON -> typed media facts.

Sizes are what a player shows: a video stored 640x360 with a 90° display matrix (a phone's
portrait clip) is 360x640 here, its sample aspect ratio turned with it. ffmpeg applies the
matrix when it decodes (autorotate is on by default), so every filter graph sees the frames
upright and every size planned from these facts matches them.

ffprobe's JSON is read defensively (it may come back from a cache): a field of the wrong type
counts as absent, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from pipeline import ffmpeg


@dataclass(frozen=True)
class VideoStream:
    codec: str
    width: int  # as displayed (the display matrix applied)
    height: int
    fps: Fraction  # avg_frame_rate (r_frame_rate when avg is unknown)
    r_fps: Fraction  # r_frame_rate: differs from fps for variable frame rate
    profile: str | None
    level: int | None
    pix_fmt: str | None
    frames: int | None
    rotation: int = 0  # clockwise degrees the display matrix turns the stored frame: 0, 90, 180, 270
    sar: Fraction = Fraction(1)  # sample aspect ratio as displayed

    @property
    def frame_duration(self) -> float:
        return float(1 / self.fps) if self.fps else 1 / 25

    @property
    def stored_size(self) -> tuple[int, int]:
        return (self.height, self.width) if self.rotation in (90, 270) else (self.width, self.height)


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

    def display_width(self, height: int) -> int:
        """Even width that keeps the display aspect (display matrix and SAR applied) at `height`;
        16:9 when the picture's size is unknown. Every output planned from the master uses it."""
        v = self.video
        if v is None or not v.height or not v.width:
            return round(height * 16 / 9 / 2) * 2
        return max(2, round(height * v.width * v.sar / v.height / 2) * 2)


def _fraction(text: Any) -> Fraction:
    try:
        value = Fraction(str(text or "0").replace(":", "/"))
    except (ValueError, ZeroDivisionError):
        return Fraction(0)
    return value if value >= 0 else Fraction(0)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def rotation(stream: dict) -> int:
    """Clockwise degrees a player turns this stream's frames: 0, 90, 180 or 270.

    From the display matrix side data (ffprobe's `rotation`, counter-clockwise), else the
    older `rotate` tag (clockwise). Angles that are not a multiple of 90 are rounded to one.
    """
    for side in stream.get("side_data_list") or ():
        if isinstance(side, dict) and side.get("side_data_type") == "Display Matrix":
            angle = _float(side.get("rotation"))
            if angle is not None:
                return round(-angle / 90) % 4 * 90
    angle = _float(_dict(stream.get("tags")).get("rotate"))
    return round(angle / 90) % 4 * 90 if angle is not None else 0


def _video(s: dict) -> VideoStream:
    avg, r = _fraction(s.get("avg_frame_rate")), _fraction(s.get("r_frame_rate"))
    turn = rotation(s)
    width, height = max(0, _int(s.get("width")) or 0), max(0, _int(s.get("height")) or 0)
    sar = _fraction(s.get("sample_aspect_ratio") or "1") or Fraction(1)
    if turn in (90, 270):
        width, height, sar = height, width, 1 / sar
    return VideoStream(
        codec=_str(s.get("codec_name")) or "?",
        width=width,
        height=height,
        fps=avg or r,
        r_fps=r or avg,
        profile=_str(s.get("profile")),
        level=_int(s.get("level")),
        pix_fmt=_str(s.get("pix_fmt")),
        frames=_int(s.get("nb_frames")),
        rotation=turn,
        sar=sar,
    )


def facts_from_json(path: Path, data: dict) -> MediaFacts:
    raw_streams = _dict(data).get("streams")
    streams = [s for s in raw_streams if isinstance(s, dict)] if isinstance(raw_streams, list) else []
    fmt = _dict(_dict(data).get("format"))
    video = audio = None
    durations = []
    for s in streams:
        seconds = _float(s.get("duration"))
        if seconds is not None:
            durations.append(seconds)
        kind = s.get("codec_type")
        if kind == "video" and video is None and not _dict(s.get("disposition")).get("attached_pic"):
            video = _video(s)
        elif kind == "audio" and audio is None:
            audio = AudioStream(
                codec=_str(s.get("codec_name")) or "?",
                sample_rate=_int(s.get("sample_rate")) or 0,
                channels=_int(s.get("channels")) or 0,
                profile=_str(s.get("profile")),
                language=_str(_dict(s.get("tags")).get("language")),
            )
    duration = _float(fmt.get("duration"))
    return MediaFacts(
        path=path,
        duration=duration if duration is not None else max(durations, default=0.0),
        format_name=_str(fmt.get("format_name")) or "?",
        bit_rate=_int(fmt.get("bit_rate")),
        video=video,
        audio=audio,
        raw=_dict(data),
    )


def probe_media(path: Path) -> MediaFacts:
    """Probe a file; raises FfmpegError when ffprobe cannot read it."""
    return facts_from_json(path, ffmpeg.probe(path))
