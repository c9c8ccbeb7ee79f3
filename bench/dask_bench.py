"""Dask executor benchmark: its overhead on the demo, and a simulated fleet of films.

1. **demo** (`--demo`): the demo film built from a cold cache with the thread pool (`-j 2`)
   and with `--executor dask` on a LocalCluster of two single-threaded worker processes,
   alternately (`--rounds N`), in temporary copies of the project, each run timed as the
   user sees it (the whole `filmpipe build` process) with the load average before and after.
   The ratio of the medians, dask/thread, is the overhead.
2. **fleet**: N small films x 6 languages that share one master and one set of dubs (only the
   title and subtitles differ per film), built (a) as one multi-film run on a LocalCluster and
   (b) film by film with the thread pool, each film with its own cache (what a team does
   without a shared graph). Counts the tasks each way ran: shared tasks must run once.

Nothing in the checkout is touched but the results: bench/dask_results.json (the part not
measured this time is kept) and stdout. bench/dask_overhead.py splits a small run's time.

    .venv/bin/python bench/dask_bench.py --films 12 [--demo]
    .venv/bin/python bench/dask_bench.py --no-fleet --demo --draft --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FILMPIPE = [sys.executable, "-m", "pipeline"]
LANGS = ("en", "pl", "ro", "ur", "bn", "gu")
TEXT = {
    "en": "Meet your team.",
    "pl": "Poznaj swój zespół.",
    "ro": "Cunoașteți echipa.",
    "ur": "اپنی ٹیم سے ملیں۔",
    "bn": "আপনার দলকে জানুন।",
    "gu": "તમારી ટીમને મળો.",
}


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


LAST_CPU: list[float] = [0.0]  # CPU seconds of the last build's whole process tree


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(args: list[str]) -> tuple[float, str]:
    """Run `filmpipe build`; its wall time and stdout. LAST_CPU gets the CPU time of everything it
    ran (its own Python, the Dask scheduler, nannies and workers, every ffmpeg and Chromium): all
    are waited for by their parents, so the kernel adds them to this process's children's usage."""
    cpu = children_cpu()
    start = time.monotonic()
    done = subprocess.run([*FILMPIPE, "build", *args], capture_output=True, text=True, cwd=REPO)
    if done.returncode != 0:
        raise SystemExit(f"build failed: {done.stdout}\n{done.stderr}")
    LAST_CPU[0] = children_cpu() - cpu
    return time.monotonic() - start, done.stdout


def tasks_run(output: str) -> int:
    return sum(1 for line in output.splitlines() if line.strip().startswith("done "))


def bench_demo(rounds: int, draft: bool) -> dict:
    """The demo from a cold cache, thread pool and LocalCluster alternately, `rounds` times each.

    Each run records the 1-minute load average before and after it: on a shared machine a
    ratio is only worth something when nothing else ran meanwhile."""
    runs: list[dict] = []
    for r in range(rounds):
        for kind in ("thread", "dask"):
            with tempfile.TemporaryDirectory(prefix="filmpipe-dask-bench-") as tmp:
                project = Path(tmp) / "demo"
                shutil.copytree(
                    REPO,
                    project,
                    ignore=shutil.ignore_patterns(".git", ".venv", "dist*", ".filmpipe-cache", "tests", "node_modules"),
                )
                extra = (["--executor", "dask"] if kind == "dask" else []) + (["--draft"] if draft else [])
                load_before = os.getloadavg()[0]
                seconds, _ = build(["-p", str(project), "-j", "2", *extra])
                run = {
                    "round": r + 1,
                    "executor": kind,
                    "wall_s": round(seconds, 1),
                    "cpu_s": round(LAST_CPU[0], 1),
                    "load_before": round(load_before, 2),
                    "load_after": round(os.getloadavg()[0], 2),
                }
                runs.append(run)
                print(json.dumps(run), flush=True)
    thread = statistics.median(r["wall_s"] for r in runs if r["executor"] == "thread")
    dask = statistics.median(r["wall_s"] for r in runs if r["executor"] == "dask")
    per_round = [
        round(d["wall_s"] / t["wall_s"], 3)
        for t, d in zip(runs[0::2], runs[1::2], strict=True)  # each round: thread, then dask
    ]
    cpu = {
        kind: round(statistics.median(r["cpu_s"] for r in runs if r["executor"] == kind), 1)
        for kind in ("thread", "dask")
    }
    return {
        "draft": draft,
        "workers": 2,
        "runs": runs,
        "thread_median_cpu_s": cpu["thread"],
        "dask_median_cpu_s": cpu["dask"],
        "dask_over_thread_cpu": round(cpu["dask"] / cpu["thread"], 3),
        "thread_median_s": round(thread, 1),
        "dask_median_s": round(dask, 1),
        "dask_over_thread": round(dask / thread, 3),
        "dask_over_thread_per_round": per_round,
    }


def make_fleet(root: Path, films: int, seconds: float) -> list[Path]:
    media = root / "media"
    media.mkdir()
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=25:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        str(media / "master.mp4"),
    )  # fmt: skip
    for i, lang in enumerate(LANGS[1:]):
        ffmpeg(
            "-f", "lavfi", "-i", f"sine=frequency={300 + 50 * i}:sample_rate=48000:duration={seconds}",
            "-c:a", "aac", str(media / f"{lang}.m4a"),
        )  # fmt: skip
    projects = []
    for n in range(films):
        project = root / "films" / f"film-{n:02d}"
        (project / "assets" / "audio").mkdir(parents=True)
        (project / "subtitles").mkdir()
        shutil.copy(media / "master.mp4", project / "assets" / "master.mp4")
        tables = []
        for lang in LANGS:
            srt = f"1\n00:00:00,500 --> 00:00:02,500\n{TEXT[lang]} {n + 1}\n"
            (project / "subtitles" / f"{lang}.srt").write_text(srt, encoding="utf-8")
            table = f'[languages.{lang}]\nsubtitles = "subtitles/{lang}.srt"\n'
            if lang != "en":
                shutil.copy(media / f"{lang}.m4a", project / "assets" / "audio" / f"{lang}.m4a")
                table += f'audio = "assets/audio/{lang}.m4a"\n'
            tables.append(table)
        (project / "film.toml").write_text(
            f'[film]\nid = "film-{n:02d}"\ntitle = "Film {n + 1}"\nsource_language = "en"\n'
            f'master = "assets/master.mp4"\n\n'
            + "\n".join(tables)
            + "\n[output]\nladder = [360, 240]\nprogressive = [360]\nopen_captions = [360]\n",
            encoding="utf-8",
        )
        projects.append(project)
    return projects


def bench_fleet(films: int, seconds: float, workers: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="filmpipe-fleet-") as tmp:
        root = Path(tmp)
        projects = make_fleet(root, films, seconds)
        one_by_one_s, one_by_one_tasks, one_by_one_cpu = 0.0, 0, 0.0
        for i, project in enumerate(projects):
            spent, out = build(["-p", str(project), "-j", str(workers), "--cache-dir", str(root / f"cache-{i}")])
            one_by_one_s += spent
            one_by_one_cpu += LAST_CPU[0]
            one_by_one_tasks += tasks_run(out)
        for project in projects:
            shutil.rmtree(project / "dist")
        fleet_s, out = build(
            [str(root / "films"), "--executor", "dask", "-j", str(workers), "--cache-dir", str(root / "shared")]
        )
        fleet_tasks, fleet_cpu = tasks_run(out), LAST_CPU[0]
        header = next(line for line in out.splitlines() if line.startswith("Building"))
    result = {
        "films": films,
        "languages": len(LANGS),
        "film_seconds": seconds,
        "workers": workers,
        "one_by_one": {
            "wall_s": round(one_by_one_s, 1),
            "cpu_s": round(one_by_one_cpu, 1),
            "tasks_run": one_by_one_tasks,
        },
        "dask_one_graph": {
            "wall_s": round(fleet_s, 1),
            "cpu_s": round(fleet_cpu, 1),
            "tasks_run": fleet_tasks,
            "header": header,
        },
        "tasks_saved": one_by_one_tasks - fleet_tasks,
        "wall_ratio": round(fleet_s / one_by_one_s, 3),
    }
    print(json.dumps(result, indent=2), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--films", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each fleet film")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--demo", action="store_true", help="also time the demo: thread pool vs Dask")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--draft", action="store_true", help="time the demo's --draft build (quicker)")
    parser.add_argument("--no-fleet", action="store_true")
    args = parser.parse_args()
    target = REPO / "bench" / "dask_results.json"
    try:  # keep the part not measured this time (e.g. the fleet, with --no-fleet)
        results = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        results = {}
    stamp = {"machine": f"{os.cpu_count()} cores", "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    if not args.no_fleet:
        results["fleet"] = {**stamp, **bench_fleet(args.films, args.seconds, args.workers)}
    if args.demo:
        results["demo"] = {**stamp, **bench_demo(args.rounds, args.draft)}
    target.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
