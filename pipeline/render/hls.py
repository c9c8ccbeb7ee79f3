"""HLS: one master playlist carrying every rung, every language's audio and every language's
WebVTT subtitles (task "hls", published under hls/).

ffmpeg only cuts the streams, by stream copy, into fragmented MP4 (its `dash` muxer: an
init.mp4 plus media segments; a video segment is one GOP in one movie fragment, so each
fragment starts with an IDR frame and I-frame playlists can address it: 1 s, 1 s, then 2 s each
(ladder.FIRST_GOP_SECONDS: a short first segment for a fast start); audio segments last 2 s,
SEGMENT_SECONDS). Every playlist is
written here, from what the segments really hold (probed): ffmpeg's own HLS playlists carry
generic rendition names, duplicate the video per subtitle language and lack X-TIMESTAMP-MAP.

Layout (all URIs relative; every rendition folder carries a hash of its files, <hash> below,
pipeline/content_names.py, so it can be cached forever; only master.m3u8 keeps a fixed name):

    hls/master.m3u8
    hls/video/<h>.<hash>/init.mp4, seg-NNNNN.m4s, index.m3u8, iframes.m3u8
    hls/audio/<lang>.<hash>/init.mp4, seg-NNNNN.m4s, index.m3u8
    hls/audio-low/<lang>.<hash>/…     the same at 48 kbit/s, for rungs of 270 lines or fewer (group "aud-low")
    hls/subs/<lang>.<hash>/seg-NNNNN.vtt, index.m3u8

Following Apple's HLS authoring specification: EXT-X-VERSION as each playlist's features need
(RFC 8216 section 7: 6 for media playlists with EXT-X-MAP, 5 for I-frame playlists (EXT-X-MAP,
BYTERANGE), 3 for WebVTT playlists (decimal EXTINF); the master playlist declares the highest
version of the playlists it names, which it and its media must comply with), VOD playlists with
EXT-X-INDEPENDENT-SEGMENTS, target duration from the rounded real segment durations,
BANDWIDTH as the peak segment bit rate (video segment + the most demanding audio segment),
AVERAGE-BANDWIDTH, CODECS (RFC 6381, probed), RESOLUTION, FRAME-RATE, CLOSED-CAPTIONS=NONE,
one audio and one subtitle rendition per language with the language's own name (CLDR),
and one I-frame playlist per rung.

Subtitle segments follow the video segments' boundaries; each carries
`X-TIMESTAMP-MAP=MPEGTS:<first video PTS at 90 kHz>,LOCAL:00:00:00.000`, so a cue at film
time t is shown when the video frame of film time t is.
"""

from __future__ import annotations

import math
import shutil
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

from pipeline import codecs, ffmpeg
from pipeline.content_names import content_address_folder
from pipeline.engine.model import Artifact, PlanContext, Task, TaskOutput, TaskRun
from pipeline.locales import translator
from pipeline.project import LanguageConfig, Project
from pipeline.render import audio, ladder
from pipeline.render.common import master_duration, master_fps, safe_component
from pipeline.subtitles import webvtt
from pipeline.subtitles.reader import load_cues

