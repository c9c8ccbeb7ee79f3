"""Benchmark the six burned-in caption encodes: libass (before) against drawn-and-composited (after).

Run from the repository root: `.venv/bin/python bench/captions_bench.py [--seconds N] [--json OUT]`.

For each language of the demo film, in one run and interleaved (before/after, then after/before
for the next language, so that load from other users of the machine falls on both alike):

- before: the old path, kept in bench/libass_baseline.py: an ASS script of the cues, fonts
  linked into a folder, and ffmpeg's `ass` filter (libass, `shaping=complex`) after the scale;
- after: the build's path: every cue drawn once by pipeline.captions (Pillow/raqm), cropped to
  the caption band, and the build's own ffmpeg call (`pipeline.render.captions.burn_argv`: a
  concat stream of the cue images overlaid once on the scaled picture).

Both encode the master at 720p with the build's x264 settings (`ladder.x264_args`, not draft)
and copy the language's audio. Measured: wall seconds, and CPU seconds (ffmpeg's, plus this
process's own for drawing the cues in the after case). Everything is written to a temporary
folder; nothing in the checkout is touched.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import libass_baseline  # noqa: E402

from pipeline import ffmpeg  # noqa: E402
from pipeline.captions.render import CaptionBox  # noqa: E402
from pipeline.probe import probe_media  # noqa: E402
from pipeline.project import load_project  # noqa: E402
from pipeline.render import captions, ladder  # noqa: E402
from pipeline.render.common import master_duration, master_fps, rung_width  # noqa: E402
from pipeline.subtitles.reader import load_cues  # noqa: E402

HEIGHT = 720


def cpu_now() -> float:
    """CPU seconds so far of this process and its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def encode_settings(fps, width: int, iso: str, matrix: str) -> dict:  # type: ignore[no-untyped-def]
    return {
        "fps": str(fps),
        "width": width,
        "height": HEIGHT,
        "matrix": matrix,
        "x264": ladder.x264_args(HEIGHT, fps, draft=False),
        "iso639_2": iso,
    }


def limit(argv: list[str], seconds: float | None) -> list[str]:
    """Stop the output after `seconds` (a shorter run for a quick look)."""
    if not seconds:
        return argv
    return [*argv[:-1], "-t", f"{seconds:.3f}", argv[-1]]


def before(project, lang, master: Path, audio: Path, work: Path, settings: dict, seconds) -> Path:  # type: ignore[no-untyped-def]
    """The old libass path."""
    work.mkdir()
    doc = load_cues(lang, project)
    chain = captions.burn_in_fonts(lang.profile)
    script = libass_baseline.script(doc.cues, lang.profile, settings["width"], HEIGHT, chain)
    (work / "captions.ass").write_text(script, encoding="utf-8")
    (work / "fonts").mkdir()
    for i, font in enumerate(chain):
        os.symlink(font.path, work / "fonts" / f"{i}{font.path.suffix}")
    fps = settings["fps"].split("/")
    num, den = (fps[0], fps[1]) if len(fps) == 2 else (fps[0], "1")
    graph = (
        f"[0:v:0]fps={num}/{den},"
        f"scale={settings['width']}:{HEIGHT}:flags=lanczos:in_color_matrix={settings['matrix']}"
        ":out_color_matrix=bt709:out_range=tv,setsar=1,format=yuv420p,"
        "ass=filename=captions.ass:shaping=complex:fontsdir=fonts[v]"
    )
    out = work / "before.mp4"
    argv = ["-i", str(master), "-i", str(audio), "-filter_complex", graph, "-map", "[v]", "-map", "1:a:0"]
    argv += [*settings["x264"], "-c:a", "copy", "-movflags", "+faststart", str(out)]
    ffmpeg.run(limit(argv, seconds), cwd=work)
    return out


