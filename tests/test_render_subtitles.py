"""The vtt/<lang> task: plans one task per language, writes exactly <lang>.vtt, lists it for the manifest."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CUES, LANGS

from pipeline.engine.model import TaskRun
from pipeline.engine.plan import make_context
from pipeline.errors import ValidationFailed
from pipeline.project import load_project
from pipeline.render import subtitles

RLM = "\u200f"


def run_task(task, context, out: Path):
    out.mkdir(parents=True)
    return task.action(TaskRun(task=task, out=out, dep_dirs={}, dep_meta={}, context=context, progress=lambda f: None))


@pytest.fixture
def context(make_project):
    srt_ro = "1\n00:00:00,200 --> 00:00:01,400\nPoliţia & <font color=red>vecinii</font>\n\n2\n00:00:01,600 --> 00:00:02,900\n<i>Bună</i>\n"
    srt_ur = (
        "1\n00:00:00,200 --> 00:00:01,400\nyourcounty.police.uk پر جائیں\n\n2\n00:00:01,600 --> 00:00:02,900\nسلام\n"
    )
    return make_context(load_project(make_project(subtitles={"ro": srt_ro, "ur": srt_ur})))


def test_one_task_per_language(context) -> None:
    tasks = subtitles.plan_tasks(context)
    assert [t.id for t in tasks] == [f"vtt/{lang}" for lang in LANGS]
    for task, lang in zip(tasks, context.project.languages, strict=False):
        assert task.inputs == (lang.subtitles,)
        assert task.publish_to == "subtitles/"
        assert task.deps == ()


def test_writes_the_vtt_and_its_artifact(context, tmp_path) -> None:
    task = next(t for t in subtitles.plan_tasks(context) if t.id == "vtt/ro")
    output = run_task(task, context, tmp_path / "out")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["ro.vtt"]
    text = (tmp_path / "out" / "ro.vtt").read_text(encoding="utf-8")
    assert text.startswith("WEBVTT\n\n1\n00:00:00.200 --> 00:00:01.400\nPoliția &amp; vecinii\n")
    assert "<i>Bună</i>" in text
    (artifact,) = output.artifacts
    assert (artifact.kind, artifact.path, artifact.mime_type, artifact.language) == (
        "subtitles",
        "subtitles/ro.vtt",
        "text/vtt",
        "ro",
    )
    assert artifact.extra == {"cues": 2}


def test_rtl_language_lines_marked(context, tmp_path) -> None:
    task = next(t for t in subtitles.plan_tasks(context) if t.id == "vtt/ur")
    assert task.settings["rtl"] is True
    run_task(task, context, tmp_path / "out")
    lines = (tmp_path / "out" / "ur.vtt").read_text(encoding="utf-8").split("\n")
    assert RLM + "yourcounty.police.uk پر جائیں" in lines
    assert "سلام" in lines  # already right-to-left: no mark


def test_every_demo_language_round_trips_its_text(context, tmp_path) -> None:
    for task in subtitles.plan_tasks(context):
        lang = task.settings["language"]
        if lang in ("ro", "ur"):
            continue
        run_task(task, context, tmp_path / lang)
        text = (tmp_path / lang / f"{lang}.vtt").read_text(encoding="utf-8")
        for cue in CUES[lang]:
            assert cue in text


def test_unreadable_subtitles_fail_with_the_file_named(make_project, tmp_path) -> None:
    context = make_context(load_project(make_project(languages=("en", "pl"))))
    context.project.language("pl").subtitles.unlink()
    task = next(t for t in subtitles.plan_tasks(context) if t.id == "vtt/pl")
    with pytest.raises(ValidationFailed) as err:
        run_task(task, context, tmp_path / "out")
    assert "pl.srt" in err.value.message
    assert not any((tmp_path / "out").iterdir())
