"""Media checks: the master and every dub, measured with ffprobe and one ffmpeg pass per file.

The pass decodes everything (`-f null`), so decoder errors and a truncated file show, and runs
the audio through `ebur128` (integrated loudness, true peak) and `silencedetect` on the way.
Measurements are cached by content hash (cache.py); findings are derived from them each run,
so changed limits apply without measuring again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

from pipeline import ffmpeg
from pipeline.errors import FfmpegError
from pipeline.findings import Finding
from pipeline.probe import MediaFacts, facts_from_json
from pipeline.project import LanguageConfig, Project
from pipeline.subtitles.model import clock
from pipeline.validate.cache import MeasureCache
from pipeline.validate.flashes import KINDS as FLASH_KINDS
from pipeline.validate.flashes import FlashMeter, FlashSpan, analysis_size, matrix_for

MEASURE_VERSION = 2  # bump when what `measure` stores changes (2: flashes, silence spans)
SILENCE_NOISE_DB = -50  # quieter than this counts as silence …
SILENCE_MIN_SECONDS = 0.5  # … when it lasts at least this long
SILENT_LUFS = -60.0  # integrated loudness at or below this: silent throughout
MAX_SILENT_SHARE = 0.5
DURATION_ERROR_SECONDS = 0.5
MIN_MASTER_SIDE = 16  # pixels: below one H.264 macroblock a side there is no picture to publish
TRUNCATION_TOLERANCE = 0.5  # decoding may stop this much short of the container's duration
STANDARD_FPS = (Fraction(24000, 1001), 24, 25, Fraction(30000, 1001), 30, 48, 50, Fraction(60000, 1001), 60)
FPS_TOLERANCE = 0.01
VFR_TOLERANCE = 0.01  # relative difference of average and base frame rate
FALLBACK_FPS = 25.0
MAX_ERRORS_SHOWN = 2

_LEVEL_ERROR = re.compile(r"\[(?:error|fatal|panic)\]\s*(.*)")
_INTEGRATED = re.compile(r"^\s*I:\s*(-?[\d.]+|-inf|inf)\s*LUFS", re.M)
_PEAK = re.compile(r"^\s*Peak:\s*(-?[\d.]+|-inf|inf)\s*dBFS", re.M)
_SILENCE_START = re.compile(r"(?<!\| )silence_start:\s*(-?[\d.]+)")
_SILENCE_END = re.compile(r"(?<!\| )silence_end:\s*(-?[\d.]+)")
# The voice band's silencedetect runs per channel (mono=1) on a mono mix, so its lines read
# "channel: 0 | silence_start: …" and are told apart from the whole band's.
_VOICE_START = re.compile(r"channel: 0 \| silence_start:\s*(-?[\d.]+)")
_VOICE_END = re.compile(r"channel: 0 \| silence_end:\s*(-?[\d.]+)")
# Pauses in speech under a music bed: pads, bass and soft melody sit below ~2.5 kHz, while a
# voice's consonants and upper formants reach above it. Steep high-pass, then silencedetect.
VOICE_BAND = "pan=mono|c0=0.5*c0+0.5*c1,highpass=f=2500,highpass=f=2500,highpass=f=2500"
PAUSE_MIN_SECONDS = 0.4


@dataclass(frozen=True)
class Measure:
    """What one file is: ffprobe's JSON (or why it could not be read) and one decoding pass."""

    probe: dict | None
    unreadable: str | None = None  # ffprobe's complaint when it cannot read the file
    decode_errors: tuple[str, ...] = ()
    decoded_seconds: float | None = None
    integrated_lufs: float | None = None
    true_peak_dbtp: float | None = None
    silence_seconds: float = 0.0
    silences: tuple[tuple[float, float], ...] = ()  # (start, end) of every silence, whole band
    voice_silences: tuple[tuple[float, float], ...] = ()  # the same in the voice band (see VOICE_BAND)
    flashes: tuple[tuple[str, float, float], ...] = ()  # (kind, start, end): WCAG 2.3.1 failures
    flash_frames: int = 0  # frames the flash check looked at (0: not checked)

    def facts(self, path: Path) -> MediaFacts | None:
        return facts_from_json(path, self.probe) if self.probe is not None else None

    def to_json(self) -> dict:
        data = asdict(self)
        data["decode_errors"] = list(self.decode_errors)
        for key in ("silences", "voice_silences", "flashes"):
            data[key] = [list(item) for item in getattr(self, key)]
        return data

    @classmethod
    def from_json(cls, data: object) -> Measure:
        """A cached measurement; ValueError or TypeError when it is not what to_json wrote."""
        if not isinstance(data, dict) or set(data) - set(cls.__dataclass_fields__):
            raise ValueError("not a measurement")
        if not isinstance(data.get("probe"), (dict, type(None))) or not isinstance(
            data.get("unreadable"), (str, type(None))
        ):
            raise ValueError("a measurement of the wrong shape")
        for key in ("decoded_seconds", "integrated_lufs", "true_peak_dbtp", "silence_seconds", "flash_frames"):
            if not isinstance(data.get(key, 0), (int, float, type(None))) or isinstance(data.get(key), bool):
                raise ValueError(f"a measurement whose {key} is not a number")
        if not all(isinstance(e, str) for e in data.get("decode_errors") or ()):
            raise ValueError("decode errors that are not text")
        data = dict(data)
        data["decode_errors"] = tuple(data.get("decode_errors") or ())
        for key in ("silences", "voice_silences"):
            data[key] = tuple((float(a), float(b)) for a, b in data.get(key) or ())
        data["flashes"] = tuple((str(k), float(a), float(b)) for k, a, b in data.get("flashes") or ())
        return cls(**data)

    def pauses(self) -> tuple[tuple[float, float], ...]:
        """Where nobody speaks: the whole band's silences, or, when a music bed leaves no silence
        at all, the voice band's."""
        return self.silences if self.silences else self.voice_silences


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _last_line(text: str) -> str:
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    return lines[-1] if lines else "no message"