TASK_ID = "hls"
RECIPE = 7  # 2: EXT-X-VERSION per playlist, as its features need; 3: EXTINF within the film;
# 4: audio init segments carry the language; 5: 2 s segments, a 64 kbit/s audio group, start-up order;
# 6: content-addressed rendition folders (video/720.<hash>/); 7: video cut at every IDR (a 1 s first
# segment, ladder.FIRST_GOP_SECONDS)
PUBLISH_TO = "hls/"
MASTER = "master.m3u8"
MIME = "application/vnd.apple.mpegurl"
# 2 s segments (one GOP each): a player starts after one video and one audio segment, so on a
# 300 kbit/s link the first frame comes after ~0.7 Mbit rather than ~2 Mbit with Apple's 6 s.
SEGMENT_SECONDS = 2
# EXT-X-VERSION: the lowest that each playlist's features need (RFC 8216 section 7).
VERSION_MEDIA = 6  # EXT-X-MAP in a playlist that is not I-frames only
VERSION_IFRAMES = 5  # EXT-X-MAP (5), EXT-X-BYTERANGE and EXT-X-I-FRAMES-ONLY (4)
VERSION_SUBTITLES = 3  # decimal EXTINF durations
VERSION_MASTER = max(VERSION_MEDIA, VERSION_IFRAMES, VERSION_SUBTITLES)  # covers what it names
AUDIO_GROUP = "aud"
SUBTITLE_GROUP = "subs"
INIT = "init.mp4"
MEDIA_PLAYLIST = "index.m3u8"
IFRAME_PLAYLIST = "iframes.m3u8"
# Players without a bandwidth estimate start with the first variant listed (Safari, and hls.js
# when its default estimate fits no rung): list first the best rung that a slow phone's link
# (START_BANDWIDTH) carries, then the rest from the top down.
START_BANDWIDTH = 600_000  # bits/s
# Rungs this high or lower take the 48 kbit/s audio group: 128 kbit/s would be a third of a
# 300 kbit/s link.
LOW_AUDIO_MAX_HEIGHT = 270
AUDIO_LOW_GROUP = "aud-low"
LOW_AUDIO_FOLDER = "audio-low"
# Apple HLS authoring / RFC 8216 CHARACTERISTICS (Uniform Type Identifiers) for accessibility.
CAPTIONS_CHARACTERISTICS = (
    "public.accessibility.transcribes-spoken-dialog,public.accessibility.describes-music-and-sound"
)
DESCRIBED_CHARACTERISTICS = "public.accessibility.describes-video"
DESCRIBED_SUFFIX = "-described"  # hls/audio/<lang>-described/: the described mix
AUDIO_DESCRIPTION_LABEL = "audio description"  # msgid in locales/<lang>/LC_MESSAGES/film.po


# ---------------------------------------------------------------- planning


def plan_tasks(context: PlanContext) -> list[Task]:
    langs = [lang for lang in context.project.languages]
    codes = [safe_component(lang.code, "language code") for lang in langs]
    duration = master_duration(context.master)
    return [
        Task(
            id=TASK_ID,
            title=f"Package HLS ({len(context.ladder)} rungs, {len(codes)} languages)",
            action=package_hls,
            inputs=tuple(lang.subtitles for lang in langs),
            settings={
                "recipe": RECIPE,
                "segmentSeconds": SEGMENT_SECONDS,
                "languages": [
                    {
                        "code": code,
                        "name": lang.profile.native_name,
                        "rtl": lang.profile.is_rtl,
                        "iso639_2": lang.profile.iso639_2,
                        "kind": lang.kind,
                        "describedName": described_name(context.project, lang) if lang.described_audio else None,
                    }
                    for code, lang in zip(codes, langs, strict=False)
                ],
                "source": context.project.film.source_language,
                "heights": list(context.ladder),
            },
            deps=(
                ladder.TASK_ID,
                *(audio.task_id(code) for code in codes),
                *(audio.described_task_id(c) for c, lang in zip(codes, langs, strict=False) if lang.described_audio),
            ),
            publish_to=PUBLISH_TO,
            weight=duration * 0.05 * (len(context.ladder) + len(codes)),
        )
    ]


def described_name(project: Project, lang: LanguageConfig) -> str:
    """The described-audio rendition's NAME in its own language, e.g. "English (audio description)"."""
    label = translator(project, lang.code)(AUDIO_DESCRIPTION_LABEL)
    return f"{lang.profile.native_name} ({label})"


# ---------------------------------------------------------------- what the segments hold


@dataclass(frozen=True)
class Keyframe:
    pts: float
    offset: int  # byte offset of the fragment (moof) that holds it, in its segment file
    length: int  # from the moof to the end of the keyframe's data


@dataclass(frozen=True)
class Segment:
    name: str
    start: float  # presentation time of its first sample (seconds)
    duration: float  # from its first sample to the next segment's (the media it holds)
    bytes: int
    keyframes: tuple[Keyframe, ...] = ()
    shown: float | None = None  # how much of it lies inside the film (EXTINF); None: all of it

    @property
    def bits_per_second(self) -> float:
        return self.bytes * 8 / self.duration if self.duration > 0 else 0.0

    @property
    def extinf(self) -> float:
        return self.duration if self.shown is None else self.shown


