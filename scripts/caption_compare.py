"""Every cue of a captioned video beside Chromium's drawing of the same text and font, to check by eye.

    .venv/bin/python scripts/caption_compare.py VIDEO --lang ur [-p PROJECT] [-o OUT]

VIDEO is a burned-in caption video of the project (e.g. dist/video/ur/ur-720-captioned.<hash>.mp4: take the name from dist/manifest.json).
For each cue: OUT/<lang>-cue<N>.png holds, on top, the caption band of the video's frame at
the cue's midpoint, and below it the cue drawn by Chromium (Playwright with Debian's
Chromium, @font-face from the same font files, the same font size and line spacing), white
on grey. OUT/<lang>.txt lists each cue's time and lines. Needs the test extras (playwright)
and Chromium.
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PIL import Image  # noqa: E402

from pipeline import ffmpeg  # noqa: E402
from pipeline.captions.render import CaptionBox, caption_fonts, render_cue, visible_lines  # noqa: E402
from pipeline.captions.style import LATIN_LOOK, look_of  # noqa: E402
from pipeline.probe import probe_media  # noqa: E402
from pipeline.project import load_project  # noqa: E402
from pipeline.render import captions  # noqa: E402
from pipeline.render.common import fmt_number, master_fps  # noqa: E402
from pipeline.subtitles import text as cuetext  # noqa: E402
from pipeline.subtitles.reader import load_cues  # noqa: E402

GREY = 128


def chromium_page(html_doc: str, page) -> Image.Image:  # type: ignore[no-untyped-def]
    page.set_content(html_doc)
    page.evaluate("document.fonts.ready.then(() => document.fonts.size)")
    return Image.open(io.BytesIO(page.locator("#t").screenshot())).convert("RGB")


def cue_html(lines: list[str], lang: str, direction: str, fonts, em: float, latin_em: float, advance: float) -> str:  # type: ignore[no-untyped-def]
    faces = "".join(
        f"@font-face {{ font-family: F{i}; src: url(data:font/ttf;base64,{base64.b64encode(f.path.read_bytes()).decode()}); }}"
        for i, f in enumerate(fonts)
    )
    family = ", ".join(f"F{i}" for i in range(len(fonts)))

    def line_html(line: str) -> str:
        if len(fonts) < 2:
            return html.escape(line)
        return "".join(
            f'<span style="font-family:F1;font-size:{latin_em:.2f}px">{html.escape(ch)}</span>'
            if (ch.isascii() and ch.isalnum()) or ch in "./"
            else html.escape(ch)
            for ch in line
        )

    body = "<br>".join(line_html(cuetext.plain(line)) for line in lines)
    return (
        f"<!doctype html><html><head><meta charset=utf-8><style>{faces}"
        f"body {{ margin: 0; background: rgb({GREY},{GREY},{GREY}); }}"
        f"#t {{ display: inline-block; padding: 40px 80px; font-family: {family}; font-size: {em:.2f}px;"
        f" line-height: {advance:.2f}px; color: #fff; white-space: pre; text-align: center; }}"
        f'</style></head><body><div id="t" lang="{lang}" dir="{direction}">{body}</div></body></html>'
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video")
    parser.add_argument("--lang", required=True)
    parser.add_argument("-p", "--project", default=".")
    parser.add_argument("-o", "--out", default="caption-compare")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    project = load_project(args.project)
    lang = project.language(args.lang)
    video = Path(args.video)
    facts = probe_media(video)
    assert facts.video is not None
    width, height = facts.video.width, facts.video.height
    fps = master_fps(facts)
    fonts = caption_fonts(lang.profile)
    look = look_of(lang.profile)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    notes = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        for cue in load_cues(lang, project).cues:
            lines = visible_lines(cue.text, lang.code)
            if cue.end <= cue.start or not lines:
                continue
            t = captions.frame_time(cue, fps)
            frame_png = out / "frame.png"
            ffmpeg.run(["-ss", fmt_number(t), "-i", str(video), "-frames:v", "1", "-update", "1", str(frame_png)])
            frame = Image.open(frame_png).convert("RGB")
            drawn = render_cue(cue.text, lang.profile, CaptionBox(width, height), project.captions, fonts)
            assert drawn.ink is not None
            left, top, right, bottom = drawn.ink
            band = frame.crop((max(0, left - 20), max(0, top - 20), min(width, right + 20), min(height, bottom + 20)))
            em = drawn.em
            reference = chromium_page(
                cue_html(
                    list(drawn.lines),
                    lang.code,
                    lang.profile.direction,
                    fonts,
                    em,
                    LATIN_LOOK.em * min(width, height) * project.captions.size,
                    look.line_advance * em,
                ),
                page,
            )
            sheet = Image.new(
                "RGB", (max(band.width, reference.width), band.height + reference.height + 10), (40, 40, 40)
            )
            sheet.paste(band, ((sheet.width - band.width) // 2, 0))
            sheet.paste(reference, ((sheet.width - reference.width) // 2, band.height + 10))
            sheet.save(out / f"{lang.code}-cue{cue.index}.png")
            notes.append(f"cue {cue.index} at {t:.2f} s: " + " / ".join(drawn.lines))
        browser.close()
    (out / "frame.png").unlink(missing_ok=True)
    (out / f"{lang.code}.txt").write_text("\n".join(notes) + "\n", encoding="utf-8")
    print(f"{len(notes)} cues in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
