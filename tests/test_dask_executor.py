"""The executor seam: the same build on a thread pool and on a Dask LocalCluster.

These run the real thing: a LocalCluster of two worker processes, real ffmpeg encodes in the
workers, the cache and the projects on a path both see (this machine's disk). A worker
process is killed with SIGKILL during an encode and the build must still finish and verify.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import write_project

from pipeline.cli import cli
from pipeline.cli.common import run_guarded
from pipeline.cli.progress import BuildDisplay
from pipeline.engine.cache import Cache
from pipeline.engine.executors import make_executor
from pipeline.engine.model import Task, TaskOutput, TaskRun
from pipeline.engine.runner import Event, run_tasks
from pipeline.errors import ConfigError, EnvironmentProblem

distributed = pytest.importorskip("distributed", reason="Dask is a test extra: pip install -e '.[test]'")

pytestmark = pytest.mark.slow
LANGS = ("en", "pl", "ur")


def run_cli(*args: str) -> tuple[int, str]:
    """The CLI as a user runs it (errors become sentences and exit codes), its output captured."""
    runner = CliRunner()
    result = runner.invoke(cli_main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def cli_main(ctx: click.Context) -> None:
    ctx.exit(run_guarded(cli, list(ctx.args)))


def dist_files(dist: Path) -> dict[str, bytes]:
    return {p.relative_to(dist).as_posix(): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}


def without_created_at(data: bytes) -> object:
    doc = json.loads(data)
    doc["build"].pop("createdAt", None)
    return doc


@pytest.fixture(scope="module")
def thread_dist(tmp_path_factory: pytest.TempPathFactory, tiny_media: Path) -> Path:
    root = write_project(tmp_path_factory.mktemp("thread") / "film", tiny_media, LANGS)
    code, out = run_cli("build", "-p", str(root), "--cache-dir", str(root.parent / "cache"), "-j", "2")
    assert code == 0, out
    return root / "dist"


def test_dask_build_publishes_the_same_bytes_as_the_thread_pool(
    thread_dist: Path, tmp_path: Path, tiny_media: Path
) -> None:
    root = write_project(tmp_path / "film", tiny_media, LANGS)
    code, out = run_cli(
        "build", "-p", str(root), "--executor", "dask", "-j", "2", "--cache-dir", str(tmp_path / "cache")
    )
    assert code == 0, out
    assert "on Dask" in out
    a, b = dist_files(thread_dist), dist_files(root / "dist")
    assert sorted(a) == sorted(b)
    different = [name for name in a if a[name] != b[name] and name != "manifest.json"]
    # the preview and report embed the manifest's createdAt; compare them without it
    for name in list(different):
        if name.endswith(".html"):
            created = json.loads(a["manifest.json"])["build"]["createdAt"]
            other = json.loads(b["manifest.json"])["build"]["createdAt"]
            if a[name].replace(created.encode(), other.encode()) == b[name]:
                different.remove(name)
    assert different == []
    assert without_created_at(a["manifest.json"]) == without_created_at(b["manifest.json"])
    assert run_cli("verify", str(root / "dist"))[0] == 0


def test_two_films_sharing_a_master_run_the_shared_tasks_once(tmp_path: Path, tiny_media: Path) -> None:
    films = tmp_path / "films"
    one = write_project(films / "one", tiny_media, ("en", "pl"))
    two = write_project(films / "two", tiny_media, ("en", "ur"))
    (two / "film.toml").write_text(
        (two / "film.toml").read_text(encoding="utf-8").replace('id = "tiny-film"', 'id = "tiny-film-two"'),
        encoding="utf-8",
    )
    code, out = run_cli("build", str(films), "--executor", "dask", "-j", "2", "--cache-dir", str(tmp_path / "cache"))
    assert code == 0, out
    assert "Film 2 of 2 done" in out
    done = [line for line in out.splitlines() if line.strip().startswith("done")]
    # the ladder, the English audio and the posters depend only on the shared master
    for shared in (": ladder ", ": audio/en ", ": poster "):
        assert sum(1 for line in done if shared in line) == 1, out
    assert "19 of 19 tasks to run (0 up to date; 7 more are another film's task and run once)" in out, out
    for root in (one, two):
        assert run_cli("verify", str(root / "dist"))[0] == 0


def _worker_pids_running_ffmpeg(root: Path, main_pid: int) -> list[int]:
    """PIDs of the processes (Dask workers) running an ffmpeg encode of this test's project."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if cmd and cmd[0].endswith(b"ffmpeg") and b"-progress" in cmd and any(str(root).encode() in c for c in cmd):
            parent = int(stat[1])
            if parent not in (os.getpid(), main_pid):  # not filmpipe's own validation decode
                found.append(parent)
    return found