@dataclass(frozen=True)
class Stream:
    """One segmented stream: its folder (relative to hls/), init section and segments, probed."""

    folder: str
    segments: tuple[Segment, ...]
    stream: dict  # ffprobe's stream entry

    @property
    def first_pts(self) -> float:
        return self.segments[0].start if self.segments else 0.0

    @property
    def peak_bps(self) -> float:
        return max((s.bits_per_second for s in self.segments), default=0.0)

    @property
    def average_bps(self) -> float:
        total = sum(s.duration for s in self.segments)
        return sum(s.bytes for s in self.segments) * 8 / total if total > 0 else 0.0

    @property
    def codec(self) -> str | None:
        return codecs.from_stream(self.stream)


def top_level_boxes(path: Path) -> list[tuple[str, int, int]]:
    """(type, offset, size) of an MP4 file's top-level boxes (moof, mdat, …)."""
    boxes = []
    data_size = path.stat().st_size
    with path.open("rb") as fh:
        offset = 0
        while offset + 8 <= data_size:
            fh.seek(offset)
            size, kind = struct.unpack(">I4s", fh.read(8))
            if size == 1:
                (size,) = struct.unpack(">Q", fh.read(8))
            elif size == 0:
                size = data_size - offset
            if size < 8:
                break
            boxes.append((kind.decode("latin-1"), offset, size))
            offset += size
    return boxes


def segment_stream(
    source: Path,
    folder: Path,
    stream: str,
    *,
    fragment_seconds: float | None,
    what: str,
    language: str | None = None,
    segment_seconds: float = SEGMENT_SECONDS,
) -> list[Path]:
    """Cut one stream of `source` into init.mp4 + fMP4 media segments in `folder`, by stream copy.

    `language` (ISO 639-2/T) goes into the init segment's media header (mdhd), where players
    and ffprobe read a track's language; ffmpeg's dash muxer leaves it `und` whatever the
    stream's metadata says, so it is written into the box afterwards.
    """
    folder.mkdir(parents=True, exist_ok=True)
    frag = ["-frag_type", "duration", "-frag_duration", f"{fragment_seconds:g}"] if fragment_seconds else []
    ffmpeg.run(
        [
            "-i",
            str(source),
            "-map",
            f"0:{stream}",
            "-c",
            "copy",
            "-map_metadata",
            "-1",
            "-f",
            "dash",
            "-seg_duration",
            f"{segment_seconds:g}",
            *frag,
            "-use_template",
            "1",
            "-use_timeline",
            "0",
            "-init_seg_name",
            INIT,
            "-media_seg_name",
            "seg-$Number%05d$.m4s",
            "ffmpeg.mpd",
        ],
        what=what,
        cwd=folder,
    )
    for path in folder.iterdir():  # keep only what the playlists name
        if path.name != INIT and not (path.name.startswith("seg-") and path.suffix == ".m4s"):
            path.unlink()
    if language:
        set_track_language(folder / INIT, language)
    return sorted(folder.glob("seg-*.m4s"))


_CONTAINERS = {b"moov", b"trak", b"mdia"}


def set_track_language(path: Path, code: str) -> None:
    """Write an ISO 639-2/T code into every mdhd box of an MP4 init segment (ISO/IEC 14496-12 8.4.2).

    The language is three letters packed into 15 bits, five per letter (letter - 0x60).
    """
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        return
    packed = 0
    for ch in code.lower():
        packed = (packed << 5) | (ord(ch) - 0x60)
    data = bytearray(path.read_bytes())

    def walk(start: int, end: int) -> None:
        offset = start
        while offset + 8 <= end:
            size, kind = struct.unpack_from(">I4s", data, offset)
            header = 8
            if size == 1:
                (size,) = struct.unpack_from(">Q", data, offset + 8)
                header = 16
            elif size == 0:
                size = end - offset
            if size < header:
                return
            if kind in _CONTAINERS:
                walk(offset + header, offset + size)
            elif kind == b"mdhd":
                body = offset + header
                at = body + (32 if data[body] == 1 else 20)  # after version/flags, times, timescale, duration
                struct.pack_into(">H", data, at, packed)
            offset += size

    walk(0, len(data))
    path.write_bytes(bytes(data))


