"""Benchmark `filmpipe build` against a straightforward per-language ffmpeg script.

Run from the repository root: `.venv/bin/python bench/build_bench.py` (`make bench`).

Everything happens in temporary copies of the demo project, never in the checkout:

1. baseline: for each language, one ffmpeg process that decodes the master, scales it to
   720p and encodes it with the same x264 settings filmpipe uses, with that language's audio
   (dub or master, one-pass loudnorm, AAC 128k) - what one would write by hand;
2. filmpipe, configured to produce the same progressive MP4s (ladder [720], progressive
   [720], no burned-in captions), from a cold cache; then a rebuild with nothing changed and a
   rebuild after one subtitle file changed;
3. optionally (`--full`) the full demo build (four rungs, captions, HLS), cold, plus the same
   two rebuilds.

Wall time and the CPU time of child processes are measured for each; the results are printed
as a Markdown table and written as JSON (`--json`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.probe import probe_media  # noqa: E402
from pipeline.project import load_project  # noqa: E402
from pipeline.render.common import master_duration, master_fps, rung_width  # noqa: E402
from pipeline.render.ladder import x264_args  # noqa: E402

FILMPIPE = [str(REPO / ".venv" / "bin" / "filmpipe")]
HEIGHT = 720


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], log: list[str] | None = None) -> tuple[float, float]:
    """(wall seconds, child CPU seconds) of one command, which must succeed; stdout into `log`."""
    cpu0, t0 = children_cpu(), time.monotonic()
    done = subprocess.run(argv, check=True, stdout=subprocess.PIPE, text=True)
    if log is not None:
        log.extend(done.stdout.splitlines())
    return time.monotonic() - t0, children_cpu() - cpu0


def task_shares(lines: list[str]) -> dict[str, float]:
    """Seconds per kind of task (ladder, audio, captions, ...) from the build's plain 'done' lines."""
    shares: dict[str, float] = {}
    for line in lines:
        match = re.match(r"\s+done\s+(\S+)\s+.*\(([\d.]+) s\)$", line.rstrip())
        if match:
            task_id = match.group(1)
            kind = "qc" if task_id.startswith("qc/") else task_id.split("/")[0]
            shares[kind] = shares.get(kind, 0.0) + float(match.group(2))
    return shares


def copy_project(dest: Path, source: Path = REPO) -> Path:
    dest.mkdir(parents=True)
    for name in ("film.toml", "assets", "subtitles", "locales"):
        src = source / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.is_file():
            shutil.copy2(src, dest / name)
    return dest


def set_output(project: Path, ladder: list[int], progressive: list[int], open_captions: list[int]) -> None:
    toml = project / "film.toml"
    lines = []
    for line in toml.read_text(encoding="utf-8").splitlines():
        key = line.split("=")[0].strip()
        if key == "ladder":
            line = f"ladder = {ladder}"
        elif key == "progressive":
            line = f"progressive = {progressive}"
        elif key == "open_captions":
            line = f"open_captions = {open_captions}"
        lines.append(line)
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")


def baseline(project_dir: Path, out: Path) -> tuple[float, float]:
    """The hand-written way: one full encode per language."""
    project = load_project(project_dir)
    master = probe_media(project.film.master)
    fps = master_fps(master)
    duration = master_duration(master)
    width = rung_width(master, HEIGHT)
    out.mkdir(parents=True, exist_ok=True)
    wall = cpu = 0.0
    for lang in project.languages:
        audio_in = ["-i", str(lang.audio)] if lang.audio else []
        audio_map = "1:a:0" if lang.audio else "0:a:0"
        argv = [
            "ffmpeg",
            "-nostdin",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(project.film.master),
            *audio_in,
            "-map",
            "0:v:0",
            "-map",
            audio_map,
            "-vf",
            f"scale={width}:{HEIGHT}:flags=lanczos,format=yuv420p",
            *x264_args(HEIGHT, fps, draft=False),
            "-af",
            f"apad=whole_dur={duration},atrim=duration={duration},loudnorm=I=-16:TP=-1,aresample=48000",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-ac",
            "2",
            "-metadata:s:a:0",
            f"language={lang.profile.iso639_2}",
            "-movflags",
            "+faststart",
            str(out / f"{lang.code}-{HEIGHT}.mp4"),
        ]
        w, c = timed(argv)
        wall, cpu = wall + w, cpu + c
    return wall, cpu


