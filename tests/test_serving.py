"""docs/serving.md's nginx and Apache configurations, as written there, serving a real build on loopback.

Each server is started with a minimal main configuration around the docs' block (its
`/var/www/film` pointed at a copy of the build's dist/), then every kind of file is asked for:
byte ranges answer 206 with Content-Range, CORS headers are there, each file has its MIME
type, content-hashed names (read from the build's manifest) are `immutable` for a year and every
fixed name (the entry points, pages and lists) is `no-cache`. A server that is not installed is
skipped with the package to install (scripts/bootstrap.sh installs nginx-light and apache2).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from build_helpers import published
from site_staging import built_site  # noqa: F401 (fixture)

from pipeline.content_names import IMMUTABLE_PATTERN, is_immutable

DOCS = Path(__file__).resolve().parent.parent / "docs" / "serving.md"
WEBROOT = "/var/www/film"


def docs_config(name: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(rf"<!-- serving-config: {name} -->\s*```\w+\n(.*?)\n```", text, re.S)
    assert match, f"docs/serving.md lost its {name} configuration"
    return match.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(built_site, tmp_path_factory) -> Iterator[Path]:  # noqa: F811
    """A world-readable copy of the build's dist/ (Apache's and nginx's workers are not root)."""
    root = Path(tempfile.mkdtemp(prefix="filmpipe-serving-"))
    try:
        os.chmod(root, 0o755)
        shutil.copytree(built_site.dist, root / "film")
        for path in [root / "film", *(root / "film").rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        yield root / "film"
    finally:
        shutil.rmtree(root, ignore_errors=True)


def wait_for(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server stopped: {log.read_text(errors='replace') if log.exists() else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start listening")


@contextmanager
def running(argv: list[str], port: int, log: Path) -> Iterator[str]:
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(port, proc, log)
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def nginx(dist: Path, work: Path) -> Iterator[str]:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light; scripts/bootstrap.sh does)")
    port = free_port()
    block = docs_config("nginx").replace(WEBROOT + "/", f"{dist}/")
    conf = work / "nginx.conf"
    conf.write_text(
        f"""daemon off;
master_process off;
user root;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    server {{
        listen 127.0.0.1:{port};
{block}
    }}
}}
""",
        encoding="utf-8",
    )
    with running([binary, "-c", str(conf), "-p", str(work)], port, work / "error.log") as host:
        yield host


@contextmanager
def apache(dist: Path, work: Path) -> Iterator[str]:
    binary = shutil.which("apache2") or ("/usr/sbin/apache2" if Path("/usr/sbin/apache2").exists() else None)
    modules = Path("/usr/lib/apache2/modules")
    if binary is None or not modules.is_dir():
        pytest.skip("Apache is not installed (apt-get install apache2; scripts/bootstrap.sh does)")
    port = free_port()
    block = docs_config("apache").replace(WEBROOT, str(dist))
    os.chmod(work, 0o777)  # the worker (www-data) writes nothing, but opens its logs' folder
    conf = work / "httpd.conf"
    conf.write_text(
        f"""ServerRoot "/usr/lib/apache2"
ServerName localhost
LoadModule mpm_event_module modules/mod_mpm_event.so
LoadModule authz_core_module modules/mod_authz_core.so
LoadModule mime_module modules/mod_mime.so
LoadModule headers_module modules/mod_headers.so
LoadModule alias_module modules/mod_alias.so
User www-data
Group www-data
Listen 127.0.0.1:{port}
PidFile {work}/httpd.pid
ErrorLog {work}/error.log
Mutex file:{work} default
DefaultRuntimeDir {work}
TypesConfig /etc/mime.types
<Directory />
    Require all denied
</Directory>
{block}
""",
        encoding="utf-8",
    )
    with running([binary, "-X", "-f", str(conf)], port, work / "error.log") as host:
        yield host


def head(host: str, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection(host, timeout=10)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


IMMUTABLE = "public, max-age=31536000, immutable"
FIXED = "no-cache"


def served_files(dist: Path) -> dict[str, tuple[str, str]]:
    """{dist-relative name: (MIME type, Cache-Control)} for every kind of file, real names from the manifest."""
    fixed = {
        "manifest.json": "application/json",
        "manifest.schema.json": "application/json",
        "index.html": "text/html",
        "hls/master.m3u8": "application/vnd.apple.mpegurl",
        "hls/SHA256SUMS": "text/plain",
        "transcripts/ur.html": "text/html",
        "transcripts/ur.txt": "text/plain",
    }
    hashed = {
        "hls/video/180/index.m3u8": "application/vnd.apple.mpegurl",
        "hls/video/180/iframes.m3u8": "application/vnd.apple.mpegurl",
        "hls/video/180/init.mp4": "video/mp4",
        "hls/video/180/seg-00001.m4s": "video/mp4",
        "hls/audio/pl/seg-00001.m4s": "video/mp4",
        "hls/subs/ur/index.m3u8": "application/vnd.apple.mpegurl",
        "hls/subs/ur/seg-00001.vtt": "text/vtt",
        "subtitles/ur.vtt": "text/vtt",
        "video/pl/pl-180.mp4": "video/mp4",
        "posters/poster-180.jpg": "image/jpeg",
        "posters/poster-180.webp": "image/webp",
    }
    files = {rel: (mime, FIXED) for rel, mime in fixed.items()}
    for logical, mime in hashed.items():
        real = published(dist, logical).relative_to(dist).as_posix()
        assert real != logical and is_immutable(real), real
        files[real] = (mime, IMMUTABLE)
    return files


def check_server(host: str, dist: Path) -> None:
    for rel, (mime, cache) in served_files(dist).items():
        assert (dist / rel).is_file(), rel
        r = head(host, f"/film/{rel}", {"Origin": "https://www.example.org"})
        assert r.status == 200, (rel, r.status)
        assert (r.getheader("Content-Type") or "").split(";")[0].strip() == mime, (rel, r.getheader("Content-Type"))
        assert r.getheader("Access-Control-Allow-Origin") == "*", rel
        assert r.getheader("Cache-Control") == cache, (rel, r.getheader("Cache-Control"))
        if mime.startswith("text/"):
            assert "utf-8" in (r.getheader("Content-Type") or "").lower(), (rel, r.getheader("Content-Type"))
    mp4 = published(dist, "video/pl/pl-180.mp4")
    url = "/film/" + mp4.relative_to(dist).as_posix()
    size = mp4.stat().st_size
    r = head(host, url, {"Range": "bytes=100-199", "Origin": "https://www.example.org"})
    assert r.status == 206
    assert r.getheader("Content-Range") == f"bytes 100-199/{size}"
    assert r.getheader("Content-Length") == "100"
    assert r.getheader("Access-Control-Allow-Origin") == "*"
    assert r.getheader("Cache-Control") == IMMUTABLE
    assert "Content-Range" in (r.getheader("Access-Control-Expose-Headers") or "")
    r = head(host, url, {"Range": f"bytes={size + 10}-"})
    assert r.status == 416


def test_every_config_uses_the_pattern_of_content_hashed_names():
    """The servers tell hashed names from fixed ones by the pattern content_names.py names by."""
    assert IMMUTABLE_PATTERN == r"\.[0-9a-f]{12}[./]"
    for name in ("nginx", "apache", "iis"):
        assert IMMUTABLE_PATTERN in docs_config(name), name
        assert IMMUTABLE in docs_config(name), name
        assert "max-age=3600" not in docs_config(name), name


def test_nginx_serves_dist_as_the_docs_say(site, tmp_path):
    with nginx(site, tmp_path) as host:
        check_server(host, site)


def test_apache_serves_dist_as_the_docs_say(site, tmp_path):
    with apache(site, tmp_path) as host:
        check_server(host, site)


def test_the_iis_config_is_well_formed_and_names_every_type():
    import xml.etree.ElementTree as ET

    root = ET.fromstring(docs_config("iis"))
    maps = {m.get("fileExtension"): m.get("mimeType") for m in root.iter("mimeMap")}
    assert maps[".m3u8"] == "application/vnd.apple.mpegurl" and maps[".m4s"] == "video/mp4"
    assert maps[".vtt"].startswith("text/vtt") and maps[".webp"] == "image/webp"
    removed = {m.get("fileExtension") for m in root.iter("remove")}
    assert removed == set(maps)  # adding a type IIS already knows is an error: each is removed first
    # everything no-cache by default; an outbound rule rewrites Cache-Control for content-hashed names
    (default,) = [c for c in root.iter("clientCache")]
    assert default.get("cacheControlMode") == "DisableCache"
    (rule,) = root.iter("rule")
    assert rule.find("match").get("serverVariable") == "RESPONSE_Cache_Control"
    (condition,) = rule.find("conditions")
    assert (condition.get("input"), condition.get("pattern")) == ("{REQUEST_URI}", IMMUTABLE_PATTERN)
    assert (rule.find("action").get("type"), rule.find("action").get("value")) == ("Rewrite", IMMUTABLE)
    pattern = re.compile(condition.get("pattern"))
    names = ["/film/video/pl/pl-720.3f2a1b4c5d6e.mp4", "/film/hls/video/720.9b1c0d2e3f4a/seg-00001.m4s"]
    assert all(pattern.search(n) for n in names)
    fixed = ["/film/manifest.json", "/film/index.html", "/film/hls/master.m3u8", "/film/transcripts/ur.html"]
    assert not any(pattern.search(n) for n in fixed)