def analyse(folder: Path, rel: str, selector: str, scratch: Path) -> Stream:
    """Probe a segmented stream: each segment's start, duration, size and keyframe byte ranges.

    The init section and segments are joined into one scratch file (a valid fragmented MP4)
    and probed once; packet byte positions are then mapped back to their segment.
    """
    segments = sorted(folder.glob("seg-*.m4s"))
    joined = scratch / f"{rel.replace('/', '-')}.mp4"
    with joined.open("wb") as out:
        for part in [folder / INIT, *segments]:
            with part.open("rb") as fh:
                shutil.copyfileobj(fh, out)
    info = ffmpeg.probe(
        joined,
        extra=["-select_streams", selector, "-show_entries", "packet=pts_time,dts_time,duration_time,size,pos,flags"],
    )
    joined.unlink()
    stream = info["streams"][0]
    packets = info.get("packets", [])

    starts, offset = [], (folder / INIT).stat().st_size
    for seg in segments:
        starts.append(offset)
        offset += seg.stat().st_size
    per_segment: list[list[dict]] = [[] for _ in segments]
    for p in packets:
        try:
            pos = int(p["pos"])
        except (KeyError, ValueError):
            continue
        index = max(i for i, s in enumerate(starts) if s <= pos) if pos >= starts[0] else 0
        per_segment[index].append(p)

    def pts(p: dict) -> float:
        return float(p.get("pts_time", p.get("dts_time", 0.0)))

    bounds = [min((pts(p) for p in ps), default=0.0) for ps in per_segment]
    ends = [max((pts(p) + float(p.get("duration_time") or 0.0) for p in ps), default=0.0) for ps in per_segment]
    result = []
    for i, seg in enumerate(segments):
        end = bounds[i + 1] if i + 1 < len(segments) else ends[i]
        boxes = [(o, s) for kind, o, s in top_level_boxes(seg) if kind == "moof"]
        keyframes = []
        for p in per_segment[i]:
            if "K" not in p.get("flags", ""):
                continue
            at = int(p["pos"]) - starts[i]
            moof = max((o for o, _ in boxes if o <= at), default=0)
            keyframes.append(Keyframe(pts=pts(p), offset=moof, length=at + int(p["size"]) - moof))
        result.append(
            Segment(
                name=seg.name,
                start=bounds[i],
                duration=max(0.0, end - bounds[i]),
                bytes=seg.stat().st_size,
                keyframes=tuple(sorted(keyframes, key=lambda k: k.pts)),
            )
        )
    return Stream(folder=rel, segments=tuple(result), stream=stream)


def within_film(stream: Stream, film_seconds: float) -> tuple[Stream, list[str]]:
    """The stream's segments as the film shows them: each EXTINF is its part of the film's span.

    An AAC track starts with an encoder-delay packet before time 0 (the edit list hides it)
    and ends with a last packet that runs past the film (1024 samples per packet, whatever
    the frame rate): its segments hold up to two packets (43 ms) more than the film lasts,
    more than one frame at 30 fps and above. The film's span on the stream's timeline starts
    at its first presented sample (0, or the first PTS when that is later) and lasts the
    master's duration. A segment wholly after it (only the last packet's overrun) is dropped;
    its name is returned so its file is removed.
    """
    start = max(0.0, stream.first_pts)
    end = start + film_seconds
    kept: list[Segment] = []
    dropped: list[str] = []
    for seg in stream.segments:
        shown = min(seg.start + seg.duration, end) - max(seg.start, start)
        if shown <= 1e-6 and kept:
            dropped.append(seg.name)
            continue
        kept.append(replace(seg, shown=max(0.0, shown)))
    return replace(stream, segments=tuple(kept)), dropped


# ---------------------------------------------------------------- playlists


def _duration(seconds: float) -> str:
    return f"{seconds:.5f}"


