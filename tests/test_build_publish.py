"""Publishing: dist/ changes only by a complete, verified swap; failures and Ctrl-C leave it alone."""

from __future__ import annotations

import os
import shutil

import pytest
from build_helpers import no_site, project_at, set_output

from pipeline.engine import job
from pipeline.engine import publish as publishing
from pipeline.errors import ConfigError
from pipeline.findings import Report
from pipeline.render import audio, progressive


def snapshot(folder):
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_size)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def build(root, langs=None):
    project = project_at(root, langs)
    plan = job.prepare(project)
    return job.execute(plan, job.default_out_dir(project), Report(()), jobs=2)


@pytest.fixture
def published(make_project, monkeypatch):
    no_site(monkeypatch)
    root = make_project(languages=("en", "pl"))
    set_output(root, ladder=[180], progressive=[180])
    build(root)
    return root


def leftovers(root):
    return sorted(p.name for p in root.iterdir() if p.name.startswith(("dist.", ".dist")))


def change_pl_dub(root, tiny_media):
    shutil.copy(tiny_media / "ro.m4a", root / "assets" / "audio" / "pl.m4a")


def test_a_failing_task_leaves_the_previous_dist_untouched(published, tiny_media, monkeypatch):
    before = snapshot(published / "dist")
    change_pl_dub(published, tiny_media)

    def broken(run):
        raise RuntimeError("encoder exploded")

    monkeypatch.setattr(progressive, "join_streams", broken)
    with pytest.raises(RuntimeError, match="encoder exploded"):
        build(published)
    assert snapshot(published / "dist") == before
    assert leftovers(published) == []


def test_ctrl_c_during_rendering_leaves_the_previous_dist_untouched(published, tiny_media, monkeypatch):
    before = snapshot(published / "dist")
    change_pl_dub(published, tiny_media)

    def interrupted(run):
        raise KeyboardInterrupt

    monkeypatch.setattr(audio, "make_audio", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(published)
    assert snapshot(published / "dist") == before
    assert leftovers(published) == []


def test_ctrl_c_while_verifying_leaves_the_previous_dist_untouched(published, tiny_media, monkeypatch):
    before = snapshot(published / "dist")
    change_pl_dub(published, tiny_media)

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(publishing, "verify", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(published)
    assert snapshot(published / "dist") == before
    assert leftovers(published) == []
    monkeypatch.undo()
    no_site(monkeypatch)
    outcome = build(published)  # the finished tasks were cached: only publishing is left
    assert outcome.published
    assert snapshot(published / "dist") != before


def test_verification_refuses_an_output_of_the_wrong_length(published, tiny_media, monkeypatch):
    before = snapshot(published / "dist")
    change_pl_dub(published, tiny_media)
    real = progressive.join_argv

    def shortened(video, audio_file, iso, out):
        argv = real(video, audio_file, iso, out)
        return argv[:-1] + ["-t", "1.5", argv[-1]]

    monkeypatch.setattr(progressive, "join_argv", shortened)
    with pytest.raises(publishing.PublishCheckFailed, match=r"lasts 1\.\d+ s but the master lasts 3\.000 s"):
        build(published)
    assert snapshot(published / "dist") == before


def test_verification_refuses_a_short_video_stream_hidden_behind_full_audio(published, tiny_media, monkeypatch):
    before = snapshot(published / "dist")
    change_pl_dub(published, tiny_media)
    real = progressive.join_argv

    def short_video(video, audio_file, iso, out):
        argv = real(video, audio_file, iso, out)
        return ["-t", "1.2", *argv]  # an input option: only the video input is cut

    monkeypatch.setattr(progressive, "join_argv", short_video)
    with pytest.raises(publishing.PublishCheckFailed, match=r"video stream of 1\.\d+ s but the master lasts 3\.000 s"):
        build(published)
    assert snapshot(published / "dist") == before


def test_a_crash_between_the_two_renames_is_repaired(published):
    dist = published / "dist"
    before = snapshot(dist)
    known = publishing.inventory(dist)  # what the cache remembers publishing there
    os.rename(dist, publishing.old_path(dist))  # the crash: old renamed away, staging not yet in
    (published / "dist.staging").mkdir()
    assert "restored" in publishing.recover(dist, known)
    assert snapshot(dist) == before
    assert leftovers(published) == []


def test_a_rebuild_with_nothing_changed_does_not_touch_dist(published):
    before = snapshot(published / "dist")
    outcome = build(published)
    assert not outcome.published
    assert all(r.reused for r in outcome.results.values())
    assert snapshot(published / "dist") == before


def test_output_folder_may_not_hold_the_project_or_foreign_files(tmp_path):
    project = tmp_path / "film"
    project.mkdir()
    for out in (project, tmp_path):
        with pytest.raises(ConfigError, match="holds the project"):
            publishing.check_out_dir(out, project)
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"x")
    with pytest.raises(ConfigError, match="did not write"):
        publishing.check_out_dir(foreign, project)
    publishing.check_out_dir(project / "dist", project)  # new folder: fine


def test_paths_cannot_leave_the_output_folder():
    assert publishing.safe_relative("video/pl/", "pl-720.mp4").as_posix() == "video/pl/pl-720.mp4"
    for bad in (("../", "x"), ("video/", "..", "..", "x")):
        with pytest.raises(ConfigError):
            publishing.safe_relative(*bad)