Progress = Callable[[float, float], None]  # (seconds decoded, seconds in the file)


def _spans(err: str, starts_re: re.Pattern[str], ends_re: re.Pattern[str], end: float) -> list[tuple[float, float]]:
    starts = [float(m.group(1)) for m in starts_re.finditer(err)]
    ends = [float(m.group(1)) for m in ends_re.finditer(err)]
    return [(max(0.0, a), ends[n] if n < len(ends) else end) for n, a in enumerate(starts)]


def _analyse(
    path: Path,
    has_audio: bool,
    duration: float,
    on_progress: Progress | None = None,
    video: tuple[int, int, float, str] | None = None,
) -> dict:
    """One ffmpeg pass: decode every stream, audio through ebur128 and silencedetect (whole band
    and voice band); with `video` (width, height, fps, matrix), small frames for the flash check too."""
    args = ["-loglevel", "level+info", "-i", str(path)]
    if has_audio:
        whole = f"ebur128=peak=true:framelog=verbose,silencedetect=noise={SILENCE_NOISE_DB}dB:d={SILENCE_MIN_SECONDS}"
        voice = f"{VOICE_BAND},silencedetect=mono=1:noise={SILENCE_NOISE_DB}dB:d={PAUSE_MIN_SECONDS},anullsink"
        args += ["-af", f"asplit=2[whole][voice];[voice]{voice};[whole]{whole}"]
    args += ["-f", "null", "-"]
    meter: FlashMeter | None = None
    tap = None
    if video is not None:
        width, height = analysis_size(video[0], video[1])
        meter = FlashMeter(width, height, video[2], video[3])
        tap = ffmpeg.FrameTap(meter.frame_bytes, meter.feed)
        args += [
            "-map",
            "0:v:0",
            "-an",
            "-sn",
            "-vf",
            f"scale={width}:{height}:flags=neighbor",
            "-pix_fmt",
            "yuv444p",
            "-f",
            "rawvideo",
            ffmpeg.FRAMES_OUTPUT,
        ]
    report = (lambda done: on_progress(done, duration)) if on_progress else None
    try:
        decoded, err = ffmpeg.analyse(args, what=f"decoding {path.name}", on_progress=report, tap=tap)
    except FfmpegError as exc:
        return {"decode_errors": [_last_line(exc.stderr_tail)]}
    errors = []
    for line in err.splitlines():
        match = _LEVEL_ERROR.search(line)
        if match:
            errors.append(match.group(1).strip())
    result: dict = {"decode_errors": errors, "decoded_seconds": decoded}
    if has_audio:
        summary = err[err.rfind("Summary:") :] if "Summary:" in err else ""
        i_match, p_match = _INTEGRATED.search(summary), _PEAK.search(summary)
        result["integrated_lufs"] = _float(i_match.group(1)) if i_match else None
        result["true_peak_dbtp"] = _float(p_match.group(1)) if p_match else None
        end = decoded or duration
        silences = _spans(err, _SILENCE_START, _SILENCE_END, end)
        result["silence_seconds"] = sum(max(0.0, b - a) for a, b in silences)
        result["silences"] = tuple(silences)
        result["voice_silences"] = tuple(_spans(err, _VOICE_START, _VOICE_END, end))
    if meter is not None:
        result["flashes"] = tuple((s.kind, s.start, s.end) for s in meter.spans())
        result["flash_frames"] = meter.frames
    return result