def target_duration(durations: list[float]) -> int:
    """The smallest integer every EXTINF rounds to at most (RFC 8216 4.3.3.1)."""
    return max(1, max((math.floor(d + 0.5) for d in durations), default=1))


def _media_header(durations: list[float], version: int, extra: tuple[str, ...] = ()) -> list[str]:
    return [
        "#EXTM3U",
        f"#EXT-X-VERSION:{version}",
        f"#EXT-X-TARGETDURATION:{target_duration(durations)}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        *extra,
        "#EXT-X-INDEPENDENT-SEGMENTS",
    ]


def media_playlist(stream: Stream) -> str:
    lines = _media_header([s.extinf for s in stream.segments], VERSION_MEDIA)
    lines.append(f'#EXT-X-MAP:URI="{INIT}"')
    for seg in stream.segments:
        lines += [f"#EXTINF:{_duration(seg.extinf)},", seg.name]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def iframe_entries(stream: Stream) -> list[tuple[Segment, Keyframe, float]]:
    """Every keyframe with its duration (until the next keyframe, or the end of the stream)."""
    frames = [(seg, k) for seg in stream.segments for k in seg.keyframes]
    end = stream.segments[-1].start + stream.segments[-1].extinf if stream.segments else 0.0
    out = []
    for i, (seg, k) in enumerate(frames):
        nxt = frames[i + 1][1].pts if i + 1 < len(frames) else end
        out.append((seg, k, max(0.0, nxt - k.pts)))
    return out


def iframe_playlist(stream: Stream) -> str:
    entries = iframe_entries(stream)
    lines = _media_header([d for _, _, d in entries], VERSION_IFRAMES, ("#EXT-X-I-FRAMES-ONLY",))
    lines.append(f'#EXT-X-MAP:URI="{INIT}"')
    for seg, key, seconds in entries:
        lines += [f"#EXTINF:{_duration(seconds)},", f"#EXT-X-BYTERANGE:{key.length}@{key.offset}", seg.name]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def iframe_peak_bps(stream: Stream) -> float:
    return max((k.length * 8 / d for _, k, d in iframe_entries(stream) if d > 0), default=0.0)


def iframe_average_bps(stream: Stream) -> float:
    entries = iframe_entries(stream)
    total = sum(d for _, _, d in entries)
    return sum(k.length for _, k, _ in entries) * 8 / total if total > 0 else 0.0


def subtitle_segments(cues, language: str, rtl: bool, video: Stream) -> list[tuple[str, float, str]]:
    """(file name, duration, WebVTT text) per video segment, on the film's timeline.

    Film time 0 is the first video frame, whose PTS in the segments is `video.first_pts`:
    that is what X-TIMESTAMP-MAP ties LOCAL 00:00:00.000 to.
    """
    first = video.first_pts
    mapping = (
        webvtt.TimestampMap(mpegts=round(first * webvtt.MPEGTS_CLOCK))
        if first >= 0
        else webvtt.TimestampMap(mpegts=0, local=-first)
    )
    out = []
    for i, seg in enumerate(video.segments):
        start = seg.start - first
        end = start + seg.duration if i + 1 < len(video.segments) else math.inf
        text = webvtt.segment(cues, language, start, end, rtl=rtl, timestamp_map=mapping)
        out.append((f"seg-{i + 1:05d}.vtt", seg.extinf, text))
    return out


def subtitle_playlist(entries: list[tuple[str, float, str]]) -> str:
    lines = _media_header([d for _, d, _ in entries], VERSION_SUBTITLES)
    for name, seconds, _ in entries:
        lines += [f"#EXTINF:{_duration(seconds)},", name]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def _quoted(value: str) -> str:
    """An HLS quoted-string: no double quote, CR or LF allowed, so those are dropped."""
    return '"' + "".join(ch for ch in value if ch not in '"\r\n') + '"'


@dataclass(frozen=True)
class Rung:
    stream: Stream
    width: int
    height: int


