"""The QC check of burned-in text against Chromium: every caption word (and the social title's) per language.

One cheap task per language, `qc/shapes/<lang>`, when the build burns text into pictures (open
captions or social cuts) and a Chromium is installed. Each word of each line, as the 720p
captioned video breaks the cue, is drawn alone and compared with Chromium's drawing (pipeline.captions.compare). The result is
data for the QC report: every word's scores, and a picture of ours above Chromium's for every
word below the threshold and for each language's lowest-scoring word. A word below the
threshold becomes a CAPTION_SHAPES warning in the report and in the build's last lines.

Without Chromium (or with FILMPIPE_CHROMIUM=none) no task is planned, and the report says the
check was not made. When Chromium fails to draw, the task still succeeds and says why: the QC
check must never stop a build whose videos are fine.
"""

from __future__ import annotations

from dataclasses import asdict

from pipeline import chromium
from pipeline.captions import compare
from pipeline.captions.render import CaptionBox, caption_fonts, measure_cue
from pipeline.engine.model import Artifact, PlanContext, Task, TaskOutput, TaskRun
from pipeline.render import captions, social
from pipeline.render.common import film_title, safe_component
from pipeline.subtitles import text as cuetext
from pipeline.subtitles.reader import load_cues

RECIPE = 1
KIND = "qc-shapes"
PREFIX = "qc/"
BOX = CaptionBox(1280, compare.HEIGHT)  # the lines as the 720p captioned video breaks them


def task_id(lang: str) -> str:
    return f"qc/shapes/{lang}"


def picture_name(lang: str, index: int) -> str:
    return f"{lang}-shapes-{index:03d}.png"


def plan_tasks(context: PlanContext) -> list[Task]:
    burns_cues = bool(context.open_captions) or bool(social.shapes(context))
    browser = chromium.executable()
    if not burns_cues or browser is None:
        return []
    reference = chromium.version(browser) or browser
    with_title = bool(social.shapes(context))
    tasks = []
    for lang in context.project.languages:
        code = safe_component(lang.code, "language code")
        chain = caption_fonts(lang.profile)
        tasks.append(
            Task(
                id=task_id(code),
                title=f"Check {lang.profile.name} caption shapes against Chromium",
                action=check_shapes,
                inputs=(lang.subtitles, *(f.path for f in chain)),
                settings={
                    "recipe": RECIPE,
                    "language": code,
                    "fonts": [[f.family, f.style] for f in chain],
                    "style": asdict(context.project.captions),
                    "drawing": captions.renderer_identity(),
                    "reference": reference,
                    "threshold": compare.THRESHOLD,
                    "widthTolerance": compare.WIDTH_TOLERANCE,
                    "title": film_title(context, lang.code) if with_title else None,
                },
                publish_to=PREFIX,
                weight=2.0,
            )
        )
    return tasks


def check_shapes(run: TaskRun) -> TaskOutput:
    s = run.task.settings
    code = s["language"]
    project = run.context.project
    lang = project.language(code)
    chain = caption_fonts(lang.profile)
    items: dict[str, int] = {}  # each word once, with the first cue it appears in
    for cue in load_cues(lang, project).cues:
        if cue.end <= cue.start:
            continue
        plain = cuetext.plain(cuetext.clean(cue.text, code))
        measured = measure_cue(plain, lang.profile, BOX, project.captions, chain)  # the lines, not drawn
        for line in measured.lines if measured else ():
            for word in compare.words_of(line):
                items.setdefault(word, cue.index)
    if s.get("title"):
        for word in compare.words_of(s["title"]):
            items.setdefault(word, 0)
    browser = chromium.executable()
    base = {"language": code, "reference": s["reference"], "threshold": compare.THRESHOLD}
    if browser is None:
        return TaskOutput(meta={**base, "checked": 0, "error": "Chromium is no longer installed"})
    run.progress(0.2)
    try:
        checks, pictures = compare.check_words(
            [(cue, word) for word, cue in items.items()], lang.profile, chain, browser, run.out
        )
    except chromium.ChromiumFailed as err:
        return TaskOutput(meta={**base, "checked": 0, "error": str(err)})
    finally:
        for name in ("reference.html", "reference.png"):
            (run.out / name).unlink(missing_ok=True)
    run.progress(0.9)
    shown = {k for k, c in enumerate(checks) if not c.ok}
    if checks:
        shown.add(min(range(len(checks)), key=lambda k: (checks[k].similarity, -abs(checks[k].width_ratio - 1))))
    artifacts = []
    for k in sorted(shown):
        check = checks[k]
        if k not in pictures:
            continue
        name = picture_name(code, k + 1)
        compare.side_by_side(*pictures[k]).save(run.out / name)
        artifacts.append(
            Artifact(
                kind=KIND,
                path=PREFIX + name,
                mime_type="image/png",
                language=code,
                extra={**asdict(check), "ok": check.ok},
            )
        )
    return TaskOutput(
        artifacts=tuple(artifacts),
        meta={
            **base,
            "checked": len(checks),
            "words": [{**asdict(c), "ok": c.ok} for c in checks],
            "lowest": min((c.similarity for c in checks), default=None),
            "below": sum(1 for c in checks if not c.ok),
        },
    )