def measure(path: Path, cache: MeasureCache, on_progress: Progress | None = None) -> Measure:
    """Probe and decode one media file once; the result is cached by the file's content hash."""
    digest = cache.content_hash(path)
    kind = f"media-v{MEASURE_VERSION}"
    cached = cache.get(kind, digest)
    if cached is not None:
        try:
            return Measure.from_json(cached)
        except (TypeError, ValueError):
            pass  # a damaged or foreign cache entry: measure again
    try:
        data = ffmpeg.probe(path)
    except FfmpegError as exc:
        result = Measure(probe=None, unreadable=_last_line(exc.stderr_tail))
    except json.JSONDecodeError:
        result = Measure(probe=None, unreadable="ffprobe's answer was not readable")
    else:
        facts = facts_from_json(path, data)
        if facts.video is None and facts.audio is None:
            result = Measure(probe=data)
        else:
            video = None
            if facts.video is not None and min(facts.video.width, facts.video.height) >= MIN_MASTER_SIDE:
                fps = float(facts.video.fps or facts.video.r_fps or FALLBACK_FPS)
                stream: dict = next((s for s in data.get("streams", []) if s.get("codec_type") == "video"), {})
                matrix = matrix_for(facts.video.height, stream.get("color_space"))
                video = (facts.video.width, facts.video.height, fps, matrix)
            result = Measure(probe=data, **_analyse(path, facts.audio is not None, facts.duration, on_progress, video))
    cache.put(kind, digest, result.to_json())
    return result


# --------------------------------------------------------------------------- findings


def _fps_is_standard(fps: Fraction) -> bool:
    return any(abs(float(fps) - float(std)) <= FPS_TOLERANCE for std in STANDARD_FPS)


@dataclass(frozen=True)
class MasterFacts:
    """What the subtitle and audio checks need from the master."""

    fps: float
    duration: float | None
    readable: bool


def _unreadable_reason(m: Measure, path: Path) -> str:
    """ffprobe's reason without the path it puts first ('/abs/x.m4a: End of file' -> 'End of file'):
    the path is absolute, and the cache (keyed by content) may hold another copy's path."""
    try:
        if path.stat().st_size == 0:
            return "the file is empty (0 bytes)"
    except OSError:
        pass
    reason = m.unreadable or "no message"
    head, sep, tail = reason.rpartition(": ")
    return tail if sep and (head.startswith(("/", "\\")) or ":\\" in head or path.name in head) else reason


def stream_seconds(facts: MediaFacts, kind: str) -> float | None:
    """The first video or audio stream's own duration (a container may outlast a stream)."""
    for stream in facts.raw.get("streams") or ():
        if isinstance(stream, dict) and stream.get("codec_type") == kind:
            if (
                kind == "video"
                and isinstance(stream.get("disposition"), dict)
                and stream["disposition"].get("attached_pic")
            ):
                continue
            try:
                seconds = float(stream["duration"])
            except (KeyError, TypeError, ValueError):
                return None
            return seconds if seconds == seconds and seconds >= 0 else None
    return None


