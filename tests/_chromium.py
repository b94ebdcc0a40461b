"""Headless Chromium for the browser tests: serve a folder, dump the DOM, take a screenshot.

scripts/with-test-services provides Chromium (BILATLOG_CHROMIUM). Without it the
browser tests fail; they do not skip. With BILATLOG_SCREENSHOTS set to a folder,
the browser tests also save what they checked there as PNGs (the docs' images
come from them: see scripts/build_screenshots).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest


def chromium() -> str:
    path = os.environ.get("BILATLOG_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("Chromium is missing: run the tests through scripts/with-test-services")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on a free port; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _run(
    url: str, profile: Path, *extra: str, size: tuple[int, int]
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--force-device-scale-factor=1", f"--window-size={size[0]},{size[1]}",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=10000", *extra, url],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def dump_dom(url: str, profile: Path, size: tuple[int, int] = (1000, 700)) -> tuple[str, str]:
    """Load `url`, let its scripts run, return (the DOM as serialized then, Chromium's log)."""
    proc = _run(url, profile, "--dump-dom", size=size)
    return proc.stdout, proc.stderr


def screenshot(url: str, profile: Path, name: str, size: tuple[int, int]) -> Path | None:
    """Save a PNG of `url` as BILATLOG_SCREENSHOTS/name, when that folder is set."""
    folder = os.environ.get("BILATLOG_SCREENSHOTS")
    if not folder:
        return None
    target = Path(folder).resolve() / name
    target.parent.mkdir(parents=True, exist_ok=True)
    _run(url, profile, f"--screenshot={target}", size=size)
    assert target.read_bytes().startswith(b"\x89PNG")
    return target
