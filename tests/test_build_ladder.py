"""The ladder's ffmpeg arguments and the RFC 6381 codec strings (no encoding here)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from build_helpers import project_at, set_output

from pipeline import codecs
from pipeline.engine.plan import make_context
from pipeline.render import ladder


def value_after(argv: list[str], flag: str) -> str:
    return argv[argv.index(flag) + 1]


@pytest.mark.parametrize("fps, frames", [(25, 50), (Fraction(30000, 1001), 60), (Fraction(24000, 1001), 48), (50, 100)])
def test_an_idr_every_two_seconds_and_no_scene_cuts(fps, frames):
    argv = ladder.x264_args(720, fps, draft=False)
    assert value_after(argv, "-g") == str(frames)
    assert value_after(argv, "-keyint_min") == str(frames)
    assert value_after(argv, "-sc_threshold") == "0"
    params = value_after(argv, "-x264-params").split(":")
    assert f"keyint={frames}" in params and "scenecut=0" in params and "open-gop=0" in params
    assert value_after(argv, "-flags") == "+cgop"
    assert value_after(argv, "-force_key_frames") == ladder.force_key_frames()


@pytest.mark.parametrize("fps", [25, Fraction(30000, 1001), Fraction(24000, 1001), 50])
def test_idrs_fall_at_0_1_2_4_6_seconds_whatever_the_frame_rate(fps, tmp_path):
    """The encoder's own keyframes (ffprobe), from the build's x264 arguments on 7 s of tiny video."""
    import subprocess

    out = tmp_path / "k.mp4"
    rate = f"{fps.numerator}/{fps.denominator}" if isinstance(fps, Fraction) else str(fps)
    args = ladder.x264_args(36, fps, draft=True)
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", f"testsrc2=size=64x36:rate={rate}:duration=7"]
        + args
        + [str(out)],
        check=True,
    )
    probed = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "packet=pts_time,flags"]
        + ["-of", "csv=p=0", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    keys = [float(line.split(",")[0]) for line in probed.stdout.split() if "K" in line.split(",")[1]]
    frame = 1 / float(fps)
    assert len(keys) == 5, keys
    for got, want in zip(keys, (0, 1, 2, 4, 6), strict=True):
        assert want <= got < want + frame + 1e-6, keys


def test_h264_high_yuv420p_bt709_and_a_capped_crf():
    argv = ladder.x264_args(1080, 25, draft=False)
    assert value_after(argv, "-c:v") == "libx264"
    assert value_after(argv, "-profile:v") == "high"
    assert value_after(argv, "-pix_fmt") == "yuv420p"
    for flag in ("-colorspace", "-color_primaries", "-color_trc"):
        assert value_after(argv, flag) == "bt709"
    assert value_after(argv, "-crf") == str(ladder.CRF)
    maxrate = int(value_after(argv, "-maxrate").rstrip("k"))
    assert maxrate == ladder.MAXRATE_KBPS[1080]
    assert int(value_after(argv, "-bufsize").rstrip("k")) == 2 * maxrate
    low = ladder.x264_args(240, 25, draft=False)  # the slow-phone rung: a 1 s buffer
    assert int(value_after(low, "-bufsize").rstrip("k")) == int(value_after(low, "-maxrate").rstrip("k"))
    assert value_after(argv, "-preset") == "medium"
    assert value_after(ladder.x264_args(1080, 25, draft=True), "-preset") == "veryfast"


def test_caps_grow_with_the_rung():
    caps = [ladder.maxrate_kbps(h) for h in (180, 360, 480, 720, 1080)]
    assert caps == sorted(caps) and len(set(caps)) == len(caps)


def test_one_decode_split_into_every_rung(make_project):
    root = make_project(languages=("en",))
    set_output(root, ladder=[180, 120, 90], progressive=[180], open_captions=[180])
    context = make_context(project_at(root))
    argv = ladder.ladder_argv(context, context.ladder)
    assert argv.count("-i") == 1
    graph = value_after(argv, "-filter_complex")
    assert "split=3" in graph
    assert "scale=320:180" in graph and "scale=214:120" in graph and "scale=160:90" in graph
    outputs = [a for a in argv if a.startswith("video-")]
    assert outputs == ["video-180.mp4", "video-120.mp4", "video-90.mp4"]
    assert argv.count("-an") == 3


@pytest.mark.parametrize(
    "profile, level, expected",
    [
        ("High", 40, "avc1.640028"),
        ("High", 31, "avc1.64001f"),
        ("Main", 30, "avc1.4d001e"),
        ("Constrained Baseline", 30, "avc1.42c01e"),
    ],
)
def test_avc1_codec_strings(profile, level, expected):
    assert codecs.avc1(profile, level) == expected


def test_codec_strings_from_probed_streams():
    assert codecs.from_stream({"codec_name": "h264", "profile": "High", "level": 12}) == "avc1.64000c"
    assert codecs.from_stream({"codec_name": "aac", "profile": "LC"}) == "mp4a.40.2"
    assert codecs.from_stream({"codec_name": "aac", "profile": "HE-AAC"}) == "mp4a.40.5"
    assert codecs.join("avc1.64001f", None, "mp4a.40.2") == "avc1.64001f,mp4a.40.2"
