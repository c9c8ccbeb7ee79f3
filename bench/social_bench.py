"""Benchmark the social pack: one ffmpeg process for every cut of a language, against the same
files made one cut at a time, and against today's single 16:9 captioned encode.

Run from the repository root: `.venv/bin/python bench/social_bench.py [--lang ur] [--seconds 20]`.

All three runs use the demo film's master (cut to `--seconds` when given, in a temporary folder;
nothing in the checkout is touched), the same language's normalised audio stand-in (the dub
re-encoded to AAC 48 kHz once, outside the timings) and the same drawn title and caption
images (drawn once, outside the timings: drawing is the same work in every run):

1. pack: the graph the build runs (pipeline.render.social.graph_args): one decode of the
   master, `split`, one encode per cut (landscape 16:9, vertical 9:16, square 1:1), CRF 19
   veryfast;
2. one cut at a time: three ffmpeg processes, each decoding the master for one cut, same
   graph per cut and same settings;
3. today's single 16:9 captioned encode: one process, the landscape cut alone with the
   ladder's settings (x264 medium, capped CRF 21), as the open-captions task encodes it.

Wall time and child CPU time (user + system) of each, the ratios printed as a Markdown table;
`--json FILE` writes the raw numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline import ffmpeg  # noqa: E402
from pipeline.engine.plan import make_context  # noqa: E402
from pipeline.project import load_project  # noqa: E402
from pipeline.render import ladder, social  # noqa: E402
from pipeline.render.common import master_fps  # noqa: E402
from pipeline.subtitles.reader import load_cues  # noqa: E402


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    cpu0, t0 = children_cpu(), time.monotonic()
    ffmpeg.run(argv, what="benchmark", cwd=cwd)
    return time.monotonic() - t0, children_cpu() - cpu0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", default="ur")
    parser.add_argument("--seconds", type=float, default=None, help="cut the master to this many seconds first")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    project = load_project(REPO)
    project = project.only((args.lang,))
    project = replace(project, social=replace(project.social, shapes=("vertical", "square")))
    work = Path(tempfile.mkdtemp(prefix="filmpipe-social-bench-"))
    try:
        if args.seconds:
            cut = work / "master.mp4"
            ffmpeg.run(
                ["-i", str(project.film.master), "-t", f"{args.seconds}", "-c", "copy", str(cut)],
                what="cutting the master",
            )
            project = replace(project, film=replace(project.film, master=cut))
        context = make_context(project)
        lang = project.language(args.lang)
        fps = master_fps(context.master)
        duration = float(context.master.duration)
        audio_file = work / "audio.m4a"
        ffmpeg.run(
            [
                "-i",
                str(lang.audio or project.film.master),
                "-map",
                "0:a:0",
                "-t",
                f"{duration}",
                "-c:a",
                "aac",
                "-b:a",
                "128k",
                "-ar",
                "48000",
                "-ac",
                "2",
                str(audio_file),
            ],
            what="preparing the audio",
        )
        layouts = social.layouts(context)
        style = social.caption_style(project)
        cues = load_cues(lang, project).cues
        title = social.translator(project, lang.code)(project.film.title)
        prepared = []
        for layout in layouts.values():
            t = social.draw_title(title, lang, layout, style, work, f"title-{layout.shape}.png")
            c = social.draw_captions(cues, lang, layout, style, work, f"cues-{layout.shape}", duration)
            prepared.append((layout, t, c, f"out-{layout.shape}.mp4"))
        settings = {
            "fps": str(fps),
            "matrix": ladder.input_matrix(context),
            "background": project.social.background,
            "x264": social.x264_social(fps, False),
            "iso639_2": lang.profile.iso639_2,
        }
        out_args = social._video_output_args(settings, duration)
        runs: dict[str, tuple[float, float]] = {}
        runs["pack"] = timed(
            social.graph_args(context.master.path, audio_file, prepared, settings, output_args=out_args), work
        )
        wall = cpu = 0.0
        for one in prepared:
            w, c = timed(
                social.graph_args(context.master.path, audio_file, [one], settings, output_args=out_args), work
            )
            wall, cpu = wall + w, cpu + c
        runs["one cut at a time"] = (wall, cpu)
        landscape = [p for p in prepared if p[0].shape == "landscape"]
        today = dict(settings, x264=ladder.x264_args(landscape[0][0].height, fps, False))
        runs["today: one 16:9 captioned encode"] = timed(
            social.graph_args(
                context.master.path,
                audio_file,
                landscape,
                today,
                output_args=social._video_output_args(today, duration),
            ),
            work,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    base_wall, base_cpu = runs["one cut at a time"]
    today_wall, today_cpu = runs["today: one 16:9 captioned encode"]
    print(
        f"Social pack benchmark: {args.lang}, {duration:.1f} s of the demo film, cuts {', '.join(layouts)}; "
        f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"
    )
    print()
    print("| run | wall s | CPU s | CPU / one at a time | CPU / today's 16:9 | wall / one at a time |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (wall, cpu) in runs.items():
        print(
            f"| {name} | {wall:.1f} | {cpu:.1f} | {cpu / base_cpu:.3f} | {cpu / today_cpu:.3f} | {wall / base_wall:.3f} |"
        )
    if args.json:
        args.json.write_text(
            json.dumps({"language": args.lang, "seconds": duration, "runs": runs, "load": os.getloadavg()[0]}, indent=2)
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
