"""Ctrl-C at some moment of a real `filmpipe build` process: dist/ as it was, no child left."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from build_helpers import set_output


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def processes_mentioning(text: str) -> list[str]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if text in cmd:
            found.append(cmd)
    return found


def start_build(root):
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "-p", str(root), "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


@pytest.mark.parametrize("delay", [0.0, 1.0])
def test_ctrl_c_leaves_dist_and_stops_every_child(make_project, tiny_media, delay):
    root = make_project(languages=("en", "pl"))
    set_output(root, ladder=[180], progressive=[180], open_captions=[])
    first = start_build(root)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    before = snapshot(root / "dist")

    shutil.copy(tiny_media / "ro.m4a", root / "assets" / "audio" / "pl.m4a")
    (root / "subtitles" / "pl.srt").write_text((root / "subtitles" / "pl.srt").read_text() + "\n", encoding="utf-8")
    proc = start_build(root)
    assert proc.stdout.readline().startswith("Building")  # validated and planned: rendering starts
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    out, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the build finished before the interrupt")  # machine faster than the delay
    assert proc.returncode == 130, err
    assert "Stopped" in err and "Traceback" not in err
    assert snapshot(root / "dist") == before
    assert not [p for p in root.iterdir() if p.name.startswith("dist.")]
    assert not processes_mentioning(str(root))
    again = start_build(root)  # a lock file left by the stopped build (if any) is stale: no refusal
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert snapshot(root / "dist") != before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_kill_9_of_filmpipe_leaves_no_ffmpeg_running(tmp_path):
    """`kill -9` runs nothing in filmpipe, so its ffmpeg children must die with it by themselves."""
    marker = tmp_path / "orphan-check.wav"
    script = (
        "import sys, threading\n"
        "from pipeline import ffmpeg\n"
        "args = ['-re', '-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '120', sys.argv[1]]\n"
        "worker = threading.Thread(target=ffmpeg.run, args=(args,), kwargs={'what': 'orphan check'})\n"
        "worker.start()\n"  # like the build runner: ffmpeg started from a worker thread
        "print('started', flush=True)\n"
        "worker.join()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(marker)], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert proc.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 10
        while not processes_mentioning(str(marker)) or not marker.exists():
            assert time.monotonic() < deadline, "ffmpeg did not start"
            time.sleep(0.1)
        os.kill(proc.pid, signal.SIGKILL)  # filmpipe only, not its process group
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while [c for c in processes_mentioning(str(marker)) if "ffmpeg" in c]:
            assert time.monotonic() < deadline, "ffmpeg kept running after filmpipe was killed"
            time.sleep(0.1)
    finally:
        for pid in os.listdir("/proc"):  # never leave the test's own ffmpeg behind
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    if str(marker).encode() in fh.read() and pid.isdigit() and int(pid) != os.getpid():
                        os.kill(int(pid), signal.SIGKILL)
            except (OSError, ValueError):
                pass
