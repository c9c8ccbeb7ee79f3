"""Time to first frame of the HLS stream in hls.js on a slow link (issue 12: a slow phone).

Plays a built dist/ (default: the demo's, after `make demo`) with the HLS embed code of
docs/manifest.md in headless Chromium, the link throttled through the DevTools protocol
(Network.emulateNetworkConditions, as Chrome DevTools throttling does). The page presses play
as it loads (muted); the time is from navigation start to the first video frame presented
(requestVideoFrameCallback), and the stalls (`waiting` events after the first frame) over the
next seconds of playback are counted. Each run uses a new browser context (empty cache).

The same runs without throttling are the baseline beside it: the ratio says how much of the
start-up is the link. Target (issue 12): first frame within 3 s at 300 kbit/s.

    .venv/bin/python bench/startup_bench.py                  # dist/, 300 kbit/s, 150 ms, 3 runs
    .venv/bin/python bench/startup_bench.py --kbps 300 --latency-ms 150 --runs 5 --dist dist
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM_ARGS, RangeHandler, chromium_path  # noqa: E402

from pipeline.publish.preview import HLS_JS_URL, hls_snippet  # noqa: E402

HLS_JS = ROOT / "tests" / "vendor" / "hls.js" / "hls.min.js"
RESULTS = ROOT / "bench" / "startup_results.json"

PROBE = """
<script>
  window.bench = { firstFrame: null, stalls: 0, level: null, audioGroup: null };
  var v = document.getElementById("film");
  v.muted = true;
  v.addEventListener("waiting", function () { if (window.bench.firstFrame !== null) { window.bench.stalls += 1; } });
  v.requestVideoFrameCallback(function () { window.bench.firstFrame = performance.now(); });
  v.play().catch(function () {});
</script>
"""


def page_html(language: str) -> str:
    snippet = hls_snippet("dist/hls/master.m3u8", language, 640, 360, None)
    return f'<!doctype html><html lang="{language}"><meta charset="utf-8"><title>bench</title><body>{snippet}{PROBE}</body></html>'


def serve(root: Path):
    handler = functools.partial(RangeHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def one_run(browser, url: str, kbps: float | None, latency_ms: float, watch_seconds: float) -> dict:
    context = browser.new_context()
    page = context.new_page()
    page.route(HLS_JS_URL, lambda route: route.fulfill(path=str(HLS_JS), content_type="application/javascript"))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if kbps:
        rate = kbps * 1000 / 8  # bytes per second
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": latency_ms, "downloadThroughput": rate, "uploadThroughput": rate},
        )
    page.goto(url, wait_until="commit")
    page.wait_for_function("window.bench && window.bench.firstFrame !== null", timeout=120_000, polling=50)
    first = page.evaluate("window.bench.firstFrame")
    page.wait_for_timeout(watch_seconds * 1000)
    state = page.evaluate(
        """() => ({stalls: window.bench.stalls, played: document.getElementById('film').currentTime,
                   level: hls.levels[hls.currentLevel] ? hls.levels[hls.currentLevel].height : null,
                   startLevel: hls.levels[0] ? hls.levels.map(l => l.height) : [],
                   audio: hls.audioTracks[hls.audioTrack] ? hls.audioTracks[hls.audioTrack].groupId : null})"""
    )
    context.close()
    return {"firstFrameSeconds": round(first / 1000, 3), **state}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--kbps", type=float, default=300.0)
    parser.add_argument("--latency-ms", type=float, default=150.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--language", default="en")
    parser.add_argument("--watch-seconds", type=float, default=20.0, help="playback watched for stalls per run")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/startup_results.json")
    args = parser.parse_args()
    dist = args.dist.resolve()
    if not (dist / "hls" / "master.m3u8").is_file():
        sys.exit(f"{dist} holds no hls/master.m3u8: run 'make demo' (or pass --dist)")
    executable = chromium_path()
    if executable is None:
        sys.exit("no Chromium on this machine (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="filmpipe-startup-") as tmp:
        root = Path(tmp)
        (root / "dist").symlink_to(dist)
        (root / "page.html").write_text(page_html(args.language), encoding="utf-8")
        server, base = serve(root)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
                throttled, baseline = [], []
                for _ in range(args.runs):  # side by side: one throttled run, one baseline run
                    throttled.append(
                        one_run(browser, base + "page.html", args.kbps, args.latency_ms, args.watch_seconds)
                    )
                    baseline.append(one_run(browser, base + "page.html", None, 0, 2))
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    t = statistics.median(r["firstFrameSeconds"] for r in throttled)
    b = statistics.median(r["firstFrameSeconds"] for r in baseline)
    result = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "dist": str(dist),
        "link": {"kbps": args.kbps, "latencyMs": args.latency_ms},
        "medianFirstFrameSeconds": t,
        "baselineMedianFirstFrameSeconds": b,
        "ratio": round(t / b, 1) if b else None,
        "targetSeconds": 3.0,
        "throttledRuns": throttled,
        "baselineRuns": baseline,
    }
    print(
        f"first frame at {args.kbps:g} kbit/s, {args.latency_ms:g} ms: median {t:.2f} s over {args.runs} runs "
        f"(unthrottled {b:.2f} s, x{result['ratio']}); stalls {[r['stalls'] for r in throttled]} "
        f"in {args.watch_seconds:g} s; target 3 s: {'met' if t <= 3.0 else 'NOT met'}"
    )
    if not args.no_save:
        RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
