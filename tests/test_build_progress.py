"""The build display: plain lines off a terminal, a redrawn block with time left on one."""

from __future__ import annotations

import io

from pipeline.cli.progress import BuildDisplay, duration_text
from pipeline.engine.model import Task, TaskOutput
from pipeline.engine.runner import Event


def noop(run):
    return TaskOutput()


TASK = Task(id="ladder", title="Encode video ladder 1080/720", action=noop)


def feed(display: BuildDisplay) -> None:
    display(Event("start", TASK, overall=0.0))
    display(Event("progress", TASK, fraction=0.5, overall=0.5, eta_seconds=65))
    display(Event("finish", TASK, fraction=1.0, overall=1.0, eta_seconds=0, seconds=12.34))
    display.close()


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    feed(BuildDisplay(out, live=False))
    text = out.getvalue()
    assert "\x1b" not in text
    assert text.splitlines() == ["  done  ladder                   Encode video ladder 1080/720 (12.3 s)"]


def test_live_block_shows_overall_progress_time_left_and_running_tasks():
    out = io.StringIO()
    display = BuildDisplay(out, live=True)
    display(Event("start", TASK, overall=0.0))
    display(Event("progress", TASK, fraction=0.5, overall=0.5, eta_seconds=65))
    display._draw(force=True)
    text = out.getvalue()
    assert " 50.0%" in text and "left 1:05" in text
    assert "Encode video ladder 1080/720" in text
    display(Event("finish", TASK, fraction=1.0, overall=1.0, eta_seconds=0, seconds=3))
    display.close()
    assert out.getvalue().count("done  ladder") == 1
    assert out.getvalue().endswith("\x1b[J")  # the live block is cleared at the end


def test_duration_text():
    assert duration_text(None) == "--:--"
    assert duration_text(5) == "0:05"
    assert duration_text(3725) == "1:02:05"
