#!/usr/bin/env bash
# Idempotent set-up for `make demo` and `make test`: system packages, then .venv.
# A second run with everything present takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need_pkgs+=(ffmpeg)
command -v fc-list >/dev/null 2>&1 || need_pkgs+=(fontconfig)
if ! command -v fc-list >/dev/null 2>&1 || ! fc-list ':family=Noto Nastaliq Urdu' | grep -q .; then
  need_pkgs+=(fonts-noto-core)
fi
# The tests prove every row of pipeline/data/languages.toml, Chinese included: its Noto Sans CJK
# fonts (fonts-noto-cjk, 57 MB to download) are a test need only; `make demo` needs fonts-noto-core.
if [ "${FILMPIPE_TEST_TOOLS:-1}" = "1" ] && { ! command -v fc-list >/dev/null 2>&1 || ! fc-list ':family=Noto Sans CJK SC' | grep -q .; }; then
  need_pkgs+=(fonts-noto-cjk)
fi
# The tests check the language table's ISO 639-2/T codes against Debian's iso-codes data.
if [ "${FILMPIPE_TEST_TOOLS:-1}" = "1" ] && [ ! -f /usr/share/iso-codes/json/iso_639-2.json ]; then
  need_pkgs+=(iso-codes)
fi
if [ "${FILMPIPE_NO_BROWSER:-}" != "1" ] && ! command -v chromium >/dev/null 2>&1; then
  need_pkgs+=(chromium)
fi
if [ "${FILMPIPE_TEST_TOOLS:-1}" = "1" ] && ! command -v npm >/dev/null 2>&1; then
  need_pkgs+=(nodejs npm)
fi
# Web servers for tests/test_serving.py (docs/serving.md's configurations on loopback); about
# 15 s of apt on a fresh machine. The tests skip, naming the package, where they are absent.
if [ "${FILMPIPE_TEST_TOOLS:-1}" = "1" ] && ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  need_pkgs+=(nginx-light)
fi
if [ "${FILMPIPE_TEST_TOOLS:-1}" = "1" ] && [ ! -x /usr/sbin/apache2 ]; then
  need_pkgs+=(apache2)
fi
# Test-only: OCR reads burned-in captions back (tests/test_captions_ocr.py).
if [ "${FILMPIPE_TEST_TOOLS:-1}" = "1" ]; then
  ocr_langs=$(tesseract --list-langs 2>/dev/null || true)
  for l in ben guj pol ron; do
    if ! printf '%s\n' "$ocr_langs" | grep -qx "$l"; then
      need_pkgs+=(tesseract-ocr tesseract-ocr-ben tesseract-ocr-guj tesseract-ocr-pol tesseract-ocr-ron)
      break
    fi
  done
fi

if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing ${need_pkgs[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need_pkgs[@]}" fontconfig >/dev/null
  else
    echo "bootstrap: missing system packages: ${need_pkgs[*]}" >&2
    echo "bootstrap: install them first, e.g.: sudo apt-get install ${need_pkgs[*]}" >&2
    echo "bootstrap: (on macOS: brew install ffmpeg chromium, and the Noto fonts)" >&2
    exit 1
  fi
fi

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "bootstrap: filmpipe needs Python 3.11 or newer; $PY is $("$PY" --version 2>&1)" >&2
  exit 1
fi

stamp=.venv/.filmpipe-installed
if [ ! -x .venv/bin/python ] || [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "bootstrap: creating .venv and installing filmpipe with its test extras"
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e '.[test]'
  touch "$stamp"
fi

# Test-only JavaScript (players, axe-core, the W3C WebVTT parser): tests/js/node_modules, never in dist/.
if [ "${FILMPIPE_TEST_TOOLS:-1}" = "1" ] && command -v npm >/dev/null 2>&1; then
  js_stamp=tests/js/node_modules/.filmpipe-installed
  if [ ! -f "$js_stamp" ] || [ tests/js/package-lock.json -nt "$js_stamp" ]; then
    echo "bootstrap: installing the test-only JavaScript packages (tests/js)"
    npm ci --prefix tests/js --no-audit --no-fund --loglevel=error >/dev/null
    touch "$js_stamp"
  fi
fi
