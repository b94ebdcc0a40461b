"""End to end: the TimelineJS export of the bundled dataset renders in TimelineJS3, in Chromium.

Needs TimelineJS3 (from the npm registry) and headless Chromium: run the tests
through scripts/with-test-services, which provides both. Without them this
test fails (it does not skip).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

import bilatlog as bl
from bilatlog.io import export_timelinejs

PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="css/timeline.css">
<script>window.__errors = []; window.onerror = function (m) { window.__errors.push(String(m)); };
var original = console.error; console.error = function () {
  window.__errors.push(Array.prototype.join.call(arguments, " "));
  original.apply(console, arguments);
};</script>
<script src="js/timeline.js"></script>
</head><body>
<div id="timeline-embed" style="width: 1000px; height: 600px"></div>
<pre id="errors"></pre><pre id="status">loading</pre>
<script>
var tl = new TL.Timeline("timeline-embed", "timeline.json",
                         {script_path: new URL("js/", location.href).href});
tl.on("loaded", function () { document.getElementById("status").textContent = "loaded"; });
setInterval(function () {
  document.getElementById("errors").textContent = window.__errors.join("\\n");
}, 50);
</script></body></html>
"""


@pytest.fixture
def site(tmp_path):
    dist = os.environ.get("BILATLOG_TIMELINEJS_DIST")
    if not dist or not (Path(dist) / "js" / "timeline.js").is_file():
        pytest.fail("TimelineJS3 is missing: run the tests through scripts/with-test-services")
    shutil.copytree(dist, tmp_path, dirs_exist_ok=True)
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args: object) -> None:
        pass


def test_timelinejs_export_renders_without_errors(site, tmp_path):
    """Every event becomes a slide (plus the title), and the page logs no error."""
    folder, url = site
    doc = export_timelinejs(bl.examples.us_mexico(), folder / "timeline.json", title="US-Mexico")
    chromium = os.environ.get("BILATLOG_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        pytest.fail("Chromium is missing: run the tests through scripts/with-test-services")
    proc = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'chrome'}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=10000", "--dump-dom", url],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert re.search(r'<pre id="status">loaded', dom), "TimelineJS did not finish loading"
    errors = re.search(r'<pre id="errors">([^<]*)</pre>', dom)
    assert errors is not None
    assert errors.group(1).strip() == ""
    assert "Uncaught" not in proc.stderr
    slides = len(re.findall(r'class="tl-slide[ "]', dom))
    assert slides == len(doc["events"]) + 1  # the title slide, then one per event
    assert json.loads((folder / "timeline.json").read_text(encoding="utf-8")) == doc
