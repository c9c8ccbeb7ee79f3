"""Benchmark the limits that must stay linear: validating 100,000 cues per language.

    .venv/bin/python bench/limits_bench.py [--cues 100000] [--scan-cues 5000] [--workdir /tmp/filmpipe-limits]

The hostile case from issue 10: 100,000 English cues against 99,990 Polish cues (ten lost in
translation, so SUB_ALIGNMENT matches every Polish cue to the English cue nearest in time).
Side by side in one run:

- baseline: `pysrt.open` reading the same two files (a parse and nothing else);
- filmpipe reading them (`read_subtitles`: decoding, parsing, mojibake scan);
- every subtitle rule on both files (`check_subtitles`, the master's facts given, so no media
  is decoded: a 33-hour master would measure ffmpeg, not the rules);
- the alignment matcher alone: the scan it replaced (`min` over every source cue, quadratic)
  against the bisection matcher, at --scan-cues (the scan is too slow at 100,000), and the
  bisection matcher at --cues.

Ratios, not timed assertions; CPU seconds beside wall seconds because the machine is shared.
"""

from __future__ import annotations

import argparse
import platform
import sys
from importlib import metadata
from pathlib import Path

import pysrt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.validate_bench import _load, best_of, stamp  # noqa: E402
from pipeline.languages import profile_for  # noqa: E402
from pipeline.project import LanguageConfig  # noqa: E402
from pipeline.subtitles.reader import read_subtitles  # noqa: E402
from pipeline.validate.file_rules import NearestStart  # noqa: E402
from pipeline.validate.rules import Context, check_subtitles  # noqa: E402

SPACING, LENGTH = 1.2, 1.0
TEXTS = {
    "en": ("Hello, neighbours.", "Meet your team.", "Call 101."),
    "pl": ("Cześć, sąsiedzi!", "Poznaj zespół.", "Zadzwoń: 101."),
}
LOST = 10


def write_srt(path: Path, cues: int, texts: tuple[str, ...], skip: frozenset[int]) -> None:
    blocks, n = [], 0
    for i in range(cues):
        if i in skip:
            continue
        n += 1
        start = 0.5 + i * SPACING
        blocks.append(f"{n}\n{stamp(start)} --> {stamp(start + LENGTH)}\n{texts[i % len(texts)]}\n")
    path.write_text("\n".join(blocks), encoding="utf-8")


def scan(starts: list[float], time_: float) -> int:
    """The matcher SUB_ALIGNMENT used before: a scan of every source start (O(n) per cue)."""
    return min(range(len(starts)), key=lambda k: abs(starts[k] - time_))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cues", type=int, default=100_000)
    parser.add_argument("--scan-cues", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/filmpipe-limits"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    skip = frozenset(range(args.cues // (2 * LOST), args.cues, args.cues // LOST))
    en, pl = args.workdir / "en.srt", args.workdir / "pl.srt"
    write_srt(en, args.cues, TEXTS["en"], frozenset())
    write_srt(pl, args.cues, TEXTS["pl"], skip)

    t_pysrt, _ = best_of(args.repeat, lambda: [pysrt.open(str(f), encoding="utf-8") for f in (en, pl)])
    t_read, docs = best_of(args.repeat, lambda: [read_subtitles(en, "en")[0], read_subtitles(pl, "pl")[0]])
    en_doc, pl_doc = docs  # type: ignore[misc]
    duration = args.cues * SPACING + 1

    def rules() -> int:
        found = 0
        for code, doc, source in (("en", en_doc, None), ("pl", pl_doc, en_doc)):
            lang = LanguageConfig(code=code, subtitles=Path(f"{code}.srt"), audio=None, profile=profile_for(code))
            ctx = Context(lang=lang, doc=doc, file=f"{code}.srt", fps=25.0, master_duration=duration, source=source)
            found += len(check_subtitles(ctx))
        return found

    t_rules, findings = best_of(1, rules)

    small = args.scan_cues
    starts_small = [c.start for c in en_doc.cues[:small]]
    times_small = [c.start for c in pl_doc.cues[: small - LOST]]
    t_scan, _ = best_of(1, lambda: [scan(starts_small, t) for t in times_small])

    def bisect_small() -> list[int]:
        nearest = NearestStart(starts_small)
        return [nearest(t) for t in times_small]

    t_bisect_small, _ = best_of(args.repeat, bisect_small)
    starts_all = [c.start for c in en_doc.cues]
    times_all = [c.start for c in pl_doc.cues]

    def bisect_all() -> list[int]:
        nearest = NearestStart(starts_all)
        return [nearest(t) for t in times_all]

    t_bisect_all, _ = best_of(args.repeat, bisect_all)

    total = len(en_doc.cues) + len(pl_doc.cues)
    base_cpu = t_pysrt[1]
    rows = [
        (f"baseline: pysrt.open, en + pl ({total:,} cues, parse only)", t_pysrt, 1.0),
        ("filmpipe read_subtitles, en + pl", t_read, t_read[1] / base_cpu),
        (f"every subtitle rule, en + pl ({findings} findings)", t_rules, t_rules[1] / base_cpu),
        (f"alignment matcher, scan (the old one), {small:,} vs {small - LOST:,} cues", t_scan, None),
        (f"alignment matcher, bisection, {small:,} vs {small - LOST:,} cues", t_bisect_small, None),
        (f"alignment matcher, bisection, {args.cues:,} vs {args.cues - LOST:,} cues", t_bisect_all, None),
    ]
    print(
        f"{args.cues:,} English cues against {args.cues - LOST:,} Polish cues; best of {args.repeat} "
        f"(rules and the scan: one run). Python {platform.python_version()}, pysrt {metadata.version('pysrt')}, "
        f"load average at start {_load()}.\n"
    )
    print("| what | wall s | CPU s | CPU / pysrt |")
    print("|---|---:|---:|---:|")
    for name, (wall, cpu), ratio in rows:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {'' if ratio is None else f'{ratio:.1f}'} |")
    scan_ratio = t_scan[1] / max(t_bisect_small[1], 1e-9)
    projected = t_scan[1] * (args.cues / small) ** 2
    print(
        f"\nAt {small:,} cues the scan costs {scan_ratio:,.0f}x the bisection matcher; "
        f"scaled quadratically to {args.cues:,} cues it would take about {projected / 60:,.0f} min of CPU."
    )


if __name__ == "__main__":
    main()
