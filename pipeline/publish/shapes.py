"""The build's check of burned-in text against Chromium (render/shape_check.py), read for people.

Turns each language's `qc/shapes/<lang>` result into CAPTION_SHAPES warnings for the QC report
and one sentence for the build's last lines. Nothing here draws or compares: the task did.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipeline.engine.model import TaskOutput
from pipeline.findings import Finding
from pipeline.render import shape_check

CODE = "CAPTION_SHAPES"


def shape_results(outputs: Mapping[str, TaskOutput]) -> dict[str, dict[str, Any]]:
    """Each checked language's result (the task's meta), by language code, in plan order."""
    prefix = shape_check.task_id("")
    return {
        out.meta["language"]: out.meta
        for task, out in outputs.items()
        if task.startswith(prefix) and isinstance(out.meta.get("language"), str)
    }


def _where(word: dict[str, Any]) -> str:
    return f"'{word['text']}' in " + ("the title" if not word["cue"] else f"cue {word['cue']}")


def shape_findings(results: Mapping[str, dict[str, Any]]) -> tuple[Finding, ...]:
    findings = []
    for code, result in results.items():
        for word in result.get("words", []):
            if word.get("ok"):
                continue
            findings.append(
                Finding(
                    code=CODE,
                    severity="warning",
                    message=(
                        f"{_where(word)} is burned in differently from Chromium's drawing of the same text and font "
                        f"(similarity {word['similarity']:.3f}, {word['unmatched']} px of ink in one drawing only, "
                        f"width {word['width_ratio']:.3f}x; at least {result['threshold']}, none and within 8 % "
                        "are expected)"
                    ),
                    hint=(
                        "compare the two drawings in the QC report; if the burned-in one is wrong, do not publish "
                        "the captioned and social videos, and report it with the picture"
                    ),
                    language=code,
                    cue=word["cue"] or None,
                )
            )
        if result.get("error"):
            findings.append(
                Finding(
                    code=CODE,
                    severity="info",
                    message=f"the caption shapes were not checked against Chromium: {result['error']}",
                    hint="read the burned-in frames in the QC report by eye, or run 'filmpipe doctor'",
                    language=code,
                )
            )
    return tuple(findings)


def summary_sentence(results: Mapping[str, dict[str, Any]]) -> str | None:
    """'Caption shapes: 412 words in 6 languages drawn as Chromium draws them (lowest similarity 0.991).'"""
    if not results:
        return None
    checked = sum(int(r.get("checked") or 0) for r in results.values())
    below = {code: int(r.get("below") or 0) for code, r in results.items() if r.get("below")}
    failed = [code for code, r in results.items() if r.get("error")]
    reference = next(iter(results.values())).get("reference", "Chromium")
    if below:
        return (
            f"Warning: {sum(below.values())} burned-in caption word(s) in {', '.join(below)} are drawn differently "
            f"from {reference}'s drawing of the same text: see CAPTION_SHAPES in the QC report"
        )
    lowest = min((r["lowest"] for r in results.values() if r.get("lowest") is not None), default=None)
    text = f"Caption shapes: {checked} words in {len(results) - len(failed)} languages drawn as {reference} draws them"
    text += f" (lowest similarity {lowest:.3f})" if lowest is not None else ""
    if failed:
        text += f"; not checked in {', '.join(failed)} (see the QC report)"
    return text