def check_master_shape(
    video_w: int, video_h: int, picture: float | None, sound: float | None, shown: str
) -> list[Finding]:
    """MASTER_TOO_SMALL and MASTER_VIDEO_SHORT: masters the build could not make a film of."""
    findings = []
    if min(video_w, video_h) < MIN_MASTER_SIDE:
        findings.append(
            Finding(
                "MASTER_TOO_SMALL",
                "error",
                f"the master {shown} is {video_w}x{video_h} pixels: too small to make a film from "
                f"(at least {MIN_MASTER_SIDE}x{MIN_MASTER_SIDE})",
                "point 'master' in film.toml at the film itself, exported at its full size",
                file=shown,
            )
        )
    if picture is not None and sound is not None and sound - picture > DURATION_ERROR_SECONDS:
        findings.append(
            Finding(
                "MASTER_VIDEO_SHORT",
                "error",
                f"the master {shown}'s picture lasts {picture:.2f} s but its sound lasts {sound:.2f} s: "
                f"the film would end after {picture:.2f} s, cutting the sound off",
                "export the master again so picture and sound run the whole length of the film",
                file=shown,
                time=picture,
            )
        )
    return findings


def check_master(project: Project, m: Measure) -> tuple[list[Finding], MasterFacts]:
    path = project.film.master
    shown = project.relative(path)
    unknown = MasterFacts(FALLBACK_FPS, None, False)

    def finding(code: str, severity: str, message: str, hint: str) -> Finding:
        return Finding(code, severity, message, hint, file=shown)

    if m.probe is None:
        return [
            finding(
                "MASTER_UNREADABLE",
                "error",
                f"the master {shown} cannot be read: {_unreadable_reason(m, path)}",
                "is it a complete video file? Export the film again, or point 'master' in film.toml at the right file",
            )
        ], unknown
    facts = m.facts(path)
    assert facts is not None
    if facts.video is None:
        return [
            finding(
                "MASTER_UNREADABLE",
                "error",
                f"the master {shown} has no video stream",
                "point 'master' in film.toml at the film itself, not an audio or subtitle file",
            )
        ], unknown
    video = facts.video
    picture = stream_seconds(facts, "video")
    findings: list[Finding] = check_master_shape(
        video.width, video.height, picture, stream_seconds(facts, "audio"), shown
    )
    truncated = (
        m.decoded_seconds is not None
        and facts.duration > 0
        and m.decoded_seconds < facts.duration - TRUNCATION_TOLERANCE
    )
    if m.decode_errors or truncated:
        where = f"decoding stops at {clock(m.decoded_seconds or 0)} of {clock(facts.duration)}; " if truncated else ""
        shown_errors = "; ".join(list(dict.fromkeys(m.decode_errors))[:MAX_ERRORS_SHOWN])
        more = f" ({len(m.decode_errors)} errors in all)" if len(m.decode_errors) > MAX_ERRORS_SHOWN else ""
        findings.append(
            finding(
                "MASTER_DECODE",
                "error",
                f"the master {shown} does not decode cleanly: {where}{shown_errors or 'the file ends early'}{more}",
                "the file is truncated or damaged (an interrupted copy or export?): copy or export it again",
            )
        )
    top = max(project.output.ladder)
    if video.height < top:
        findings.append(
            finding(
                "MASTER_RESOLUTION",
                "warning",
                f"the master is {video.width}x{video.height}, smaller than the top ladder rung ({top}p); rungs above {video.height}p are left out",
                f"use a master of at least {top} lines, or drop the larger rungs from 'ladder' in [output]",
            )
        )
    fps = video.fps
    if fps and video.r_fps and abs(float(fps) - float(video.r_fps)) > VFR_TOLERANCE * float(video.r_fps):
        findings.append(
            finding(
                "MASTER_FRAME_RATE",
                "warning",
                f"the master has a variable frame rate (average {float(fps):.3f} fps, base {float(video.r_fps):.3f} fps)",
                "export the master at a constant frame rate (e.g. 25 fps) so subtitle timings and segments line up",
            )
        )
    elif fps and not _fps_is_standard(fps):
        findings.append(
            finding(
                "MASTER_FRAME_RATE",
                "warning",
                f"the master runs at an unusual {float(fps):.3f} fps",
                "export it at a standard rate (23.976, 24, 25, 29.97, 30, 50 or 60 fps)",
            )
        )
    findings += check_flashes(m, shown)
    rate = float(fps) if fps else FALLBACK_FPS
    return findings, MasterFacts(rate, picture if picture is not None else facts.duration, True)  # as the build cuts


