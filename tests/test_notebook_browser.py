"""End to end: an executed notebook, rendered by nbconvert as JupyterLab (and the classic
Notebook) render it, shows bilatlog's tables as meant, measured in headless Chromium.

The host's style sheets right-align every table cell and let cells wrap anywhere; the
views' own style must win. A pandas DataFrame in the same notebook is the control: it
keeps the host's right alignment, so the host's CSS is known to be in force.

Needs headless Chromium: run the tests through scripts/with-test-services. Without it
this test fails (it does not skip).
"""

from __future__ import annotations

import html
import json
import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from _chromium import dump_dom, screenshot

CELLS = [
    "import bilatlog as bl\ntl = bl.examples.us_mexico()\ntl",
    'tl.state_at("2021-01-15")',
    'tl.history("dea-operations")',
    'tl.status_matrix(start="2019", end="2022", tracks=["merida-initiative", "dea-operations"])',
]

PROBE = """<pre id="probe"></pre><script>
(function () {
  function look(el) {
    if (!el) { return null; }
    var s = getComputedStyle(el);
    return {align: s.textAlign, wrap: s.whiteSpace, font: s.fontFamily,
            lines: el.getClientRects().length, text: el.textContent.trim()};
  }
  var views = document.querySelectorAll("div.bl-view");
  var history = views[views.length - 1];
  var out = {
    views: views.length,
    tables: document.querySelectorAll("div.bl-view table").length,
    captions: document.querySelectorAll("div.bl-view table > caption").length,
    prose: look(history.querySelector("tbody tr td:last-child")),
    truth: look(document.querySelector("div.bl-view td .bl-possible")),
    truthCell: look(document.querySelector("div.bl-view td .bl-possible").parentElement),
    date: look(document.querySelector("div.bl-view td code")),
    header: look(document.querySelector("div.bl-view th")),
    card: look(views[0].querySelector("div")),
    isoLines: Array.prototype.map.call(
      document.querySelectorAll("div.bl-view td .bl-muted .bl-nw"),
      function (el) { return el.getClientRects().length; }),
    control: look(document.querySelector("table.dataframe tbody td"))
  };
  document.getElementById("probe").textContent = JSON.stringify(out);
})();
</script>"""


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return nb


def _page(nb, template: str) -> str:
    body, _ = HTMLExporter(template_name=template.removesuffix("-sanitized")).from_notebook_node(nb)
    body = re.sub(r'<script src="https?://[^"]*"></script>', "", body)  # no network here
    if template == "lab-sanitized":  # as JupyterLab shows an untrusted notebook: no <style>
        body, n = re.subn(r"<style>div\.bl-view.*?</style>", "", body, flags=re.DOTALL)
        assert n > 0
    return body.replace("</body>", PROBE + "</body>")


@pytest.mark.parametrize("template", ["lab", "classic", "lab-sanitized"])
def test_tables_keep_their_style_in_the_host(executed, template, tmp_path):
    """Prose is left-aligned, truth marks and dates stay on one line, every table is captioned.

    "lab-sanitized" drops the views' style sheets, as JupyterLab does for an untrusted
    notebook: the inline styles alone must keep alignment and the unbroken marks.
    """
    page = tmp_path / f"{template}.html"
    page.write_text(_page(executed, template), encoding="utf-8")
    size = (760, 900)  # narrow: a wrapping date or truth mark would show
    dom, _ = dump_dom(page.as_uri(), tmp_path / "chrome", size=size)
    found = re.search(r'<pre id="probe">([^<]*)</pre>', dom)
    assert found, "the probe did not run"
    probe = json.loads(html.unescape(found.group(1)))
    assert probe["control"]["align"] == "right"  # the host's table CSS is in force...
    assert probe["prose"]["align"] == "left"  # ...and ours wins over it
    assert probe["header"]["align"] == "left"
    assert probe["prose"]["lines"] >= 1
    assert probe["truth"]["text"] == "?\u00a0possible"
    assert probe["truth"]["lines"] == 1
    assert probe["truthCell"]["wrap"] == "nowrap"
    assert probe["date"]["lines"] == 1
    assert re.match(r"\d{4}-\d{2}", probe["date"]["text"])
    assert probe["isoLines"]  # the dates inside words ("some day 2020-01-01 to ...")...
    assert set(probe["isoLines"]) == {1}  # ...each stay on one line
    assert probe["tables"] == probe["captions"] > 0
    if template != "lab-sanitized":
        assert probe["prose"]["font"].startswith("system-ui")
    assert "in-memory copy of us_mexico_security.jsonl" in probe["card"]["text"]
    if template == "lab":
        screenshot(page.as_uri(), tmp_path / "chrome", "notebook-lab.png", (1100, 1250))