def touch_one_subtitle(project: Path, lang: str = "pl") -> None:
    """Change one subtitle file's content: the last cue's text gains an exclamation mark."""
    srt = project / "subtitles" / f"{lang}.srt"
    text = srt.read_text(encoding="utf-8").rstrip("\n")
    srt.write_text(text + "!\n", encoding="utf-8")


def filmpipe_runs(project: Path, label: str) -> list[dict]:
    rows = []
    log: list[str] = []
    wall, cpu = timed(FILMPIPE + ["build", "-p", str(project)], log)
    rows.append({"run": f"{label}: cold build", "wall": wall, "cpu": cpu, "task_seconds": task_shares(log)})
    wall, cpu = timed(FILMPIPE + ["build", "-p", str(project)])
    rows.append({"run": f"{label}: rebuild, nothing changed", "wall": wall, "cpu": cpu})
    touch_one_subtitle(project)
    wall, cpu = timed(FILMPIPE + ["build", "-p", str(project)])
    rows.append({"run": f"{label}: rebuild, pl.srt changed", "wall": wall, "cpu": cpu})
    return rows


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ffmpeg_version = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.split("\n")[0]
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "ffmpeg": ffmpeg_version,
        "load_average_at_start": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="also time the full demo build and its rebuilds")
    parser.add_argument("--json", type=Path, default=None, help="write the results here as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    parser.add_argument("--project", type=Path, default=REPO, help="the film project to copy (default: the demo)")
    args = parser.parse_args()

    info = machine()
    tmp = Path(tempfile.mkdtemp(prefix="filmpipe-bench-"))
    rows: list[dict] = []
    try:
        base_project = copy_project(tmp / "baseline", args.project)
        wall, cpu = baseline(base_project, tmp / "baseline-out")
        rows.append({"run": "baseline: one ffmpeg encode per language (6 x 720p MP4)", "wall": wall, "cpu": cpu})

        same = copy_project(tmp / "same-outputs", args.project)
        set_output(same, ladder=[HEIGHT], progressive=[HEIGHT], open_captions=[])
        rows += filmpipe_runs(same, "filmpipe, same MP4s (ladder [720], no captions)")

        if args.full:
            full = copy_project(tmp / "full", args.project)
            rows += filmpipe_runs(full, "filmpipe, full demo (4 rungs, captions, HLS)")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    base = rows[0]["wall"]
    print(f"Machine: {info['cpu']}, {info['cores']} cores, {info['system']}, {info['ffmpeg']}")
    print(f"Load average at start: {', '.join(f'{x:.2f}' for x in info['load_average_at_start'])}")
    print()
    print("| run | wall s | CPU s | wall / baseline |")
    print("|---|---:|---:|---:|")
    for row in rows:
        row["ratio"] = row["wall"] / base if base else None
        print(f"| {row['run']} | {row['wall']:.1f} | {row['cpu']:.1f} | {row['ratio']:.3f} |")
    for row in rows:
        shares = row.get("task_seconds")
        if shares:
            total = sum(shares.values()) or 1.0
            print(f"\nTask time by kind, {row['run']} (tasks overlap: shares of the summed task time):")
            for kind, seconds in sorted(shares.items(), key=lambda kv: -kv[1]):
                print(f"  {kind:<12} {seconds:7.1f} s  {100 * seconds / total:5.1f}%")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "rows": rows}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
