"""Findings: what validation reports, as data. Codes are stable API (DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    code: str  # e.g. "SUB_OVERLAP"
    severity: str  # "error" | "warning" | "info"
    message: str  # one sentence, e.g. "cue 4 starts 0.32 s before cue 3 ends"
    hint: str = ""  # the fix, e.g. "shorten cue 3 or start cue 4 later"
    language: str | None = None
    file: str | None = None  # as the user wrote it: relative to film.toml
    line: int | None = None
    cue: int | None = None
    time: float | None = None  # seconds

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "severity": self.severity}
        for key in ("language", "file", "line", "cue", "time"):
            value = getattr(self, key)
            if value is not None:
                data[key] = round(value, 3) if key == "time" else value
        data["message"] = self.message
        data["hint"] = self.hint
        return data


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def has_errors(self) -> bool:
        return self.count("error") > 0

    def ok(self, strict: bool = False) -> bool:
        return not self.has_errors and not (strict and self.count("warning") > 0)

    def to_json(self, strict: bool = False) -> dict[str, Any]:
        return {
            "ok": self.ok(strict),
            "counts": {s: self.count(s) for s in SEVERITIES},
            "findings": [f.to_json() for f in self.findings],
        }
