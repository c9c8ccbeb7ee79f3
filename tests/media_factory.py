"""Tiny test media, each made once per test session per set of parameters (not a test module).

Every test master and every test tone is made here, by ONE ffmpeg invocation shape (lavfi
`testsrc2` or a solid colour, a `sine`; x264 ultrafast yuv420p, AAC stereo), so two modules
that ask for the same master share one file instead of encoding their own. The session's
factory is the `media` fixture (tests/conftest.py); `tiny_master(...)` and `tiny_tone(...)`
give a path in a session temp folder, made on first request. Callers copy the file when they
need it inside a project; nobody may change it in place.

A master's audio is as long as its picture unless `audio_seconds` says otherwise (the picture
is then NOT cut to the sound: that is how a test makes a master whose picture ends early).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from fractions import Fraction
from pathlib import Path

FFMPEG = ("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y")


def run_ffmpeg(*args: str) -> None:
    """ffmpeg quietly, raising on failure (test set-up only: the pipeline runs ffmpeg through pipeline.ffmpeg)."""
    subprocess.run([*FFMPEG, *args], check=True)


class MediaFactory:
    """Makes and remembers tiny masters and tones under `root` (one session temp folder)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: dict[str, Path] = {}

    def _path(self, kind: str, suffix: str, params: dict[str, object]) -> tuple[Path, bool]:
        key = json.dumps([kind, params], sort_keys=True)
        if key in self._made:
            return self._made[key], True
        digest = hashlib.sha256(key.encode()).hexdigest()[:12]
        path = self.root / f"{kind}-{digest}{suffix}"
        self._made[key] = path
        return path, False

    def master(
        self,
        width: int = 320,
        height: int = 180,
        fps: int | str = 25,
        duration: float = 3.0,
        rotation: int | None = None,
        audio: bool = True,
        *,
        colour: str | None = None,
        video_filter: str | None = None,
        vfr: bool = False,
        frequency: int = 440,
        audio_filter: str | None = None,
        audio_seconds: float | None = None,
    ) -> Path:
        """An H.264 + AAC MP4: `testsrc2` (or a solid `colour`, e.g. "0x808080") at width x height
        and `fps` for `duration` s, a `frequency` Hz sine as its sound (none without `audio`).

        `rotation` (90, 180, 270) sets the display matrix as a phone does (on a copy of the
        upright master, which is made and kept too); `video_filter` is applied
        to the picture (e.g. a flashing drawbox), `vfr` keeps a `select` filter's gaps as variable
        frame rate; `audio_filter` follows the sine (e.g. a volume pause).
        """
        fps = str(Fraction(str(fps)))  # 25, "25" and "25/1" are one master
        duration = float(duration)
        audio_seconds = None if audio_seconds is None else float(audio_seconds)
        params = dict(locals())
        del params["self"]
        path, known = self._path("master", ".mp4", params)
        if known:
            return path
        if rotation is not None:  # ffmpeg 5.1 writes a display matrix on a stream copy only
            upright = {k: v for k, v in params.items() if k != "rotation"}
            run_ffmpeg(
                "-i", str(self.master(**upright)), "-c", "copy", "-metadata:s:v:0", f"rotate={rotation}", str(path)
            )
            return path
        picture = f"testsrc2=size={width}x{height}" if colour is None else f"color=c={colour}:size={width}x{height}"
        args = ["-f", "lavfi", "-i", f"{picture}:rate={fps}:duration={duration}"]
        sound_seconds = duration if audio_seconds is None else audio_seconds
        if audio:
            tone = f"sine=frequency={frequency}:sample_rate=48000:duration={sound_seconds}"
            args += ["-f", "lavfi", "-i", tone + (f",{audio_filter}" if audio_filter else "")]
        if video_filter:
            args += ["-vf", video_filter]
        if vfr:
            args += ["-fps_mode", "vfr"]
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", str(round(Fraction(fps)))]
        if audio:
            args += ["-c:a", "aac", "-b:a", "96k", "-ac", "2"]
            if audio_seconds is None:
                args += ["-shortest"]
        run_ffmpeg(*args, str(path))
        return path

    def tone(
        self,
        frequency: int = 440,
        duration: float = 3.0,
        *,
        silent: bool = False,
        bitrate: str = "96k",
    ) -> Path:
        """An AAC stereo tone (a dub, a described mix): a `frequency` Hz sine, or silence."""
        duration = float(duration)
        params = dict(locals())
        del params["self"]
        path, known = self._path("tone", ".m4a", params)
        if known:
            return path
        source = "anullsrc=r=48000:cl=stereo" if silent else f"sine=frequency={frequency}:sample_rate=48000"
        run_ffmpeg(
            "-f", "lavfi", "-i", source, "-t", str(duration),
            "-c:a", "aac", "-b:a", bitrate, "-ac", "2", str(path),
        )  # fmt: skip
        return path
