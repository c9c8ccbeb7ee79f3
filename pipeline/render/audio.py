"""One normalised audio track per language: the dub or the master's audio, cut to the film.

Two passes (EBU R128, measured with ffmpeg's ebur128 filter): pass 1 measures the track
padded or trimmed to the master's exact duration; pass 2 applies the gain. A plain linear gain is used
whenever it reaches the target without pushing the true peak over the limit (the mix is left
exactly as the sound designer made it); otherwise loudnorm's measured two-pass mode with its
true-peak limiter. The result is measured again for the manifest.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline import codecs, ffmpeg
from pipeline.engine.model import PlanContext, Task, TaskOutput, TaskRun
from pipeline.render.common import fmt_number, master_duration, safe_component, seconds_progress

RECIPE = 4  # 3: a 64 kbit/s twin (LOW_OUTPUT); 4: the twin at 48 kbit/s
OUTPUT = "audio.m4a"
SAMPLE_RATE = 48000
BITRATE = "128k"
# A second, smaller encode of the same normalised mix for the lowest HLS rungs and the mobile
# MP4: on a 300 kbit/s link 128 kbit/s of audio would leave the picture too little. AAC-LC
# (Debian's ffmpeg has no HE-AAC encoder) at 48 kbit/s stereo: speech stays clear, and with the
# 200 kbit/s slow-phone rung the pair fits 83 % of a 300 kbit/s link (bench/README.md).
LOW_OUTPUT = "audio-low.m4a"
LOW_BITRATE = "48k"
DEFAULT_LRA = 11.0


def task_id(lang: str) -> str:
    return f"audio/{lang}"


def described_task_id(lang: str) -> str:
    """The language's described mix (audio description), normalised like a dub."""
    return f"audio-described/{lang}"


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS (-inf for silence)
    true_peak: float  # dBTP
    lra: float  # LU
    threshold: float  # LUFS
    offset: float  # loudnorm's target offset

    @property
    def silent(self) -> bool:
        return not math.isfinite(self.integrated) or self.integrated < -69


def _float(value: object) -> float:
    try:
        return float(str(value).strip())
    except ValueError:
        return float("-inf")


def parse_loudnorm(stderr: str) -> Loudness:
    """The JSON block loudnorm prints at the end of its run."""
    blocks = re.findall(r"\{[^{}]*\"input_i\"[^{}]*\}", stderr, re.S)
    if not blocks:
        raise ValueError("loudnorm printed no measurement")
    data = json.loads(blocks[-1])
    return Loudness(
        integrated=_float(data["input_i"]),
        true_peak=_float(data["input_tp"]),
        lra=max(0.0, _float(data["input_lra"])),
        threshold=_float(data["input_thresh"]),
        offset=_float(data.get("target_offset", 0)),
    )


def fit_filter(duration: float) -> str:
    """Resample to 48 kHz, pad with silence or cut, so the track lasts exactly `duration`."""
    d = fmt_number(duration)
    return f"aresample={SAMPLE_RATE},apad=whole_dur={d},atrim=duration={d},asetpts=N/SR/TB"


def measure_filter(target_i: float, target_tp: float) -> str:
    return (
        f"loudnorm=I={fmt_number(target_i)}:TP={fmt_number(target_tp)}:LRA={fmt_number(DEFAULT_LRA)}:print_format=json"
    )


def gain_filter(measured: Loudness, target_i: float, target_tp: float) -> tuple[str, str]:
    """(filter, kind): linear gain if it fits under the true-peak limit, else loudnorm two-pass."""
    if measured.silent:
        return "anull", "none"
    gain = target_i - measured.integrated
    if measured.true_peak + gain <= target_tp:
        return f"volume={fmt_number(gain)}dB", "linear"
    lra = min(50.0, max(DEFAULT_LRA, math.ceil(measured.lra + 1)))
    clamp = lambda v, lo, hi: min(max(v, lo), hi)  # noqa: E731 - loudnorm rejects out-of-range values
    return (
        f"loudnorm=I={fmt_number(target_i)}:TP={fmt_number(target_tp)}:LRA={fmt_number(lra)}"
        f":measured_I={fmt_number(clamp(measured.integrated, -99, 0))}"
        f":measured_TP={fmt_number(clamp(measured.true_peak, -99, 99))}"
        f":measured_LRA={fmt_number(clamp(measured.lra, 0, 99))}"
        f":measured_thresh={fmt_number(clamp(measured.threshold, -99, 0))}"
        f":offset={fmt_number(clamp(measured.offset, -99, 99))}:linear=true:print_format=none"
        f",aresample={SAMPLE_RATE}",
        "dynamic",
    )


def parse_ebur128(stderr: str) -> Loudness:
    """The summary the ebur128 filter prints at the end of its run."""
    summary = stderr[stderr.rfind("Summary:") :]
    if "Summary:" not in summary:
        raise ValueError("ebur128 printed no summary")

    def number(label: str, after: str = "") -> float:
        part = summary[summary.find(after) :] if after else summary
        match = re.search(rf"{label}:\s+(-?inf|-?[\d.]+)", part)
        return _float(match.group(1)) if match else float("-inf")

    return Loudness(
        integrated=number("I"),
        true_peak=number("Peak", "True peak"),
        lra=max(0.0, number("LRA")),
        threshold=number("Threshold"),
        offset=0.0,
    )


