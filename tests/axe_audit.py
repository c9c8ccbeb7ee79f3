"""axe-core (tests/js/node_modules/axe-core) in Debian's Chromium on every page of a build:
the preview page, the QC report and each transcript, at 1280 and 390 pixels wide."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import launch_browser, serve
from site_staging import Built

AXE = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 390)


def pages(dist: Path) -> list[str]:
    found = ["index.html"]
    found += [p.relative_to(dist).as_posix() for p in dist.rglob("report.html")]
    found += sorted(p.relative_to(dist).as_posix() for p in (dist / "transcripts").glob("*.html"))
    return found


def audit(built: Built) -> list[str]:
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (run scripts/bootstrap.sh)")
    problems: list[str] = []
    qc = built.dist.parent / f"{built.dist.name}-qc"  # the QC report sits beside dist/
    names = pages(built.dist) + ([f"../{qc.name}/report.html"] if (qc / "report.html").is_file() else [])
    with launch_browser() as browser, serve(built.dist.parent) as root:
        base = root + built.dist.name + "/"
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            for name in names:
                page.goto(base + name)
                page.wait_for_load_state("load")
                page.add_script_tag(path=str(AXE))
                result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
                for v in result["violations"]:
                    targets = [n["target"] for n in v["nodes"]][:3]
                    problems.append(f"{width}px {name}: {v['id']} ({v['impact']}) {v['help']} at {targets}")
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 0:
                    problems.append(f"{width}px {name}: scrolls sideways by {overflow} px")
            page.close()
    return problems
