"""One build per output folder: a live lock refuses, a dead build's lock is taken over."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.engine.lock import BuildLock, lock_path
from pipeline.errors import BuildLocked


def test_second_lock_on_the_same_output_is_refused(tmp_path):
    out = tmp_path / "dist"
    with BuildLock(out):
        with pytest.raises(BuildLocked) as info:
            BuildLock(out).acquire()
        assert "another build is writing" in info.value.message
        assert "process" in info.value.message
    assert not lock_path(out).exists()
    with BuildLock(out):  # free again once released
        pass


def test_lock_held_by_another_process_is_refused(tmp_path):
    out = tmp_path / "dist"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys,time; from pathlib import Path; from pipeline.engine.lock import BuildLock;"
            "l = BuildLock(Path(sys.argv[1])).acquire(); print('held', flush=True); time.sleep(30)",
            str(out),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(BuildLocked, match=f"process {holder.pid}"):
            BuildLock(out).acquire()
    finally:
        holder.kill()
        holder.wait()
    with BuildLock(out) as lock:  # the holder died: its lock file is stale and taken over
        assert lock.stale and lock.stale["pid"] == holder.pid


def test_stale_lock_file_of_a_dead_process_is_cleared(tmp_path):
    out = tmp_path / "dist"
    lock_path(out).write_text(json.dumps({"pid": 999999, "host": "elsewhere"}), encoding="utf-8")
    with BuildLock(out) as lock:
        assert lock.stale == {"pid": 999999, "host": "elsewhere"}
        assert json.loads(lock_path(out).read_text(encoding="utf-8"))["pid"] != 999999