def rung_order(rungs: list[Rung], peak_bps: Callable[[Rung], float] | None = None) -> list[Rung]:
    """Start-up order: first the highest rung whose peak BANDWIDTH fits START_BANDWIDTH (else the
    lowest rung), then the others from the top down.

    Players without a bandwidth estimate start with the first variant listed; on a slow phone
    that first rung decides how long the viewer waits for a picture.
    """
    if not rungs:
        return []
    peak = peak_bps or (lambda r: r.stream.peak_bps)
    fitting = [r for r in rungs if peak(r) <= START_BANDWIDTH]
    first = max(fitting, key=lambda r: r.height) if fitting else min(rungs, key=lambda r: r.height)
    return [first] + sorted((r for r in rungs if r is not first), key=lambda r: -r.height)


def _audio_groups(audios: list[tuple[dict, Stream]]) -> dict[str, list[tuple[dict, Stream]]]:
    groups: dict[str, list[tuple[dict, Stream]]] = {}
    for lang, stream in audios:
        groups.setdefault(lang.get("group", AUDIO_GROUP), []).append((lang, stream))
    return groups


def _audio_of(groups: dict[str, list[tuple[dict, Stream]]]):
    """(group of a rung, its audio peak bps, its audio average bps): the low group for low rungs."""

    def group_of(rung: Rung) -> str:
        low = rung.height <= LOW_AUDIO_MAX_HEIGHT and AUDIO_LOW_GROUP in groups
        return AUDIO_LOW_GROUP if low else AUDIO_GROUP if AUDIO_GROUP in groups else next(iter(groups), AUDIO_GROUP)

    def audio_peak(rung: Rung) -> float:
        return max((s.peak_bps for _, s in groups.get(group_of(rung), [])), default=0.0)

    def audio_avg(rung: Rung) -> float:
        return max((s.average_bps for _, s in groups.get(group_of(rung), [])), default=0.0)

    return group_of, audio_peak, audio_avg


def variants(rungs: list[Rung], audios: list[tuple[dict, Stream]]) -> list[dict]:
    """Each rung as the master playlist lists it (in its order), with the bytes a viewer of it loads."""
    groups = _audio_groups(audios)
    group_of, audio_peak, audio_avg = _audio_of(groups)
    out = []
    for rung in rung_order(rungs, lambda r: r.stream.peak_bps + audio_peak(r)):
        audio_bytes = max((sum(seg.bytes for seg in s.segments) for _, s in groups.get(group_of(rung), [])), default=0)
        out.append(
            {
                "height": rung.height,
                "width": rung.width,
                "playlist": f"{rung.stream.folder}/{MEDIA_PLAYLIST}",
                "audioGroup": group_of(rung),
                "bandwidth": math.ceil(rung.stream.peak_bps + audio_peak(rung)),
                "averageBandwidth": math.ceil(rung.stream.average_bps + audio_avg(rung)),
                "videoBytes": sum(seg.bytes for seg in rung.stream.segments),
                "audioBytes": audio_bytes,
                "peakBps": round(rung.stream.peak_bps),
                "averageBps": round(rung.stream.average_bps),
            }
        )
    return out


