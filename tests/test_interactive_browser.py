"""End to end: the interactive (plotly) timeline renders in Chromium and its hover tells the source.

plotly.js comes inside the plotly package (the `interactive` extra), so the page
needs no network. Needs headless Chromium: run the tests through
scripts/with-test-services. Without it this test fails (it does not skip).
"""

from __future__ import annotations

import html
import re

import bilatlog as bl
from _chromium import dump_dom, screenshot

TRACKS = ["merida-initiative", "dea-operations", "dea-visas", "bicentennial-framework"]

# After plotly draws, hover the DEA freeze of "about January 2021" and copy the label out.
HOVER = """<pre id="probe" hidden>waiting</pre><script>
(function () {
  var gd = document.querySelector(".plotly-graph-div");
  function probe() {
    var events = gd.data.findIndex(function (t) { return t.name === "event"; });
    var point = gd.data[events].hovertext.findIndex(function (h) {
      return h.indexOf("2021-01~") >= 0; });
    Plotly.Fx.hover(gd, [{curveNumber: events, pointNumber: point}]);
    setTimeout(function () {
      var label = document.querySelector(".hoverlayer .hovertext");
      document.getElementById("probe").textContent = JSON.stringify({
        bars: document.querySelectorAll(".barlayer .point").length,
        hover: label ? label.textContent : null});
    }, 200);
  }
  if (gd._fullLayout) { probe(); } else { gd.on("plotly_afterplot", probe); }
})();
</script>"""


def test_interactive_timeline_renders_and_hover_names_the_sources(tmp_path):
    """Every period is a bar; hovering an event shows its summary, EDTF date and sources."""
    tl = bl.examples.us_mexico()
    fig = tl.plot_interactive(tracks=TRACKS, start="2006-06", end="2024-06")
    page = tmp_path / "timeline.html"
    fig.write_html(page, include_plotlyjs=True, full_html=True)
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</body>", HOVER + "</body>"), encoding="utf-8")
    dom, _ = dump_dom(page.as_uri(), tmp_path / "chrome", size=(1100, 480))
    found = re.search(r'<pre id="probe" hidden="">([^<]*)</pre>', dom)
    assert found
    assert found.group(1) != "waiting", "plotly did not draw"
    probe = html.unescape(found.group(1))
    bars = sum(1 for t in fig.data if t.type == "bar")
    assert f'"bars":{bars}' in probe
    assert "Joint work against the cartels" in probe
    assert "January 2021 (approximate)" in probe
    assert "Reuters" in probe
    screenshot(page.as_uri(), tmp_path / "chrome", "interactive.png", (1100, 480))
