"""Starting fast on a slow phone: the 240p rung, the low-bitrate (48 kbit/s) audio group, the start-up order,
the small MP4 for mobile data, and the per-rung sizes and translated labels in the manifest.

The master playlist is written from synthetic segment facts here (no encode needed); the
real tiny build checks what the files hold. Time to first frame itself is a benchmark
(bench/startup_bench.py), not a test.
"""

from __future__ import annotations

import json
from fractions import Fraction

import m3u8
from build_helpers import published
from site_staging import LABELS, built_site, fabricated_site  # noqa: F401 (fixture)

from pipeline import ffmpeg
from pipeline.locales import PAGE_LABELS
from pipeline.project import OutputSettings
from pipeline.render import audio, hls, ladder
from pipeline.render.hls import Rung, Segment, Stream

VIDEO = {"codec_name": "h264", "profile": "High", "level": 31}
AUDIO = {"codec_name": "aac", "profile": "LC", "channels": 2}


def stream(folder: str, kbps: float, kind: dict, seconds: int = 10) -> Stream:
    per = int(kbps * 1000 / 8 * 2)  # bytes per 2 s segment
    segs = tuple(Segment(name=f"seg-{i:05d}.m4s", start=2.0 * i, duration=2.0, bytes=per) for i in range(seconds // 2))
    return Stream(folder=folder, segments=segs, stream=kind)


def ladder_of(*rates: tuple[int, int, float]) -> list[Rung]:
    return [Rung(stream=stream(f"video/{h}", kbps, VIDEO), width=w, height=h) for h, w, kbps in rates]


def audios(codes=("en", "pl")) -> list[tuple[dict, Stream]]:
    out = []
    for group, folder, kbps in ((hls.AUDIO_GROUP, "audio", 128), (hls.AUDIO_LOW_GROUP, hls.LOW_AUDIO_FOLDER, 64)):
        for code in codes:
            lang = {"code": code, "name": code.upper(), "group": group}
            out.append((lang, stream(f"{folder}/{code}", kbps, AUDIO)))
    return out


def test_the_default_ladder_has_a_slow_phone_rung_and_a_mobile_mp4():
    defaults = OutputSettings()
    low = min(defaults.ladder)
    assert low <= 270 and low in defaults.ladder
    # video cap + low audio within 85 % of a 300 kbit/s link (bench/README.md: why not 250-300)
    low_audio = int(audio.LOW_BITRATE.rstrip("k"))
    assert 150 <= ladder.maxrate_kbps(low) and ladder.maxrate_kbps(low) + low_audio <= 0.85 * 300
    assert ladder.bufsize_kbps(low) <= ladder.maxrate_kbps(low)  # a 1 s buffer: segments near the cap
    assert min(defaults.progressive) <= 360


def test_low_rungs_take_the_64k_audio_group_and_start_first():
    rungs = ladder_of((1080, 1920, 5000), (720, 1280, 3000), (360, 640, 900), (240, 426, 280))
    text = hls.master_playlist(rungs, audios(), [], "en", Fraction(25))
    master = m3u8.loads(text)
    groups = {(m.group_id, m.language) for m in master.media if m.type == "AUDIO"}
    assert groups == {(g, c) for g in (hls.AUDIO_GROUP, hls.AUDIO_LOW_GROUP) for c in ("en", "pl")}
    variants = master.playlists
    # start-up order: the best rung a slow link carries first, then from the top down
    assert [p.stream_info.resolution[1] for p in variants] == [240, 1080, 720, 360]
    by_height = {p.stream_info.resolution[1]: p for p in variants}
    assert by_height[240].stream_info.audio == hls.AUDIO_LOW_GROUP
    assert all(by_height[h].stream_info.audio == hls.AUDIO_GROUP for h in (1080, 720, 360))
    # BANDWIDTH counts the rung's own audio group: 280 + 64 kbit/s, not 280 + 128
    assert abs(by_height[240].stream_info.bandwidth - 344_000) <= 1_000
    assert abs(by_height[360].stream_info.bandwidth - 1_028_000) <= 1_000
    # the I-frame playlists follow the same order
    assert [p.iframe_stream_info.resolution[1] for p in master.iframe_playlists] == [240, 1080, 720, 360]


def test_without_a_rung_a_slow_link_carries_the_lowest_starts():
    rungs = ladder_of((1080, 1920, 5000), (720, 1280, 3000))
    order = hls.rung_order(rungs)
    assert [r.height for r in order] == [720, 1080]


def test_variants_list_their_bytes_in_playlist_order():
    rungs = ladder_of((720, 1280, 3000), (240, 426, 280))
    facts = hls.variants(rungs, audios())
    assert [v["height"] for v in facts] == [240, 720]
    low = facts[0]
    assert low["audioGroup"] == hls.AUDIO_LOW_GROUP and low["playlist"] == "video/240/index.m3u8"
    assert low["videoBytes"] == 5 * int(280 * 1000 / 8 * 2) and low["audioBytes"] == 5 * int(64 * 1000 / 8 * 2)


def test_the_mobile_mp4_carries_the_low_bitrate_audio(built_site):
    """The tiny build's only MP4 rung is 180p (a mobile rung): its audio is the 48 kbit/s twin."""
    data = ffmpeg.probe(published(built_site.dist, "video/pl/pl-180.mp4"))
    track = next(s for s in data["streams"] if s["codec_type"] == "audio")
    assert int(track["bit_rate"]) < 60_000, track["bit_rate"]


def test_the_manifest_lists_per_rung_sizes_and_translated_labels(built_site):
    manifest = json.loads((built_site.dist / "manifest.json").read_text(encoding="utf-8"))
    master = m3u8.load(str(built_site.dist / manifest["hls"]["url"]))
    variants = manifest["hls"]["variants"]
    assert [v["url"] for v in variants] == ["hls/" + p.uri for p in master.playlists]
    for v, p in zip(variants, master.playlists, strict=True):
        assert v["bandwidth"] == p.stream_info.bandwidth and v["audioGroup"] == p.stream_info.audio
        assert (v["width"], v["height"]) == tuple(p.stream_info.resolution)
        folder = built_site.dist / v["url"].rsplit("/", 1)[0]
        video = sum(f.stat().st_size for f in folder.glob("seg-*.m4s"))
        assert video < v["bytes"] < video * 3  # the rung's video plus one language's audio
    by_code = {l["code"]: l for l in manifest["languages"]}
    assert set(by_code["en"]["labels"]) == set(PAGE_LABELS) and by_code["en"]["untranslatedLabels"] == []
    pl = by_code["pl"]
    for english, polish in LABELS["pl"].items():
        assert pl["labels"][english] == polish
    assert set(pl["untranslatedLabels"]) == set(PAGE_LABELS) - set(LABELS["pl"])
    assert all(pl["labels"][k] == k for k in pl["untranslatedLabels"])
    assert set(by_code["ro"]["untranslatedLabels"]) == set(PAGE_LABELS)  # no catalog


def test_hls_segments_are_short_enough_to_start_fast(built_site):
    playlist = m3u8.load(str(published(built_site.dist, "hls/video/180/index.m3u8")))
    assert playlist.target_duration <= 2
    assert all(s.duration <= 2.0 + 1e-3 for s in playlist.segments)
    assert playlist.segments[0].duration <= 1.0 + 1e-3  # the first frame needs only the first second
