"""Benchmark `filmpipe validate`: 6 languages of 2,000 cues each, cold and warm, next to the
time pysrt alone takes to read the same files.

    .venv/bin/python bench/validate_bench.py [--cues 2000] [--workdir /tmp/filmpipe-bench] [--out /tmp/validate.md]

The film is generated with lavfi (a still colour at 320x180, 25 fps, and a tone) long enough
for every cue; it is kept in --workdir so a second run skips making it. "cold" starts with an
empty measurement cache (the master is decoded and its audio measured), "warm" runs again
with nothing changed. Each timing is the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import platform
import resource
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pysrt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.project import load_project  # noqa: E402
from pipeline.subtitles.model import clock  # noqa: E402
from pipeline.subtitles.reader import read_subtitles  # noqa: E402
from pipeline.validate.cache import CACHE_DIR  # noqa: E402
from pipeline.validate.run import validate_project  # noqa: E402

# Short cues that pass every rule (1.0 s each, so at most 17 characters; English 20).
PHRASES: dict[str, tuple[str, ...]] = {
    "en": ("Hello, neighbours.", "Meet your team.", "We walk the beat.", "Call 101.", "See you soon."),
    "pl": ("Cześć, sąsiedzi!", "Poznaj zespół.", "Jesteśmy blisko.", "Zadzwoń: 101.", "Do zobaczenia."),
    "ro": ("Bună, vecini!", "Cunoaște echipa.", "Suntem aproape.", "Sună la 101.", "Pe curând."),
    "ur": ("سلام، پڑوسیو!", "ٹیم سے ملیں۔", "ہم قریب ہیں۔", "۱۰۱ پر کال کریں۔", "پھر ملیں گے۔"),
    "bn": ("নমস্কার!", "দলকে জানুন।", "আমরা কাছেই আছি।", "১০১ নম্বরে ফোন।", "আবার দেখা হবে।"),
    "gu": ("નમસ્તે!", "ટીમને મળો.", "અમે નજીક છીએ.", "૧૦૧ પર ફોન.", "ફરી મળીશું."),
}
SPACING, LENGTH = 1.2, 1.0


def stamp(seconds: float) -> str:
    return clock(seconds, ",")


def make_project(workdir: Path, cues: int) -> Path:
    root = workdir / f"film-{cues}"
    duration = cues * SPACING + 1
    master = root / "assets" / "master.mp4"
    if not master.exists():
        master.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "ffmpeg",
                "-nostdin",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                f"color=c=0x336699:size=320x180:rate=25:duration={duration}",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency=440:sample_rate=48000:duration={duration}",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-tune",
                "stillimage",
                "-g",
                "250",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-b:a",
                "64k",
                "-shortest",
                str(master) + ".tmp.mp4",
            ],
            check=True,
        )
        Path(str(master) + ".tmp.mp4").rename(master)
    (root / "subtitles").mkdir(exist_ok=True)
    tables = []
    for lang, phrases in PHRASES.items():
        blocks = []
        for i in range(cues):
            start = 0.5 + i * SPACING
            blocks.append(f"{i + 1}\n{stamp(start)} --> {stamp(start + LENGTH)}\n{phrases[i % len(phrases)]}\n")
        (root / "subtitles" / f"{lang}.srt").write_text("\n".join(blocks), encoding="utf-8")
        tables.append(f'[languages.{lang}]\nsubtitles = "subtitles/{lang}.srt"\n')
        if lang != "en":
            po = root / "locales" / lang / "LC_MESSAGES" / "film.po"
            po.parent.mkdir(parents=True, exist_ok=True)
            po.write_text(
                f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                f'msgid "Bench film"\nmsgstr "{phrases[0]}"\n',
                encoding="utf-8",
            )
    (root / "film.toml").write_text(
        '[film]\nid = "bench"\ntitle = "Bench film"\nsource_language = "en"\nmaster = "assets/master.mp4"\n\n'
        + "\n".join(tables)
        + "\n[output]\nladder = [180]\nprogressive = [180]\nopen_captions = []\n",
        encoding="utf-8",
    )
    return root


def _cpu() -> float:
    """CPU seconds of this process and its finished children (ffmpeg, a CLI run)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def best_of(repeat: int, func) -> tuple[tuple[float, float], object]:
    """(wall seconds, CPU seconds) of the fastest of `repeat` runs, and its result.

    CPU time is reported too because the machine this ran on was shared: wall time there
    depends on what else runs, CPU time much less."""
    times, result = [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), _cpu()
        result = func()
        times.append((time.perf_counter() - t0, _cpu() - c0))
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cues", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/filmpipe-bench"))
    parser.add_argument("--out", type=Path, default=None, help="write a Markdown table here")
    args = parser.parse_args()

    t0 = time.perf_counter()
    root = make_project(args.workdir, args.cues)
    made = time.perf_counter() - t0
    project = load_project(root)
    files = [lang.subtitles for lang in project.languages]
    total_cues = len(files) * args.cues
    total_bytes = sum(f.stat().st_size for f in files)

    t_pysrt, _ = best_of(args.repeat, lambda: [pysrt.open(str(f), encoding="utf-8") for f in files])
    t_read, _ = best_of(
        args.repeat, lambda: [read_subtitles(f, l.code) for f, l in zip(files, project.languages, strict=False)]
    )

    def cold():
        shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
        return validate_project(project)

    t_cold, report_cold = best_of(1, cold)
    t_warm, report_warm = best_of(args.repeat, lambda: validate_project(project))
    t_cli, _ = best_of(
        args.repeat,
        lambda: subprocess.run(
            [sys.executable, "-m", "pipeline", "validate", "-p", str(root), "--format", "json"],
            capture_output=True,
            check=False,
        ),
    )

    rows = [
        ("pysrt.open, 6 files (parse only)", t_pysrt),
        ("filmpipe read_subtitles, 6 files (decode, parse, mojibake scan)", t_read),
        ("validate_project, cold (empty cache: master decoded and measured)", t_cold),
        ("validate_project, warm (media from cache, every subtitle rule)", t_warm),
        ("`filmpipe validate --format json`, warm, whole process", t_cli),
    ]
    lines = [
        f"Validating {len(files)} languages x {args.cues:,} cues ({total_cues:,} cues, {total_bytes / 1024:.0f} KiB of SRT) "
        f"against a {args.cues * SPACING + 1:.0f} s 320x180 master; best of {args.repeat} (cold: one run).",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, pysrt {metadata.version('pysrt')}; "
        f"load average at start {_load()}.",
        "",
        "| what | wall s | CPU s | CPU ms per 1,000 cues |",
        "|---|---:|---:|---:|",
    ]
    for name, (wall, cpu) in rows:
        lines.append(f"| {name} | {wall:.2f} | {cpu:.2f} | {cpu / total_cues * 1e6:.0f} |")
    lines += [
        "",
        f"Findings: cold {len(report_cold.findings)}, warm {len(report_warm.findings)} "
        f"(the same: {report_cold == report_warm}); making the test film took {made:.1f} s.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text("## Validation benchmark\n\n" + text + "\n", encoding="utf-8")


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


if __name__ == "__main__":
    main()