def master_playlist(
    rungs: list[Rung],
    audios: list[tuple[dict, Stream]],
    subtitles: list[dict],
    source: str,
    fps: Fraction,
) -> str:
    """The multivariant playlist. `audios`: (language settings, stream); `subtitles`: language settings."""
    lines = ["#EXTM3U", f"#EXT-X-VERSION:{VERSION_MASTER}", "#EXT-X-INDEPENDENT-SEGMENTS", ""]
    groups = _audio_groups(audios)
    for group, members in groups.items():
        for lang, stream in members:
            described = bool(lang.get("described"))
            is_source = lang["code"] == source and not described  # a described mix is never DEFAULT
            uri = f"{stream.folder}/{MEDIA_PLAYLIST}"
            channels = int(stream.stream.get("channels") or 2)
            name = lang["describedName"] if described else lang["name"]
            extra = f"CHARACTERISTICS={_quoted(DESCRIBED_CHARACTERISTICS)}," if described else ""
            lines.append(
                f"#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID={_quoted(group)},LANGUAGE={_quoted(lang['code'])},"
                f"NAME={_quoted(name)},DEFAULT={'YES' if is_source else 'NO'},AUTOSELECT=YES,{extra}"
                f"CHANNELS={_quoted(str(channels))},URI={_quoted(uri)}"
            )
        lines.append("")
    for lang in subtitles:
        uri = f"{lang.get('folder') or subs_folder(lang)}/{MEDIA_PLAYLIST}"
        lines.append(
            f"#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID={_quoted(SUBTITLE_GROUP)},LANGUAGE={_quoted(lang['code'])},"
            f"NAME={_quoted(lang['name'])},DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,"
            + (f"CHARACTERISTICS={_quoted(CAPTIONS_CHARACTERISTICS)}," if lang.get("kind") == "captions" else "")
            + f"URI={_quoted(uri)}"
        )
    lines.append("")
    group_of, audio_peak, audio_avg = _audio_of(groups)
    frame_rate = f"{float(fps):.3f}"
    for rung in rung_order(rungs, lambda r: r.stream.peak_bps + audio_peak(r)):
        audio_codecs = list(dict.fromkeys(c for _, s in groups.get(group_of(rung), []) if (c := s.codec)))
        codec = codecs.join(rung.stream.codec, *audio_codecs)
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={math.ceil(rung.stream.peak_bps + audio_peak(rung))},"
            f"AVERAGE-BANDWIDTH={math.ceil(rung.stream.average_bps + audio_avg(rung))},"
            f"CODECS={_quoted(codec)},RESOLUTION={rung.width}x{rung.height},FRAME-RATE={frame_rate},"
            f"AUDIO={_quoted(group_of(rung))},"
            + (f"SUBTITLES={_quoted(SUBTITLE_GROUP)}," if subtitles else "")
            + "CLOSED-CAPTIONS=NONE"
        )
        lines.append(f"{rung.stream.folder}/{MEDIA_PLAYLIST}")
    lines.append("")
    for rung in rung_order(rungs, lambda r: r.stream.peak_bps + audio_peak(r)):
        lines.append(
            f"#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH={math.ceil(iframe_peak_bps(rung.stream))},"
            f"AVERAGE-BANDWIDTH={math.ceil(iframe_average_bps(rung.stream))},"
            f"CODECS={_quoted(rung.stream.codec or '')},RESOLUTION={rung.width}x{rung.height},"
            f"URI={_quoted(rung.stream.folder + '/' + IFRAME_PLAYLIST)}"
        )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the task


def subs_folder(lang: dict) -> str:
    """A language's subtitle rendition folder before it is content-addressed: subs/<code>."""
    return f"subs/{lang['code']}"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _in_film(stream: Stream, folder: Path, film_seconds: float) -> Stream:
    kept, dropped = within_film(stream, film_seconds)
    for name in dropped:
        (folder / name).unlink()
    return kept


