"""Planning: which tasks a project makes, their dependencies, the rungs kept."""

from __future__ import annotations

import pytest
from build_helpers import project_at, set_output

from pipeline.engine import plan as planning
from pipeline.engine.model import Task, TaskOutput
from pipeline.engine.plan import make_context, order, plan_build


def test_tasks_of_a_tiny_project_in_dependency_order(make_project):
    root = make_project(languages=("en", "pl", "ur"))
    tasks = plan_build(make_context(project_at(root)))
    ids = [t.id for t in tasks]
    assert ids[0] == "ladder"
    for lang in ("en", "pl", "ur"):
        assert f"audio/{lang}" in ids
        assert f"progressive/{lang}/180" in ids
    assert "poster" in ids
    position = {task_id: i for i, task_id in enumerate(ids)}
    for task in tasks:
        for dep in task.deps:
            assert position[dep] < position[task.id], f"{task.id} listed before its dependency {dep}"
    prog = next(t for t in tasks if t.id == "progressive/pl/180")
    assert set(prog.deps) == {"ladder", "audio/pl"}
    assert prog.publish_to == "video/pl/"
    assert next(t for t in tasks if t.id == "ladder").publish_to is None


def test_source_language_audio_comes_from_the_master_and_dubs_from_their_files(make_project):
    root = make_project(languages=("en", "pl"))
    tasks = {t.id: t for t in plan_build(make_context(project_at(root)))}
    assert tasks["audio/en"].settings["source"] == "master"
    assert tasks["audio/en"].inputs == (root / "assets" / "master.mp4",)
    assert tasks["audio/pl"].settings["source"] == "dub"
    assert tasks["audio/pl"].inputs == (root / "assets" / "audio" / "pl.m4a",)


def test_rungs_above_the_master_are_dropped(make_project):
    root = make_project(languages=("en",))
    set_output(root, ladder=[1080, 720, 180, 120], progressive=[720], open_captions=[180])
    context = make_context(project_at(root))
    assert context.ladder == (180, 120)
    assert context.progressive == (180,)  # 720 is not rendered: the next rung below serves it


def test_draft_keeps_two_rungs(make_project):
    root = make_project(languages=("en",))
    set_output(root, ladder=[180, 160, 120, 90], progressive=[120])
    assert make_context(project_at(root), draft=True).ladder == (180, 160)
    full = make_context(project_at(root))
    assert full.ladder == (180, 160, 120, 90)
    # the progressive height is not among the draft rungs: the lowest draft rung stands in
    assert make_context(project_at(root), draft=True).progressive == (160,)


def test_a_factory_registers_in_one_line(make_project, monkeypatch):
    root = make_project(languages=("en", "pl"))

    def extra_tasks(context):
        return [
            Task(id=f"extra/{l.code}", title="extra", action=noop, inputs=(l.subtitles,), deps=("ladder",))
            for l in context.project.languages
        ]

    monkeypatch.setattr(planning, "FACTORIES", [*planning.FACTORIES, extra_tasks])
    ids = [t.id for t in plan_build(make_context(project_at(root)))]
    assert ids[-2:] == ["extra/en", "extra/pl"]


def noop(run):
    return TaskOutput()


def test_order_rejects_unknown_dependencies_duplicates_and_cycles():
    with pytest.raises(ValueError, match="unknown"):
        order([Task(id="a", title="a", action=noop, deps=("nope",))])
    with pytest.raises(ValueError, match="share"):
        order([Task(id="a", title="a", action=noop), Task(id="a", title="a", action=noop)])
    with pytest.raises(ValueError, match="cycle"):
        order([Task(id="a", title="a", action=noop, deps=("b",)), Task(id="b", title="b", action=noop, deps=("a",))])


def test_order_puts_dependencies_first_and_keeps_the_rest_stable():
    tasks = [
        Task(id="c", title="c", action=noop, deps=("b",)),
        Task(id="a", title="a", action=noop),
        Task(id="b", title="b", action=noop),
    ]
    assert [t.id for t in order(tasks)] == ["a", "b", "c"]