def check_flashes(m: Measure, shown: str) -> list[Finding]:
    """MASTER_FLASHES: WCAG 2.3.1, one finding per threshold crossed, naming every time span."""
    findings = []
    spans = [FlashSpan(k, a, b) for k, a, b in m.flashes]
    for kind, name in FLASH_KINDS.items():
        mine = [s for s in spans if s.kind == kind]
        if not mine:
            continue
        times = ", ".join(f"{clock(s.start)}–{clock(s.end)}" for s in mine)
        what = "flashes" if kind == "general" else "flashes saturated red"
        findings.append(
            Finding(
                "MASTER_FLASHES",
                "error",
                f"the master {shown} {what} more than three times in one second over a large part of the "
                f"picture ({name} of WCAG 2.3.1) at {times}",
                "flashing like this can cause seizures: edit these parts so they flash at most three times a "
                "second, or over a much smaller area, and export the master again",
                file=shown,
                time=mine[0].start,
            )
        )
    return findings


def check_audio_levels(m: Measure, *, language: str | None, shown: str, whose: str) -> list[Finding]:
    """AUDIO_SILENCE and AUDIO_CLIPPING from one measurement (a dub or the master's own audio)."""
    findings: list[Finding] = []
    facts = m.facts(Path(shown))
    duration = m.decoded_seconds or (facts.duration if facts else 0.0)
    if m.integrated_lufs is None or m.integrated_lufs <= SILENT_LUFS:
        findings.append(
            Finding(
                "AUDIO_SILENCE",
                "warning",
                f"{whose} is silent throughout",
                "is this the right file? Export the mix again with its sound",
                language=language,
                file=shown,
            )
        )
    elif duration and m.silence_seconds > MAX_SILENT_SHARE * duration:
        findings.append(
            Finding(
                "AUDIO_SILENCE",
                "warning",
                f"{whose} is silent for {m.silence_seconds:.1f} s of {duration:.1f} s",
                "check that the whole dub is there (a missing stem or an unfinished export?)",
                language=language,
                file=shown,
            )
        )
    if m.true_peak_dbtp is not None and m.true_peak_dbtp > 0.0:
        findings.append(
            Finding(
                "AUDIO_CLIPPING",
                "warning",
                f"{whose} peaks at {m.true_peak_dbtp:+.1f} dBTP, above 0 dBTP: it clipped before it reached filmpipe",
                "ask for a mix that peaks below -1 dBTP; normalising cannot undo clipping",
                language=language,
                file=shown,
            )
        )
    return findings


def check_dub(lang: LanguageConfig, m: Measure, master: MasterFacts, shown: str) -> list[Finding]:
    assert lang.audio is not None
    if m.probe is None:
        return [
            Finding(
                "AUDIO_UNREADABLE",
                "error",
                f"{shown} cannot be read: {_unreadable_reason(m, lang.audio)}",
                "export the dub again as M4A/AAC, WAV or MP3",
                language=lang.code,
                file=shown,
            )
        ]
    facts = m.facts(lang.audio)
    assert facts is not None
    if facts.audio is None:
        return [
            Finding(
                "AUDIO_UNREADABLE",
                "error",
                f"{shown} has no audio stream",
                f"point 'audio' in [languages.{lang.code}] at the dubbed mix",
                language=lang.code,
                file=shown,
            )
        ]
    findings: list[Finding] = []
    if m.decode_errors:
        findings.append(
            Finding(
                "AUDIO_UNREADABLE",
                "error",
                f"{shown} does not decode cleanly: {'; '.join(list(dict.fromkeys(m.decode_errors))[:MAX_ERRORS_SHOWN])}",
                "the file is truncated or damaged: export or copy it again",
                language=lang.code,
                file=shown,
            )
        )
    if master.duration is not None:
        diff = facts.duration - master.duration
        frame = 1 / master.fps
        if abs(diff) > frame:
            severity = "error" if abs(diff) > DURATION_ERROR_SECONDS else "warning"
            way = "longer" if diff > 0 else "shorter"
            findings.append(
                Finding(
                    "AUDIO_DURATION",
                    severity,
                    f"{shown} lasts {facts.duration:.2f} s, {abs(diff):.2f} s {way} than the master ({master.duration:.2f} s)",
                    "the dub must run the length of the film: is it for this cut? It is padded or trimmed to fit, which "
                    "can cut off or shift speech"
                    if severity == "warning"
                    else "the dub must run the length of the film: ask for a mix of this cut",
                    language=lang.code,
                    file=shown,
                )
            )
    findings += check_audio_levels(m, language=lang.code, shown=shown, whose=f"the {lang.profile.name} dub {shown}")
    return findings