def _measure_argv(path: Path, chain: str) -> list[str]:
    return ["-i", str(path), "-map", "0:a:0", "-vn", "-sn", "-dn", "-af", chain, "-f", "null", "-"]


def measure(path: Path, pre_filter: str = "") -> Loudness:
    """Integrated loudness, true peak and loudness range (EBU R128 / BS.1770) with ebur128."""
    chain = ",".join(f for f in (pre_filter, "ebur128=peak=true:framelog=verbose") if f)
    _, stderr = ffmpeg.capture(_measure_argv(path, chain), what=f"measuring the loudness of {path.name}")
    return parse_ebur128(stderr)


def measure_loudnorm(path: Path, pre_filter: str, target_i: float, target_tp: float) -> Loudness:
    """loudnorm's own first pass: the measured values its second (dynamic) pass needs."""
    chain = ",".join(f for f in (pre_filter, measure_filter(target_i, target_tp)) if f)
    _, stderr = ffmpeg.capture(_measure_argv(path, chain), what=f"measuring the loudness of {path.name}")
    return parse_loudnorm(stderr)


def plan_tasks(context: PlanContext) -> list[Task]:
    project = context.project
    duration = master_duration(context.master)
    has_master_audio = context.master.audio is not None
    tasks = []
    for lang in project.languages:
        code = safe_component(lang.code, "language code")
        inputs: tuple[Path, ...]
        if lang.audio is not None:
            source, inputs = "dub", (lang.audio,)
        elif has_master_audio:
            source, inputs = "master", (context.master.path,)
        else:
            source, inputs = "silent", ()
        variants = [(task_id(code), f"audio ({source})", source, inputs)]
        if lang.described_audio is not None:
            variants.append((described_task_id(code), "described audio", "described", (lang.described_audio,)))
        for id_, what, kind, files in variants:
            tasks.append(
                Task(
                    id=id_,
                    title=f"Normalise {lang.profile.name} {what}",
                    action=make_audio,
                    inputs=files,
                    settings={
                        "recipe": RECIPE,
                        "language": code,
                        "source": kind,
                        "duration": round(duration, 6),
                        "loudness_lufs": project.output.loudness_lufs,
                        "true_peak_dbtp": project.output.true_peak_dbtp,
                        "codec": ["aac", BITRATE, SAMPLE_RATE, 2, LOW_BITRATE],
                    },
                    weight=duration * 0.08,
                )
            )
    return tasks


def make_audio(run: TaskRun) -> TaskOutput:
    settings = run.task.settings
    duration = float(settings["duration"])
    target_i = float(settings["loudness_lufs"])
    target_tp = float(settings["true_peak_dbtp"])
    source = settings["source"]
    out = run.out / OUTPUT

    def encode(bitrate: str, name: str) -> list[str]:
        return [
            "-c:a",
            "aac",
            "-b:a",
            bitrate,
            "-ar",
            str(SAMPLE_RATE),
            "-ac",
            "2",
            "-map_metadata",
            "-1",
            "-movflags",
            "+faststart",
            name,
        ]

    if source == "silent":
        ffmpeg.run(
            [
                "-f",
                "lavfi",
                "-t",
                fmt_number(duration),
                "-i",
                f"anullsrc=channel_layout=stereo:sample_rate={SAMPLE_RATE}",
                *encode(BITRATE, OUTPUT),
                *encode(LOW_BITRATE, LOW_OUTPUT),
            ],
            what="making a silent audio track",
            cwd=run.out,
        )
        run.progress(1.0)
        return TaskOutput(
            meta={
                "source": "silent",
                "integratedLufs": None,
                "truePeakDbtp": None,
                "normalization": "none",
                "codecs": codecs.AAC_LC,
                "file": OUTPUT,
                "lowFile": LOW_OUTPUT,
            }
        )
    src = Path(run.task.inputs[0])
    fit = fit_filter(duration)
    before = measure(src, fit)
    run.progress(0.3)
    gain, kind = gain_filter(before, target_i, target_tp)
    if kind == "dynamic":  # loudnorm's second pass wants its own first pass's figures
        gain, kind = gain_filter(measure_loudnorm(src, fit, target_i, target_tp), target_i, target_tp)
    run.progress(0.35)
    ffmpeg.run(
        [
            "-i",
            str(src),
            *["-map", "0:a:0", "-vn", "-sn", "-dn", "-af", f"{fit},{gain}", *encode(BITRATE, OUTPUT)],
            *["-map", "0:a:0", "-vn", "-sn", "-dn", "-af", f"{fit},{gain}", *encode(LOW_BITRATE, LOW_OUTPUT)],
        ],
        what=f"normalising the audio of {src.name}",
        on_progress=seconds_progress(run.progress, duration, 0.35, 0.85),
        cwd=run.out,
    )
    after = measure(out)
    stream = next(s for s in ffmpeg.probe(out)["streams"] if s.get("codec_type") == "audio")
    run.progress(1.0)
    return TaskOutput(
        meta={
            "source": source,
            "integratedLufs": round(after.integrated, 1) if not after.silent else None,
            "truePeakDbtp": round(after.true_peak, 1) if not after.silent else None,
            "measuredBefore": {
                "integratedLufs": round(before.integrated, 1) if not before.silent else None,
                "truePeakDbtp": round(before.true_peak, 1) if not before.silent else None,
            },
            "normalization": kind,
            "codecs": codecs.from_stream(stream) or codecs.AAC_LC,
            "file": OUTPUT,
            "lowFile": LOW_OUTPUT,
        }
    )