def test_a_worker_killed_during_an_encode_is_replaced_and_the_build_verifies(tmp_path: Path, tiny_media: Path) -> None:
    root = write_project(tmp_path / "film", tiny_media, LANGS)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "-p", str(root), "--executor", "dask", "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    killed: list[int] = []

    def killer() -> None:
        deadline = time.monotonic() + 120
        while not killed and time.monotonic() < deadline and proc.poll() is None:
            pids = _worker_pids_running_ffmpeg(root, proc.pid)
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])
                return
            time.sleep(0.05)

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        output, _ = proc.communicate(timeout=600)
    finally:
        proc.kill()
        thread.join()
    text = output.decode("utf-8", "replace")
    assert killed, "no worker was seen running ffmpeg: " + text
    assert proc.returncode == 0, text
    assert run_cli("verify", str(root / "dist"))[0] == 0
    leftovers = (
        list((root / ".filmpipe-cache" / "tmp").glob("*")) if (root / ".filmpipe-cache" / "tmp").exists() else []
    )
    assert leftovers == []


def test_scheduler_without_dask_executor_is_one_sentence(tmp_path: Path, tiny_media: Path) -> None:
    root = write_project(tmp_path / "film", tiny_media, ("en",))
    code, out = run_cli("build", "-p", str(root), "--scheduler", "tcp://127.0.0.1:1")
    assert code == 2
    assert "--scheduler only applies to --executor dask" in out


def test_unreachable_scheduler_is_one_sentence() -> None:
    with pytest.raises(EnvironmentProblem, match="could not reach the Dask scheduler"):
        make_executor("dask", 1, "tcp://127.0.0.1:9")


def test_unknown_executor_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        make_executor("slurm", 1)


