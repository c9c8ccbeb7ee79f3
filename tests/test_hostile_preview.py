"""The preview page (dist/index.html) in Chromium with hostile #fragments: no script error,
no script run, and the page still shows a language of the film.

The fragment is whatever a link or the address bar holds: markup, a malformed %-escape
(decodeURIComponent throws on it), a path, a prototype property name (`data.languages['constructor']`
is a function, not a language), a quote that would break a CSS selector built from it.
"""

from __future__ import annotations

import pytest
from browser import launch_browser, serve
from site_staging import built_site  # noqa: F401 (fixture)

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    "%E0%A4%A",
    "%",
    "%%",
    "../../x",
    "__proto__",
    "constructor",
    "toString",
    'pl"]',
    "pl'],x[",
    "javascript:alert(1)",
    "\u202eur",
    "x" * 5000,
]


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)

    def on_dialog(dialog) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return problems


def _shown_language(page) -> dict:
    return page.evaluate(
        """() => ({
          lang: document.documentElement.lang,
          checked: (document.querySelector('input[name="language"]:checked') || {}).value,
          title: document.getElementById('film-title').textContent,
        })"""
    )


@pytest.mark.browser
def test_hostile_fragments_cause_no_script_error(built_site):  # noqa: F811
    with serve(built_site.dist) as base, launch_browser() as browser:
        page = browser.new_page()
        problems = _watch(page)
        for fragment in HOSTILE:
            page.goto("about:blank")
            page.goto(f"{base}index.html#{fragment}")
            page.wait_for_load_state("load")
            shown = _shown_language(page)
            assert shown["lang"] == "en" and shown["checked"] == "en", (fragment, shown)
            assert shown["title"], fragment
        assert problems == [], problems


@pytest.mark.browser
def test_a_language_fragment_in_any_letter_case_and_a_later_hash_change(built_site):  # noqa: F811
    with serve(built_site.dist) as base, launch_browser() as browser:
        page = browser.new_page()
        problems = _watch(page)
        page.goto(f"{base}index.html#PL")
        assert _shown_language(page)["lang"] == "pl"
        for fragment in ("%E0%A4%A", "constructor", "<b>x</b>"):
            page.evaluate("f => { location.hash = f; }", fragment)
            page.wait_for_timeout(50)
            assert _shown_language(page)["lang"] == "pl", fragment
        page.evaluate("() => { location.hash = 'ur'; }")
        page.wait_for_function("document.documentElement.lang === 'ur'", timeout=5000)
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert problems == [], problems


INJECTION = '</script><script>alert("s")</script><img src=x onerror=alert("i")>"\'&<b>{{7*7}}'
TEXT_KEYS = {"title", "description", "name", "nativeName", "callToAction", "label", "labels"}


def _poison(node, count: list[int]):
    """Every human-readable text in the manifest replaced by markup that would run if unescaped."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in TEXT_KEYS and isinstance(value, str):
                count[0] += 1
                out[key] = INJECTION
            elif key in TEXT_KEYS and isinstance(value, dict):
                count[0] += len(value)
                out[key] = {k: INJECTION if isinstance(v, str) else v for k, v in value.items()}
            else:
                out[key] = _poison(value, count)
        return out
    if isinstance(node, list):
        return [_poison(item, count) for item in node]
    return node


@pytest.mark.browser
def test_hostile_text_in_every_field_is_escaped_and_never_runs(built_site, tmp_path):  # noqa: F811
    import json
    import shutil

    from pipeline.findings import Finding, Report
    from pipeline.project import load_project
    from pipeline.publish.preview import render_index
    from pipeline.publish.report import render_report

    manifest = json.loads((built_site.dist / "manifest.json").read_text(encoding="utf-8"))
    count = [0]
    poisoned = _poison(manifest, count)
    assert count[0] >= 10, count
    project_dir = tmp_path / "project"
    shutil.copytree(built_site.project, project_dir, ignore=shutil.ignore_patterns("dist", ".filmpipe-cache"))
    toml = (project_dir / "film.toml").read_text(encoding="utf-8")
    title = json.dumps(INJECTION)  # a TOML basic string is a JSON string
    toml = toml.replace('title = "Meet your neighbourhood policing team"', f"title = {title}\ndescription = {title}")
    (project_dir / "film.toml").write_text(toml, encoding="utf-8")
    project = load_project(project_dir)
    assert project.film.title == INJECTION
    finding = Finding(
        "SUB_PARSE", "error", INJECTION, INJECTION, language="pl", file=INJECTION, line=1, cue=1, time=0.0
    )
    pages = {
        "index.html": render_index(poisoned, project, built_site.dist),
        "report.html": render_report(poisoned, Report(findings=(finding,)), project, []),
    }
    site = tmp_path / "site"
    shutil.copytree(built_site.dist, site)
    for name, html in pages.items():
        assert '<script>alert("s")' not in html and "<img src=x" not in html, name
        (site / name).write_text(html, encoding="utf-8")
    with serve(site) as base, launch_browser() as browser:
        page = browser.new_page()
        problems = _watch(page)
        for name in pages:
            page.goto(base + name)
            page.wait_for_load_state("load")
            injected = page.evaluate("() => document.querySelectorAll('img[src=x], b').length")
            assert injected == 0, (name, injected)
            assert INJECTION in page.evaluate("() => document.body.innerText"), name
        assert problems == [], problems
