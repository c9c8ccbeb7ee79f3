"""Grab the burned-in caption of every cue, for people to read before publishing.

    .venv/bin/python scripts/caption_frames.py [-p PROJECT] [--lang bn,gu] [--height 720] [-o OUT]

For each language and each cue, one PNG of the master's frame at the cue's midpoint with the
caption drawn by the same renderer, fonts and style as the open-caption encode (the cue's
image laid over the frame here in RGB; the encode lays the same image over in YUV), without
encoding a whole video: OUT/<lang>/<lang>-<height>-cue<N>.png, plus
OUT/<lang>/cues.txt with each cue's text to read the picture against. `filmpipe build`
leaves three such frames per language in dist/qc/; this script covers every cue.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image  # noqa: E402

from pipeline import ffmpeg  # noqa: E402
from pipeline.captions.render import CaptionBox, render_cue, visible_lines  # noqa: E402
from pipeline.probe import probe_media  # noqa: E402
from pipeline.project import load_project  # noqa: E402
from pipeline.render import captions  # noqa: E402
from pipeline.render.common import fmt_number, master_fps, rung_width  # noqa: E402
from pipeline.subtitles import text as cuetext  # noqa: E402
from pipeline.subtitles.reader import load_cues  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--project", default=".")
    parser.add_argument("--lang", default="", help="comma-separated language codes (default: all)")
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("-o", "--out", default="caption-frames")
    args = parser.parse_args(argv)

    project = load_project(args.project)
    wanted = {c for c in args.lang.split(",") if c}
    master = probe_media(project.film.master)
    fps = master_fps(master)
    height = args.height
    width = rung_width(master, height)
    out_root = Path(args.out)
    for lang in project.languages:
        if wanted and lang.code not in wanted:
            continue
        doc = load_cues(lang, project)
        chain = captions.burn_in_fonts(lang.profile)
        captions.check_glyphs(doc.cues, lang.profile, chain, project.relative(lang.subtitles))
        folder = out_root / lang.code
        folder.mkdir(parents=True, exist_ok=True)
        notes = []
        box = CaptionBox(width, height)
        with tempfile.TemporaryDirectory(prefix="filmpipe-frames-") as tmp:
            work = Path(tmp)
            for cue in doc.cues:
                if cue.end <= cue.start or not visible_lines(cue.text, lang.code):
                    continue
                t = captions.frame_time(cue, fps)
                name = captions.qc_file_name(lang.code, height, cue.index)
                ffmpeg.run(
                    [
                        "-ss",
                        fmt_number(t),
                        "-i",
                        str(project.film.master),
                        "-vf",
                        f"scale={width}:{height}:flags=lanczos,setsar=1",
                        "-frames:v",
                        "1",
                        "-update",
                        "1",
                        str(work / "frame.png"),
                    ],
                    what=f"grabbing the {lang.code} frame of cue {cue.index}",
                )
                frame = Image.open(work / "frame.png").convert("RGBA")
                drawn = render_cue(cue.text, lang.profile, box, project.captions, chain)
                Image.alpha_composite(frame, drawn.image).convert("RGB").save(folder / name)
                notes.append(f"cue {cue.index} at {t:.2f} s: {cuetext.plain(cuetext.clean(cue.text, lang.code))}")
        (folder / "cues.txt").write_text("\n".join(notes) + "\n", encoding="utf-8")
        print(f"{lang.code}: {len(notes)} frames in {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
