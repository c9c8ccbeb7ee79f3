"""HLS packaging on a 13-second film (seven segments of hls.SEGMENT_SECONDS = 2 s): every playlist parsed with the m3u8
library and checked against the segments it names, segment alignment across rungs,
X-TIMESTAMP-MAP against the segments' real timestamps, and playback in Chromium with every
audio and subtitle language switched on in turn.

The ladder and audio tasks run for real (draft settings), then the hls task on their output.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import m3u8
import pytest
from browser import launch_browser, serve
from conftest import LANGS, make_srt

from pipeline import ffmpeg
from pipeline.content_names import folder_hash_claim
from pipeline.engine.model import TaskRun
from pipeline.engine.plan import make_context
from pipeline.languages import profile_for
from pipeline.project import load_project
from pipeline.render import audio, hls, ladder
from pipeline.subtitles import text as cuetext

DURATION = 13.0
FPS = 25
HLS_JS = Path(__file__).parent / "vendor" / "hls.js" / "hls.min.js"

# Four cues per language; the second spans the segment boundary at 6 s, the third sits inside one segment.
TIMES = ((0.5, 2.5), (5.0, 7.5), (8.0, 10.0), (12.0, 12.9))
TEXTS: dict[str, tuple[str, str, str, str]] = {
    "en": ("Hello, neighbours.", "Meet your team.", "We hold <i>surgeries</i> & meetings.", "Goodbye."),
    "pl": ("Cześć, sąsiedzi!", "Poznaj swój zespół.", "Zażółć gęślą jaźń.", "Do widzenia."),
    "ro": ("Bună, vecini!", "Cunoaşte-ţi echipa.", "Poliția vă ascultă.", "La revedere."),
    "ur": ("سلام، پڑوسیو!", "اپنی ٹیم سے ملیں۔", "2024 میں yourcounty.police.uk", "خدا حافظ۔"),
    "bn": ("নমস্কার, প্রতিবেশী!", "আপনার দলকে জানুন।", "কিন্তু শিক্ষা ক্ষেত্রে", "বিদায়।"),
    "gu": ("નમસ્તે, પડોશીઓ!", "તમારી ટીમને મળો.", "શિક્ષક ક્ષેત્ર દ્વારા", "આવજો."),
}
SEEK = 7.0  # inside cue 2 of every language, past its first segment


@pytest.fixture(scope="module")
def packaged(
    tmp_path_factory: pytest.TempPathFactory, tiny_master: Callable[..., Path], tiny_tone: Callable[..., Path]
):
    """A 13 s project with 6 languages, ladder [180, 120]: the real ladder task, then the hls task."""
    root = tmp_path_factory.mktemp("hls-project")
    (root / "assets" / "audio").mkdir(parents=True)
    (root / "subtitles").mkdir()
    shutil.copy(tiny_master(fps=FPS, duration=DURATION), root / "assets" / "master.mp4")
    tables = []
    for lang in LANGS:
        (root / "subtitles" / f"{lang}.srt").write_text(make_srt(TEXTS[lang], TIMES), encoding="utf-8")
        tables.append(f'[languages.{lang}]\nsubtitles = "subtitles/{lang}.srt"\n')
    (root / "film.toml").write_text(
        '[film]\nid = "hls-film"\ntitle = "HLS test"\nsource_language = "en"\nmaster = "assets/master.mp4"\n\n'
        + "\n".join(tables)
        + "\n[output]\nladder = [180, 120]\nprogressive = [180]\nopen_captions = []\n",
        encoding="utf-8",
    )
    context = make_context(load_project(root), draft=True)
    work = tmp_path_factory.mktemp("hls-work")
    dirs: dict[str, Path] = {}
    meta: dict[str, dict] = {}
    # What the audio tasks hand over (AAC-LC 48 kHz stereo, the film's length), made directly:
    # their loudness passes are tested elsewhere and would triple this fixture's time.
    for i, lang in enumerate(LANGS):
        folder = work / f"audio-{lang}"
        folder.mkdir()
        os.link(tiny_tone(300 + 70 * i, DURATION, bitrate="128k"), folder / "audio.m4a")
        dirs[audio.task_id(lang)], meta[audio.task_id(lang)] = folder, {"file": "audio.m4a"}
    output = None
    for task in ladder.plan_tasks(context) + hls.plan_tasks(context):
        out = work / "site" / "hls" if task.id == hls.TASK_ID else work / task.id.replace("/", "-")
        out.mkdir(parents=True)
        result = task.action(
            TaskRun(
                task=task,
                out=out,
                dep_dirs={d: dirs[d] for d in task.deps},
                dep_meta={d: meta[d] for d in task.deps},
                context=context,
                progress=lambda f: None,
            )
        )
        dirs[task.id], meta[task.id] = out, result.meta
        output = result
    return {
        "root": work / "site" / "hls",
        "site": work / "site",
        "output": output,
        "context": context,
        "ladder_dir": dirs[ladder.TASK_ID],
    }


def rendition(root: Path, name: str) -> Path:
    """A rendition folder by its name before its content hash: video/180 -> video/180.<hash>."""
    (folder,) = [p for p in root.glob(name + ".*") if p.is_dir() and folder_hash_claim(p.name)]
    return folder


def test_rendition_folders_are_named_by_their_content(packaged) -> None:
    root: Path = packaged["root"]
    folders = sorted(p for p in root.rglob("*") if p.is_dir() and p.parent != root)
    assert len(folders) == 2 + 2 * len(LANGS)  # two rungs; each language's audio and subtitles
    for folder in folders:
        files = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in folder.iterdir()}
        lines = "".join(f"{files[n]}  {n}\n" for n in sorted(files))
        assert folder.name == f"{folder_hash_claim(folder.name)[0]}.{hashlib.sha256(lines.encode()).hexdigest()[:12]}"
    text = (root / "master.m3u8").read_text(encoding="utf-8")
    assert {f.relative_to(root).as_posix() for f in folders} == set(
        re.findall(r"([a-z-]+/[^/\s\"]+)/[a-z]+\.m3u8", text)
    )


def load(path: Path) -> m3u8.M3U8:
    return m3u8.loads(path.read_text(encoding="utf-8"), uri=str(path))


def attributes(line: str) -> dict[str, str]:
    """An HLS attribute list, quoted strings unquoted."""
    body = line.split(":", 1)[1]
    return {k: v.strip('"') for k, v in re.findall(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)', body)}


def test_artifact_and_only_reachable_files(packaged) -> None:
    (artifact,) = packaged["output"].artifacts
    assert (artifact.kind, artifact.path, artifact.mime_type) == (
        "hls",
        "hls/master.m3u8",
        "application/vnd.apple.mpegurl",
    )
    root: Path = packaged["root"]
    named = {"master.m3u8"}
    for playlist in root.rglob("*.m3u8"):
        rel = playlist.parent.relative_to(root)
        text = playlist.read_text(encoding="utf-8")
        for ref in re.findall(r'URI="([^"]+)"', text) + [l for l in text.splitlines() if l and not l.startswith("#")]:
            target = (root / rel / ref).resolve()
            assert target.is_file(), f"{playlist.name} names {ref}"
            named.add(target.relative_to(root.resolve()).as_posix())
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert on_disk == named  # nothing unreachable (ffmpeg's own playlists are gone)


def test_master_playlist(packaged) -> None:
    root: Path = packaged["root"]
    text = (root / "master.m3u8").read_text(encoding="utf-8")
    master = load(root / "master.m3u8")
    assert master.is_variant
    # The master declares the highest version of the playlists it names (6: fMP4 media playlists).
    assert text.startswith("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n")
    assert master.is_independent_segments

    audio_media = [m for m in master.media if m.type == "AUDIO"]
    subs_media = [m for m in master.media if m.type == "SUBTITLES"]
    assert [m.language for m in audio_media] == list(LANGS)
    assert [m.language for m in subs_media] == list(LANGS)
    for m in audio_media + subs_media:
        assert m.name == profile_for(m.language).native_name
        assert m.autoselect == "YES"
    assert [m.default for m in audio_media] == ["YES"] + ["NO"] * 5
    assert all(m.group_id == "aud" and m.channels == "2" for m in audio_media)
    assert all(m.group_id == "subs" and m.forced == "NO" for m in subs_media)
    assert next(m for m in audio_media if m.language == "ur").name == "اردو"

    heights = {int(p.stream_info.resolution[1]) for p in master.playlists}
    assert heights == {180, 120}
    assert master.playlists[0].stream_info.resolution[1] == 180  # nearest 720p first
    ladder_codecs = {r["height"]: r["codecs"] for r in packaged_ladder_meta(packaged)["rungs"]}
    for p in master.playlists:
        info = p.stream_info
        w, h = info.resolution
        assert info.codecs == f"{ladder_codecs[h]},mp4a.40.2"
        assert re.fullmatch(r"avc1\.[0-9a-f]{6},mp4a\.40\.2", info.codecs)
        assert info.frame_rate == pytest.approx(25.0)
        assert info.audio == "aud" and info.subtitles == "subs"
        assert info.closed_captions == "NONE"
        assert 0 < info.average_bandwidth <= info.bandwidth
    line = next(l for l in text.splitlines() if l.startswith("#EXT-X-STREAM-INF"))
    assert re.search(r"FRAME-RATE=25\.000(,|$)", line)
    assert len(master.iframe_playlists) == 2
    for ip in master.iframe_playlists:
        assert ip.iframe_stream_info.codecs.startswith("avc1.")
        assert ip.iframe_stream_info.bandwidth > 0


def packaged_ladder_meta(packaged) -> dict:
    facts = {}
    rungs = []
    for h in (180, 120):
        data = ffmpeg.probe(packaged["ladder_dir"] / ladder.rung_file(h))
        v = data["streams"][0]
        from pipeline import codecs

        rungs.append({"height": h, "codecs": codecs.from_stream(v)})
    facts["rungs"] = rungs
    return facts


def segment_sizes_and_durations(folder: Path) -> list[tuple[str, float, int]]:
    playlist = load(folder / "index.m3u8")
    return [(s.uri, s.duration, (folder / s.uri).stat().st_size) for s in playlist.segments]


def test_bandwidth_is_measured_from_segments(packaged) -> None:
    root: Path = packaged["root"]
    master = load(root / "master.m3u8")
    audio_peak = max(
        size * 8 / d for lang in LANGS for _, d, size in segment_sizes_and_durations(rendition(root, f"audio/{lang}"))
    )
    for p in master.playlists:
        segs = segment_sizes_and_durations(root / Path(p.uri).parent)
        video_peak = max(size * 8 / d for _, d, size in segs)
        assert p.stream_info.bandwidth == pytest.approx(video_peak + audio_peak, rel=0.01)
        total = sum(d for _, d, _ in segs)
        avg = sum(size for _, _, size in segs) * 8 / total
        assert avg < p.stream_info.average_bandwidth < avg + audio_peak * 1.01


@pytest.mark.parametrize(
    "kind", ["video/180", "video/120", *(f"{k}/{lang}" for k in ("audio", "subs") for lang in LANGS)]
)
def test_media_playlists(packaged, kind: str) -> None:
    folder = rendition(packaged["root"], kind)
    text = (folder / "index.m3u8").read_text(encoding="utf-8")
    playlist = load(folder / "index.m3u8")
    assert playlist.playlist_type == "vod"
    assert playlist.is_endlist
    assert playlist.is_independent_segments
    # EXT-X-VERSION as the playlist's features need (RFC 8216 section 7): EXT-X-MAP in a
    # playlist that is not I-frames only needs 6; WebVTT playlists only need decimal EXTINF (3).
    assert playlist.version == (3 if kind.startswith("subs") else 6)
    durations = [s.duration for s in playlist.segments]
    if kind.startswith("audio"):
        assert len(durations) == math.ceil(DURATION / hls.SEGMENT_SECONDS)
    else:  # video and subtitles: a segment per GOP, the first ones short (1 s, 1 s, then 2 s)
        assert len(durations) == len(ladder.idr_seconds(DURATION))
        assert durations[0] == pytest.approx(ladder.FIRST_GOP_SECONDS, abs=0.05)
    assert playlist.target_duration == max(round(d) for d in durations) == hls.SEGMENT_SECONDS
    assert sum(durations) == pytest.approx(DURATION, abs=0.05)
    if kind.startswith("subs"):
        assert "#EXT-X-MAP" not in text
        assert all(s.uri.endswith(".vtt") for s in playlist.segments)
    else:
        assert playlist.segment_map[0].uri == "init.mp4"
        assert all(s.uri.endswith(".m4s") for s in playlist.segments)


def first_pts(folder: Path, seg: str, selector: str) -> float:
    """The earliest presentation time in one media segment, probed through init + segment."""
    joined = folder / f"probe-{seg}.mp4"
    joined.write_bytes((folder / "init.mp4").read_bytes() + (folder / seg).read_bytes())
    try:
        return min(float(p["pts_time"]) for p in ffmpeg.packets(joined, selector))
    finally:
        joined.unlink()


def test_segments_align_across_rungs_and_start_with_keyframes(packaged) -> None:
    root: Path = packaged["root"]
    starts = {}
    for h in (180, 120):
        folder = rendition(root, f"video/{h}")
        playlist = load(folder / "index.m3u8")
        starts[h] = [first_pts(folder, s.uri, "v:0") for s in playlist.segments]
        for s, _t in zip(playlist.segments, starts[h], strict=False):
            joined = folder / "k.mp4"
            joined.write_bytes((folder / "init.mp4").read_bytes() + (folder / s.uri).read_bytes())
            packets = sorted(ffmpeg.packets(joined, "v:0"), key=lambda p: float(p["dts_time"]))
            joined.unlink()
            assert "K" in packets[0]["flags"], f"{h}p {s.uri} does not start with a keyframe"
    assert starts[180] == pytest.approx(starts[120], abs=1e-6)
    assert starts[180] == pytest.approx(ladder.idr_seconds(DURATION), abs=0.05)


def test_x_timestamp_map_matches_video_timestamps(packaged) -> None:
    root: Path = packaged["root"]
    video = rendition(root, "video/180")
    video_first = first_pts(video, load(video / "index.m3u8").segments[0].uri, "v:0")
    expected = round(video_first * 90000)
    for lang in LANGS:
        for seg in load(rendition(root, f"subs/{lang}") / "index.m3u8").segments:
            text = (rendition(root, f"subs/{lang}") / seg.uri).read_text(encoding="utf-8")
            header = text.split("\n\n", 1)[0].split("\n")
            assert header[0] == "WEBVTT"
            assert header[1] == f"X-TIMESTAMP-MAP=MPEGTS:{expected},LOCAL:00:00:00.000"


def test_subtitle_segments_hold_the_cues_of_their_time(packaged) -> None:
    root: Path = packaged["root"]
    segs = [
        (rendition(root, "subs/pl") / s.uri).read_text(encoding="utf-8")
        for s in load(rendition(root, "subs/pl") / "index.m3u8").segments
    ]

    def at(t: float) -> int:  # the index of the segment playing at t (subtitles follow the video's)
        return max(i for i, start in enumerate(ladder.idr_seconds(DURATION)) if start <= t)

    assert "Cześć, sąsiedzi!" in segs[at(0.5)] and "Cześć, sąsiedzi!" not in segs[at(5.0)]
    for t in (5.0, 7.4):  # the second cue spans the boundary at 6 s: in both segments, whole
        assert "Poznaj swój zespół." in segs[at(t)] and "00:00:05.000 --> 00:00:07.500" in segs[at(t)]
    assert at(5.0) != at(7.4)
    assert "Zażółć" in segs[at(8.0)] and "Zażółć" not in segs[at(12.0)]
    assert "Do widzenia." in segs[at(12.0)]
    ro = (rendition(root, "subs/ro") / f"seg-{at(5.0) + 1:05d}.vtt").read_text(encoding="utf-8")
    assert "Cunoaște-ți" in ro  # comma below, like the standalone WebVTT
    ur = (rendition(root, "subs/ur") / f"seg-{at(8.0) + 1:05d}.vtt").read_text(encoding="utf-8")
    assert "\u200f2024 میں yourcounty.police.uk" in ur


def test_iframe_playlists_address_keyframes(packaged) -> None:
    root: Path = packaged["root"]
    for h in (180, 120):
        folder = rendition(root, f"video/{h}")
        text = (folder / "iframes.m3u8").read_text(encoding="utf-8")
        playlist = load(folder / "iframes.m3u8")
        assert "#EXT-X-I-FRAMES-ONLY" in text and playlist.is_i_frames_only
        assert playlist.version == 5  # EXT-X-MAP (5), EXT-X-BYTERANGE and EXT-X-I-FRAMES-ONLY (4)
        assert playlist.segment_map[0].uri == "init.mp4"
        assert len(playlist.segments) == len(ladder.idr_seconds(DURATION))  # at 0, 1, then every 2 s
        assert sum(s.duration for s in playlist.segments) == pytest.approx(DURATION, abs=0.05)
        init = (folder / "init.mp4").read_bytes()
        for s in playlist.segments:
            length, offset = (int(x) for x in s.byterange.split("@"))
            chunk = (folder / s.uri).read_bytes()[offset : offset + length]
            assert chunk[4:8] == b"moof"  # the range starts with the fragment's header
            probe = folder / "iframe.mp4"
            probe.write_bytes(init + chunk)
            try:
                frames = [p for p in ffmpeg.packets(probe, "v:0") if int(p["size"]) > 0]
            finally:
                probe.unlink()
            assert frames and "K" in frames[0]["flags"]


# ---------------------------------------------------------------- in the browser

PAGE = """<!doctype html><meta charset="utf-8"><video id="v" muted playsinline></video>
<script src="hls.min.js"></script>
<script>
const video = document.getElementById('v');
const player = new Hls({enableWebVTT: true, renderTextTracksNatively: true, subtitleDisplay: true});
player.loadSource('hls/master.m3u8');
player.attachMedia(video);
window.player = player;
</script>"""


def cue_text(lang: str, index: int) -> str:
    return cuetext.plain(cuetext.clean(TEXTS[lang][index], lang))


@pytest.mark.browser
def test_hls_js_switches_every_audio_and_subtitle_language(packaged) -> None:
    site: Path = packaged["site"]
    shutil.copy(HLS_JS, site / "hls.min.js")
    (site / "player.html").write_text(PAGE, encoding="utf-8")
    with serve(site) as base, launch_browser() as browser:
        page = browser.new_page()
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url[len(base) :]))
        page.goto(base + "player.html")
        page.wait_for_function(
            "window.player && player.subtitleTracks.length === 6 && player.audioTracks.length === 6", timeout=30000
        )
        tracks = page.evaluate(
            "() => ({subs: player.subtitleTracks.map(t => [t.lang, t.name]), "
            "audio: player.audioTracks.map(t => [t.lang, t.name])})"
        )
        expected = [[lang, profile_for(lang).native_name] for lang in LANGS]
        assert tracks["subs"] == expected and tracks["audio"] == expected
        for i, lang in enumerate(LANGS):
            page.evaluate(f"""() => {{
                player.audioTrack = {i}; player.subtitleTrack = {i};
                const tt = document.getElementById('v').textTracks;
                for (let k = 0; k < tt.length; k++) tt[k].mode = tt[k].language === '{lang}' ? 'showing' : 'disabled';
                document.getElementById('v').currentTime = {SEEK};
            }}""")
            page.wait_for_function(
                f"""() => {{ const v = document.getElementById('v');
                    const t = Array.from(v.textTracks).find(t => t.language === '{lang}');
                    // an audio switch makes hls.js flush and refill the buffer: wait until it holds the seek point
                    const held = Array.from({{length: v.buffered.length}}, (_, k) => [v.buffered.start(k), v.buffered.end(k)])
                        .some(([a, b]) => a <= {SEEK} && {SEEK} <= b);
                    return held && v.readyState >= 2 && !v.seeking && t && t.activeCues && t.activeCues.length > 0; }}""",
                timeout=30000,
            )
            active = page.evaluate(f"""() => {{ const v = document.getElementById('v');
                const t = Array.from(v.textTracks).find(t => t.language === '{lang}');
                return {{time: v.currentTime, cues: Array.from(t.activeCues).map(c => [c.startTime, c.endTime, c.text]),
                        audio: player.audioTracks[player.audioTrack].lang,
                        ranges: Array.from({{length: v.buffered.length}}, (_, k) => [v.buffered.start(k), v.buffered.end(k)])}}; }}""")
            # the film's first frame is at media time 0 (within a frame), so cue times are film times
            assert any(a <= SEEK <= b for a, b in active["ranges"]), active
            if active["ranges"][0][0] < 1:
                assert active["ranges"][0][0] == pytest.approx(0.0, abs=1 / FPS + 0.03)
            assert active["audio"] == lang
            assert len(active["cues"]) == 1, active
            ((start, end, text),) = active["cues"]
            assert text.replace("\u200f", "") == cue_text(lang, 1)
            # X-TIMESTAMP-MAP: the cue is neither early nor late against the media timeline
            assert start == pytest.approx(TIMES[1][0], abs=0.02) and end == pytest.approx(TIMES[1][1], abs=0.02)
            page.wait_for_function(
                f"() => performance.getEntriesByType('resource').some(e => e.name.includes('/audio/{lang}.') && e.name.includes('/seg-'))",
                timeout=30000,
            )
        assert all(any(re.match(rf"hls/subs/{lang}\.[0-9a-f]{{12}}/seg-", r) for r in requested) for lang in LANGS)


@pytest.mark.browser
def test_chromium_native_hls_plays_and_switches_audio(packaged) -> None:
    site: Path = packaged["site"]
    (site / "native.html").write_text(
        '<!doctype html><video id="v" muted src="hls/master.m3u8"></video>', encoding="utf-8"
    )
    with serve(site) as base, launch_browser(extra_args=["--enable-blink-features=AudioVideoTracks"]) as browser:
        page = browser.new_page()
        page.goto(base + "native.html")
        if page.evaluate("document.getElementById('v').canPlayType('application/vnd.apple.mpegurl')") == "":
            pytest.skip("this Chromium has no native HLS player")
        page.wait_for_function(
            "() => { const v = document.getElementById('v'); return v.readyState >= 1 || v.error; }", timeout=30000
        )
        state = page.evaluate("""() => { const v = document.getElementById('v');
            return {error: v.error && v.error.message, duration: v.duration,
                    audio: v.audioTracks ? Array.from(v.audioTracks).map(t => [t.language, t.label]) : null}; }""")
        assert state["error"] is None
        assert state["duration"] == pytest.approx(DURATION, abs=0.1)
        assert state["audio"] == [[lang, profile_for(lang).native_name] for lang in LANGS]
        for i, lang in enumerate(LANGS):
            page.evaluate(f"""() => {{ const v = document.getElementById('v');
                for (let k = 0; k < v.audioTracks.length; k++) v.audioTracks[k].enabled = (k === {i});
                v.currentTime = {1 + i}; v.play(); }}""")
            page.wait_for_function(
                f"() => performance.getEntriesByType('resource').some(e => e.name.includes('/audio/{lang}.'))",
                timeout=30000,
            )
            page.wait_for_function(
                f"() => {{ const v = document.getElementById('v'); return !v.seeking && v.currentTime > {1 + i + 0.2}; }}",
                timeout=30000,
            )