def package_hls(run: TaskRun) -> TaskOutput:
    s = run.task.settings
    context = run.context
    project = context.project
    ladder_meta = run.dep_meta[ladder.TASK_ID]
    gop = float(ladder_meta.get("gopSeconds") or ladder.GOP_SECONDS)
    first_gop = float(ladder_meta.get("firstGopSeconds") or 0)
    if first_gop:
        # IDRs at 0, first_gop, then every gop: cutting at every IDR (the dash muxer cuts at the
        # first IDR at least segment_index x seg_duration in) gives a short first segment, then
        # one segment (and one fragment) per GOP, on the same grid in every rung.
        video_cut: dict = {"segment_seconds": first_gop, "fragment_seconds": None}
    else:  # a ladder of plain GOPs (cached before ladder recipe 3)
        video_cut = {"fragment_seconds": gop if SEGMENT_SECONDS % gop == 0 else None}  # a fragment per GOP
    languages = s["languages"]
    steps = len(ladder_meta["rungs"]) + 2 * len(languages)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        run.progress(min(0.99, done / steps))

    rungs: list[Rung] = []
    audios: list[tuple[dict, Stream]] = []
    film_seconds = master_duration(context.master)
    with tempfile.TemporaryDirectory(prefix="filmpipe-hls-") as tmp:
        scratch = Path(tmp)
        for entry in ladder_meta["rungs"]:
            rel = f"video/{int(entry['height'])}"
            segment_stream(
                run.dep_dirs[ladder.TASK_ID] / entry["file"],
                run.out / rel,
                "v:0",
                **video_cut,
                what=f"segmenting the {entry['height']}p video for HLS",
            )
            stream = _in_film(analyse(run.out / rel, rel, "v:0", scratch), run.out / rel, film_seconds)
            rungs.append(Rung(stream=stream, width=int(stream.stream["width"]), height=int(stream.stream["height"])))
            _write(run.out / rel / MEDIA_PLAYLIST, media_playlist(stream))
            _write(run.out / rel / IFRAME_PLAYLIST, iframe_playlist(stream))
            step()
        # a second audio group only when the ladder has rungs on both sides of the line
        low_rungs = any(r.height <= LOW_AUDIO_MAX_HEIGHT for r in rungs) and any(
            r.height > LOW_AUDIO_MAX_HEIGHT for r in rungs
        )
        tracks = [(lang, audio.task_id(lang["code"]), "") for lang in languages]
        # described mixes after every plain track: players list them last
        tracks += [
            ({**lang, "described": True}, audio.described_task_id(lang["code"]), DESCRIBED_SUFFIX)
            for lang in languages
            if lang.get("describedName")
        ]
        for group, top, file_key in ((AUDIO_GROUP, "audio", "file"), (AUDIO_LOW_GROUP, LOW_AUDIO_FOLDER, "lowFile")):
            for lang, audio_id, suffix in tracks:
                meta = run.dep_meta[audio_id]
                if group == AUDIO_LOW_GROUP and not (low_rungs and meta.get(file_key)):
                    continue
                code = lang["code"]
                rel = f"{top}/{code}{suffix}"
                segment_stream(
                    run.dep_dirs[audio_id] / meta.get(file_key, audio.OUTPUT),
                    run.out / rel,
                    "a:0",
                    fragment_seconds=None,
                    what=f"segmenting the {code} {'described ' if suffix else ''}audio for HLS",
                    language=lang.get("iso639_2"),
                )
                stream = _in_film(analyse(run.out / rel, rel, "a:0", scratch), run.out / rel, film_seconds)
                audios.append(({**lang, "group": group}, stream))
                _write(run.out / rel / MEDIA_PLAYLIST, media_playlist(stream))
                if group == AUDIO_GROUP and not suffix:
                    step()
    reference = max(rungs, key=lambda r: r.height).stream
    for lang in languages:
        code = lang["code"]
        doc = load_cues(project.language(code), project)
        entries = subtitle_segments(doc.cues, code, bool(lang["rtl"]), reference)
        for name, _, text in entries:
            _write(run.out / subs_folder(lang) / name, text)
        _write(run.out / subs_folder(lang) / MEDIA_PLAYLIST, subtitle_playlist(entries))
        step()
    # Every rendition folder gets its content-addressed name; only the master playlist names them.
    renamed = {
        rel: content_address_folder(run.out / rel).relative_to(run.out).as_posix()
        for rel in [r.stream.folder for r in rungs]
        + [a.folder for _, a in audios]
        + [subs_folder(lang) for lang in languages]
    }
    rungs = [replace(r, stream=replace(r.stream, folder=renamed[r.stream.folder])) for r in rungs]
    audios = [(lang, replace(a, folder=renamed[a.folder])) for lang, a in audios]
    subtitled = [{**lang, "folder": renamed[subs_folder(lang)]} for lang in languages]
    fps = Fraction(ladder_meta.get("fps") or master_fps(context.master))
    _write(run.out / MASTER, master_playlist(rungs, audios, subtitled, s["source"], fps))
    run.progress(1.0)
    artifact = Artifact(
        kind="hls", path=PUBLISH_TO + MASTER, mime_type=MIME, duration_seconds=round(master_duration(context.master), 3)
    )
    return TaskOutput(
        artifacts=(artifact,),
        meta={
            "master": MASTER,
            "firstPts": reference.first_pts,
            "segments": [
                {"name": seg.name, "start": seg.start, "duration": seg.duration} for seg in reference.segments
            ],
            "variants": variants(rungs, audios),
        },
    )
