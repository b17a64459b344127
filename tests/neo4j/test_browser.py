"""Neo4j Browser, headless: log in, see the Chinese guide, run its graph steps on the sample's top ring, screenshot.

Needs Debian's chromium (/usr/bin/chromium) and Python playwright (`.ci/install-browser.sh`);
never `playwright install`.  The screenshots go to the test's tmp dir (the ring at a glance to
docs/img/neo4j-browser-top-ring.png with GRAPHFRAUD_UPDATE_SCREENSHOTS=1).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import neo4j
import pytest


pytestmark = [pytest.mark.neo4j, pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "data" / "sample"
GUIDE = ROOT / "cypher" / "guide"
DOC_SHOT = ROOT / "docs" / "img" / "neo4j-browser-top-ring.png"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def guide_steps(page: str) -> list[str]:
    """The click-to-run blocks of a guide page, each on one line (comments dropped) for the editor."""
    blocks = re.findall(
        r'<pre mode="cypher" class="[^"]*runnable">(.*?)</pre>', (GUIDE / page).read_text("utf-8"), re.S
    )
    return [
        " ".join(ln.strip() for ln in html.unescape(b).splitlines() if ln.strip() and not ln.strip().startswith("//"))
        for b in blocks
    ]


@pytest.fixture(scope="module")
def page(driver: neo4j.Driver, neo4j_conn: Any, sample_graph: Any) -> Any:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("Debian chromium is not installed (.ci/install-browser.sh)")
    if neo4j_conn.server is None:
        pytest.skip("the Browser test uses the bundled server's Browser and guide")
    sample_graph.ensure(driver)  # the sample world and its detected rings (tests/neo4j/conftest.py)
    server = neo4j_conn.server
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        host = server.uri.removeprefix("bolt://")
        pg.goto(f"{server.browser_url}?dbms=neo4j://neo4j@{host}&preselectAuthMethod=NATIVE")
        pg.wait_for_selector("input[data-testid='password']", timeout=60_000)
        pg.fill("input[data-testid='password']", neo4j_conn.password)
        pg.click("button[data-testid='connect']")
        yield pg
        browser.close()


def _run(page: Any, text: str) -> None:
    editor = page.locator(".monaco-editor textarea").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.type(text)
    page.keyboard.press("Control+Enter")
    time.sleep(1.5)


_NEW_FRAME_DRAWN = """() => {
    const f = document.querySelector('[data-testid="frame"]');
    return f !== null && f.dataset.old !== '1' && f.querySelectorAll('svg .node').length > 0
        && f.querySelectorAll('svg .relationship').length > 0;
}"""


def _only_latest_frame(page: Any) -> None:
    page.evaluate(
        "() => document.querySelectorAll('[data-testid=\"frame\"]').forEach((f, i) => { if (i > 0) f.remove() })"
    )


def test_the_chinese_guide_opens_on_connect_without_style_text_or_telemetry(page: Any) -> None:
    page.wait_for_selector("text=graphfraud：逐步核查可疑团伙", timeout=30_000)
    assert page.locator("pre.runnable").count() >= 3  # the first slide: style, settings, the top rings
    body = page.inner_text("body")
    # issue 16: the whole style sheet was printed on connect, and the telemetry banner showed
    assert "node.Person" not in body and "caption:" not in body
    assert "telemetry" not in body.lower() and "usage data" not in body.lower()


def test_every_graph_step_of_the_guide_draws_a_readable_ring(page: Any, driver: neo4j.Driver, tmp_path: Path) -> None:
    top = driver.execute_query("MATCH (r:Ring) RETURN r.ring_id AS id ORDER BY r.rank LIMIT 1").records[0]["id"]
    steps = guide_steps("index.html")
    for text in steps:
        if text.startswith((":style", ":config", ":param")):
            _run(page, text)
    shots = []
    graph_steps = [t for t in steps if "RETURN r, staff" in t or "RETURN p, cv, q" in t]
    assert len(graph_steps) == 2
    for i, text in enumerate(graph_steps):
        # the frames already drawn are marked first: the newest frame is drawn on top, and waiting for any
        # "svg .node" let the previous step's graph satisfy the wait (CI: 0 nodes counted in the new frame)
        page.evaluate("() => document.querySelectorAll('[data-testid=\"frame\"]').forEach(f => f.dataset.old = '1')")
        _run(page, text)
        page.wait_for_function(_NEW_FRAME_DRAWN, timeout=30_000)
        time.sleep(5)  # let the force layout settle before the screenshot
        _only_latest_frame(page)
        rels = page.locator("svg .relationship").count()
        nodes = page.locator("svg .node").count()
        assert 0 < rels <= 60 and nodes > 5, (text[:60], rels, nodes)
        captions = " ".join(page.eval_on_selector_all("svg .node", "els => els.map(e => e.textContent)"))
        shot = tmp_path / f"step{i}.png"
        page.locator("[data-testid='frame']").first.screenshot(path=str(shot))
        shots.append(shot)
        if i == 0:  # the ring at a glance: the top ring itself is on it, captioned with its id
            assert top in captions
    # GRAPHFRAUD_UPDATE_SCREENSHOTS=1 refreshes the README's picture with the ring at a glance
    if os.environ.get("GRAPHFRAUD_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(shots[0], DOC_SHOT)
    assert all(s.stat().st_size > 10_000 for s in shots)
