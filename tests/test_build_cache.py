"""The task cache: keys from contents (not mtimes), reasons for re-running, atomic entries."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pipeline.engine.cache import UP_TO_DATE, Cache
from pipeline.engine.model import Artifact, Task, TaskOutput, TaskRun
from pipeline.engine.runner import run_tasks


def write_inputs(run: TaskRun) -> TaskOutput:
    """Concatenate the inputs into out/joined.txt (and pass a dependency's meta along)."""
    text = "".join(Path(p).read_text(encoding="utf-8") for p in run.task.inputs)
    (run.out / "joined.txt").write_text(text, encoding="utf-8")
    return TaskOutput(
        artifacts=(Artifact(kind="test", path="x/joined.txt", mime_type="text/plain"),),
        meta={"length": len(text), "deps": sorted(run.dep_meta)},
    )


def project(tmp_path: Path) -> tuple[Path, list[Task]]:
    root = tmp_path / "film"
    (root / "subtitles").mkdir(parents=True)
    for lang in ("en", "pl", "ro"):
        (root / "subtitles" / f"{lang}.srt").write_text(f"cues of {lang}\n", encoding="utf-8")
    tasks = [
        Task(
            id=f"vtt/{lang}",
            title=lang,
            action=write_inputs,
            inputs=(root / "subtitles" / f"{lang}.srt",),
            settings={"lang": lang},
        )
        for lang in ("en", "pl", "ro")
    ]
    tasks += [
        Task(id=f"captions/{lang}", title=lang, action=write_inputs, deps=(f"vtt/{lang}",), settings={"size": 720})
        for lang in ("en", "pl", "ro")
    ]
    return root, tasks


def fresh_cache(root: Path) -> Cache:
    return Cache(root / ".filmpipe-cache", root, "filmpipe test; ffmpeg 5.1")


def build(root: Path, tasks: list[Task]) -> dict[str, str]:
    cache = fresh_cache(root)
    keys = cache.keys(tasks)
    statuses = cache.statuses(tasks, keys)
    run_tasks(tasks, None, cache, keys, statuses, jobs=2)
    return {task_id: s.reason for task_id, s in statuses.items()}


def reasons(root: Path, tasks: list[Task], force: bool = False) -> dict[str, str]:
    cache = fresh_cache(root)
    keys = cache.keys(tasks)
    return {task_id: s.reason for task_id, s in cache.statuses(tasks, keys, force).items()}


def test_first_build_is_new_then_up_to_date(tmp_path):
    root, tasks = project(tmp_path)
    assert set(build(root, tasks).values()) == {"new"}
    assert set(reasons(root, tasks).values()) == {UP_TO_DATE}


def test_touch_without_content_change_stays_up_to_date(tmp_path):
    root, tasks = project(tmp_path)
    build(root, tasks)
    srt = root / "subtitles" / "pl.srt"
    later = time.time() + 100
    os.utime(srt, (later, later))
    assert set(reasons(root, tasks).values()) == {UP_TO_DATE}


def test_content_change_reruns_only_that_languages_tasks(tmp_path):
    root, tasks = project(tmp_path)
    build(root, tasks)
    (root / "subtitles" / "pl.srt").write_text("new cues of pl, same folder\n", encoding="utf-8")
    now = reasons(root, tasks)
    assert now["vtt/pl"] == "input changed: subtitles/pl.srt"
    assert now["captions/pl"] == "input changed: subtitles/pl.srt (via vtt/pl)"
    assert {now[t] for t in ("vtt/en", "vtt/ro", "captions/en", "captions/ro")} == {UP_TO_DATE}
    rerun = build(root, tasks)
    assert [t for t, r in rerun.items() if r != UP_TO_DATE] == ["vtt/pl", "captions/pl"]
    assert set(reasons(root, tasks).values()) == {UP_TO_DATE}


def test_same_size_content_change_is_noticed_even_with_the_old_mtime(tmp_path):
    root, tasks = project(tmp_path)
    build(root, tasks)
    srt = root / "subtitles" / "ro.srt"
    before = srt.stat()
    srt.write_text("CUES OF ro\n", encoding="utf-8")  # same size
    os.utime(srt, ns=(before.st_atime_ns, before.st_mtime_ns + 1))
    assert reasons(root, tasks)["vtt/ro"] == "input changed: subtitles/ro.srt"


def test_settings_change_and_missing_output_are_named(tmp_path):
    root, tasks = project(tmp_path)
    build(root, tasks)
    changed = [
        Task(
            id=t.id, title=t.title, action=t.action, inputs=t.inputs, deps=t.deps, settings={**t.settings, "size": 1080}
        )
        if t.id == "captions/en"
        else t
        for t in tasks
    ]
    assert reasons(root, changed)["captions/en"] == "settings changed"
    cache = fresh_cache(root)
    key = cache.keys(tasks)["vtt/ro"].key
    import shutil

    shutil.rmtree(cache.entry_dir(key))
    now = reasons(root, tasks)
    assert now["vtt/ro"] == "output missing"
    assert reasons(root, tasks, force=True)["vtt/en"] == "forced (--force)"


def test_reused_output_carries_its_meta(tmp_path):
    root, tasks = project(tmp_path)
    build(root, tasks)
    cache = fresh_cache(root)
    keys = cache.keys(tasks)
    results = run_tasks(tasks, None, cache, keys, cache.statuses(tasks, keys), jobs=1)
    assert all(r.reused for r in results.values())
    assert results["captions/pl"].output.meta == {"length": 0, "deps": ["vtt/pl"]}
    assert results["vtt/pl"].output.artifacts[0].path == "x/joined.txt"
    assert (results["vtt/pl"].folder / "joined.txt").read_text(encoding="utf-8") == "cues of pl\n"


def test_a_failed_task_leaves_no_entry(tmp_path):
    root, tasks = project(tmp_path)

    def broken(run: TaskRun) -> TaskOutput:
        (run.out / "half.txt").write_text("half", encoding="utf-8")
        raise RuntimeError("boom")

    tasks = [Task(id="bad", title="bad", action=broken, settings={"x": 1})]
    cache = fresh_cache(root)
    keys = cache.keys(tasks)
    try:
        run_tasks(tasks, None, cache, keys, cache.statuses(tasks, keys), jobs=1)
    except RuntimeError:
        pass
    assert not cache.entry_exists(keys["bad"].key)
    assert reasons(root, tasks)["bad"] == "new"
    assert not any(cache.tmp_dir.iterdir())


def test_prune_keeps_entries_while_another_build_uses_the_cache(tmp_path):
    root, tasks = project(tmp_path)
    build(root, tasks)
    (root / "subtitles" / "pl.srt").write_text("changed\n", encoding="utf-8")
    build(root, tasks)  # the old vtt/pl and captions/pl entries are now unreferenced
    entries = lambda: len(list(fresh_cache(root).tasks_dir.iterdir()))  # noqa: E731
    assert entries() == 8
    other, mine = fresh_cache(root), fresh_cache(root)
    with other.in_use():
        with mine.in_use():
            assert mine.prune() == 0
        assert entries() == 8
    with mine.in_use():
        assert mine.prune() == 2
    assert entries() == 6


def test_an_input_rewritten_while_a_task_reads_it_is_not_cached(tmp_path):
    from pipeline.engine.runner import InputChanged

    root, _ = project(tmp_path)
    srt = root / "subtitles" / "pl.srt"

    def read_while_rewritten(run: TaskRun) -> TaskOutput:
        text = srt.read_text(encoding="utf-8")
        srt.write_text(text, encoding="utf-8")  # same bytes, written again meanwhile (new mtime)
        later = time.time() + 50
        os.utime(srt, (later, later))
        return TaskOutput()

    tasks = [Task(id="vtt/pl", title="pl", action=read_while_rewritten, inputs=(srt,))]
    cache = fresh_cache(root)
    keys = cache.keys(tasks)
    try:
        run_tasks(tasks, None, cache, keys, cache.statuses(tasks, keys), jobs=1)
        raised = None
    except InputChanged as err:
        raised = err
    assert raised is not None and "subtitles/pl.srt changed while the build was reading it" in raised.message
    assert not cache.entry_exists(keys["vtt/pl"].key)
