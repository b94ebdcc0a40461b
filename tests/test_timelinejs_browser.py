"""End to end: the TimelineJS export of the bundled dataset renders in TimelineJS3, in Chromium.

Needs TimelineJS3 (from the npm registry) and headless Chromium: run the tests
through scripts/with-test-services, which provides both. Without them this
test fails (it does not skip).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path

import pytest

import bilatlog as bl
from _chromium import dump_dom, screenshot, serve
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
var slide = Number(new URLSearchParams(location.search).get("slide") || 0);
var tl = new TL.Timeline("timeline-embed", "timeline.json",
                         {script_path: new URL("js/", location.href).href, start_at_slide: slide});
tl.on("loaded", function () { document.getElementById("status").textContent = "loaded"; });
setInterval(function () {
  document.getElementById("errors").textContent = window.__errors.join("\\n");
}, 50);
</script></body></html>
"""


TRACKS = ["merida-initiative", "bicentennial-framework", "security-dialogue", "dea-operations",
          "dea-visas"]  # fmt: skip


@pytest.fixture
def site(tmp_path):
    dist = os.environ.get("BILATLOG_TIMELINEJS_DIST")
    if not dist or not (Path(dist) / "js" / "timeline.js").is_file():
        pytest.fail("TimelineJS3 is missing: run the tests through scripts/with-test-services")
    shutil.copytree(dist, tmp_path / "site")
    (tmp_path / "site" / "index.html").write_text(PAGE, encoding="utf-8")
    with serve(tmp_path / "site") as base:
        yield tmp_path / "site", base + "index.html"


def test_timelinejs_export_renders_without_errors(site, tmp_path):
    """Every event becomes a slide (plus the title), and the page logs no error."""
    folder, url = site
    doc = export_timelinejs(bl.examples.us_mexico(), folder / "timeline.json", title="US-Mexico")
    dom, log = dump_dom(url, tmp_path / "chrome")
    assert re.search(r'<pre id="status">loaded', dom), "TimelineJS did not finish loading"
    errors = re.search(r'<pre id="errors">([^<]*)</pre>', dom)
    assert errors is not None
    assert errors.group(1).strip() == ""
    assert "Uncaught" not in log
    slides = len(re.findall(r'class="tl-slide[ "]', dom))
    assert slides == len(doc["events"]) + 1  # the title slide, then one per event
    assert json.loads((folder / "timeline.json").read_text(encoding="utf-8")) == doc


def test_chosen_tracks_and_eras_render_as_groups_and_one_strip(site, tmp_path):
    """`tracks=` gives one group row per track, `eras=` one strip; headlines show whole."""
    folder, url = site
    doc = export_timelinejs(
        bl.examples.us_mexico(), folder / "timeline.json",
        title="US\u2013Mexico security cooperation, 2006\u20132023", tracks=TRACKS,
        eras="merida-initiative",
    )  # fmt: skip
    ids = [s["unique_id"] for s in doc["events"]]
    page = url + f"?slide={ids.index('dea-operations-halted') + 1}"  # after the title slide
    dom, _ = dump_dom(page, tmp_path / "chrome")
    assert re.search(r'<pre id="status">loaded', dom), "TimelineJS did not finish loading"
    assert re.search(r'<pre id="errors">\s*</pre>', dom)
    groups = re.findall(r'class="tl-timegroup-message">([^<]*)<', dom)
    assert sorted(g.lower() for g in groups) == sorted(TRACKS)
    assert len(re.findall(r'class="tl-timeera[ "]', dom)) == len(doc["eras"]) == 5
    shown = {html.unescape(h) for h in re.findall(r'<h2 class="tl-headline">([^<]*)</h2>', dom)}
    assert {html.unescape(s["text"]["headline"]) for s in doc["events"]} <= shown
    screenshot(page, tmp_path / "chrome", "timelinejs.png", (1000, 620))