def after(project, lang, master: Path, audio: Path, work: Path, settings: dict, seconds, duration: float) -> Path:  # type: ignore[no-untyped-def]
    """The build's path: draw every cue once, composite with the build's own ffmpeg call."""
    work.mkdir()
    doc = load_cues(lang, project)
    chain = captions.burn_in_fonts(lang.profile)
    box = CaptionBox(settings["width"], HEIGHT)
    (x, y), timeline = captions.draw_cues(doc.cues, lang.profile, box, project.captions, chain, work)
    (work / captions.CONCAT_NAME).write_text(captions.concat_list(timeline, duration), encoding="utf-8")
    out = work / "after.mp4"
    ffmpeg.run(limit(captions.burn_argv(master, audio, out, settings, x, y), seconds), cwd=work)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=None, help="encode only the first N seconds")
    parser.add_argument("--json", type=Path, default=None, help="write the raw numbers here")
    args = parser.parse_args()

    project = load_project(REPO)
    facts = probe_media(project.film.master)
    fps = master_fps(facts)
    width = rung_width(facts, HEIGHT)
    duration = master_duration(facts)
    matrix = "bt709" if (facts.video and facts.video.height >= 720) else "bt601"
    rows = []
    t_start = time.monotonic()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="filmpipe-captions-bench-") as tmp:
        root = Path(tmp)
        for k, lang in enumerate(project.languages):
            audio = lang.audio or project.film.master
            settings = encode_settings(fps, width, lang.profile.iso639_2, matrix)
            order = ("before", "after") if k % 2 == 0 else ("after", "before")
            row: dict = {"language": lang.code}
            for which in order:
                wall0, cpu0 = time.monotonic(), cpu_now()
                if which == "before":
                    out = before(
                        project, lang, project.film.master, audio, root / f"{lang.code}-b", settings, args.seconds
                    )
                else:
                    out = after(
                        project,
                        lang,
                        project.film.master,
                        audio,
                        root / f"{lang.code}-a",
                        settings,
                        args.seconds,
                        duration,
                    )
                row[which] = {
                    "wall": round(time.monotonic() - wall0, 2),
                    "cpu": round(cpu_now() - cpu0, 2),
                    "bytes": out.stat().st_size,
                }
            print(
                f"{lang.code}: libass {row['before']['wall']:.1f} s wall {row['before']['cpu']:.1f} s CPU; "
                f"composited {row['after']['wall']:.1f} s wall {row['after']['cpu']:.1f} s CPU",
                flush=True,
            )
            rows.append(row)
    total = {w: {m: round(sum(r[w][m] for r in rows), 2) for m in ("wall", "cpu")} for w in ("before", "after")}
    result = {
        "machine": {
            "python": platform.python_version(),
            "ffmpeg": ffmpeg.version(),
            "cores": os.cpu_count(),
            "load_at_start": round(load, 1),
        },
        "seconds_encoded": args.seconds or round(duration, 2),
        "languages": rows,
        "total": total,
        "ratio_wall": round(total["after"]["wall"] / total["before"]["wall"], 3),
        "ratio_cpu": round(total["after"]["cpu"] / total["before"]["cpu"], 3),
        "run_seconds": round(time.monotonic() - t_start, 1),
    }
    print("\n| language | libass wall s | libass CPU s | composited wall s | composited CPU s | CPU ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        ratio = r["after"]["cpu"] / r["before"]["cpu"] if r["before"]["cpu"] else float("nan")
        print(
            f"| {r['language']} | {r['before']['wall']} | {r['before']['cpu']} | "
            f"{r['after']['wall']} | {r['after']['cpu']} | {ratio:.3f} |"
        )
    print(
        f"| all six | {total['before']['wall']} | {total['before']['cpu']} | {total['after']['wall']} | "
        f"{total['after']['cpu']} | {result['ratio_cpu']:.3f} |"
    )
    print(f"\nwall ratio (after / before): {result['ratio_wall']:.3f}; CPU ratio: {result['ratio_cpu']:.3f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