def test_without_dask_installed_the_error_names_the_install_command(tmp_path: Path) -> None:
    """A Python that cannot import distributed: one sentence with the install command, exit 3."""
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "distributed.py").write_text("raise ImportError('no dask here')\n", encoding="utf-8")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from pipeline.engine.executors import make_executor, StartingExecutor\n"
        "try:\n make_executor('dask', 1)\n"
        "except Exception as e:\n print(type(e).__name__, e, '|', e.hint)\n"
        "starting = StartingExecutor('dask', 1)\n"  # the CLI's way: started in the background
        "try:\n starting.get()\n"
        "except Exception as e:\n print(type(e).__name__, e, '|', e.hint)\n"
        "starting.close()"
    )
    out = subprocess.run([sys.executable, "-c", code, str(blocker)], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert len(lines) == 2, out.stdout
    for line in lines:
        assert "EnvironmentProblem --executor dask needs Dask" in line
        assert "pip install 'filmpipe[dask]'" in line


def test_the_default_path_never_imports_dask(tmp_path: Path) -> None:
    code = (
        "import sys; from click.testing import CliRunner; from pipeline.cli import cli;"
        "CliRunner().invoke(cli, ['build', '--help']);"
        "from pipeline.engine.executors import make_executor; make_executor('thread', 1).close();"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_shared_cache_keeps_each_films_state_apart(tmp_path: Path, tiny_media: Path) -> None:
    """Two films in one --cache-dir: building the second must not prune the first's entries."""
    cache = tmp_path / "cache"
    one = write_project(tmp_path / "one", tiny_media, ("en",))
    two = write_project(tmp_path / "two", tiny_media, ("en", "pl"))
    assert run_cli("build", "-p", str(one), "--cache-dir", str(cache), "--draft")[0] == 0
    assert run_cli("build", "-p", str(two), "--cache-dir", str(cache), "--draft")[0] == 0
    code, out = run_cli("build", "-p", str(one), "--cache-dir", str(cache), "--draft", "--dry-run")
    assert code == 0
    assert " would run" in out and "0 would run" in out, out
    shutil.rmtree(cache)


def test_ctrl_c_on_dask_stops_the_run_and_leaves_nothing(tmp_path: Path, tiny_media: Path) -> None:
    """SIGINT mid-build with a local cluster: exit 130, no dist/, no work folder, no ffmpeg left."""
    root = write_project(tmp_path / "film", tiny_media, LANGS)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "-p", str(root), "--executor", "dask", "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not _worker_pids_running_ffmpeg(root, proc.pid) and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, output.decode("utf-8", "replace")
    assert "Traceback" not in output.decode("utf-8", "replace")
    assert not (root / "dist").exists()
    tmp = root / ".filmpipe-cache" / "tmp"
    assert not tmp.exists() or list(tmp.iterdir()) == []
    time.sleep(1)
    assert not any(str(root).encode() in (p / "cmdline").read_bytes() for p in _ffmpeg_procs())


def _ffmpeg_procs() -> list[Path]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and (proc / "cmdline").read_bytes().split(b"\0")[0].endswith(b"ffmpeg"):
                found.append(proc)
        except OSError:
            continue
    return found


STEPS = 10


def stepping_task(run: TaskRun) -> TaskOutput:
    """Reports its progress in STEPS steps, a tenth of a second apart (runs in a Dask worker)."""
    for step in range(1, STEPS + 1):
        time.sleep(0.1)
        run.progress(step / STEPS)
    (run.out / "done.txt").write_text("done", encoding="utf-8")
    return TaskOutput(meta={"steps": STEPS})


def test_progress_from_dask_workers_reaches_the_build_display(tmp_path: Path) -> None:
    """A task running in a worker process reports progress while it runs: the runner's events
    carry growing fractions for it, and the CLI's live display shows its percentage."""
    tasks = [Task(id=f"step/{i}", title=f"Stepping task {i}", action=stepping_task, settings={"i": i}) for i in (1, 2)]
    cache = Cache(tmp_path / "cache", tmp_path, "test")
    keys = cache.keys(tasks)
    screen = io.StringIO()
    display = BuildDisplay(stream=screen, live=True, tasks=len(tasks))
    events: list[Event] = []

    def on_event(event: Event) -> None:
        events.append(event)
        display(event)

    pool = make_executor("dask", 2)
    try:
        results = run_tasks(tasks, None, cache, keys, cache.statuses(tasks, keys), on_event=on_event, executor=pool)  # type: ignore[arg-type]
    finally:
        pool.close()
    assert all(results[t.id].output.meta == {"steps": STEPS} for t in tasks)
    for task in tasks:
        kinds = [e.kind for e in events if e.task.id == task.id]
        assert kinds[0] == "start" and kinds[-1] == "finish", kinds
        fractions = [e.fraction for e in events if e.task.id == task.id and e.kind == "progress"]
        assert len(fractions) >= 2, f"{task.id}: {kinds}"
        assert fractions == sorted(set(fractions)), fractions  # growing, each message once
        assert 0 < fractions[0] < 1
    overall = [e.overall for e in events if e.kind == "progress"]
    assert overall == sorted(overall) and 0 < overall[0] < overall[-1] <= 1
    shown = [line for line in screen.getvalue().splitlines() if "Stepping task" in line and "%" in line]
    assert any(not line.strip().startswith("0.0%") for line in shown), shown
