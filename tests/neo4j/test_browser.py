"""Neo4j Browser, headless: log in through the form, see the guide, run the top-ring query, screenshot.

Needs Debian's chromium (/usr/bin/chromium) and Python playwright (`.ci/install-browser.sh`);
never `playwright install`.  The screenshot goes to the test's tmp dir (docs/img/neo4j-browser-top-ring.png
with GRAPHFRAUD_UPDATE_SCREENSHOTS=1).
"""

from __future__ import annotations

import shutil
import os
import time
from pathlib import Path
from typing import Any

import neo4j
import pytest

from graphfraud.io.read import read_claims_dir
from graphfraud.io.rings import read_rings
from graphfraud.neo4j.load import load_claims
from graphfraud.neo4j.writeback import write_rings

pytestmark = [pytest.mark.neo4j, pytest.mark.browser]
DATA = Path(__file__).parent / "data"
DOC_SHOT = Path(__file__).parents[2] / "docs" / "img" / "neo4j-browser-top-ring.png"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
TOP_RING = (
    "MATCH (r:Ring) WITH r ORDER BY r.rank LIMIT 1 "
    "MATCH (r)<-[m:MEMBER_OF]-(x) OPTIONAL MATCH (x:Person)-[v:VISITED]->(place) "
    "OPTIONAL MATCH (x:Person)-[cv:CO_VISITED {ring_id: r.ring_id}]->(y:Person) "
    "RETURN r, m, x, v, place, cv, y"
)


@pytest.fixture(scope="module")
def page(driver: neo4j.Driver, neo4j_conn: Any, wipe_db: Any) -> Any:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("Debian chromium is not installed (.ci/install-browser.sh)")
    if neo4j_conn.server is None:
        pytest.skip("the Browser test uses the bundled server's Browser and guide")
    wipe_db(driver)
    data = read_claims_dir(str(DATA / "world"))
    rings, members, run_id = read_rings(str(DATA / "out"))
    load_claims(driver, data)
    write_rings(driver, rings, members, data.claims, run_id=run_id)
    server = neo4j_conn.server
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        host = server.uri.removeprefix("bolt://")
        pg.goto(f"{server.browser_url}?dbms=neo4j://neo4j@{host}&preselectAuthMethod=NATIVE")
        pg.wait_for_selector("input[data-testid='password']", timeout=60_000)
        pg.fill("input[data-testid='password']", neo4j_conn.password)
        pg.click("button[data-testid='connect']")
        yield pg
        browser.close()


def test_guide_opens_on_connect(page: Any) -> None:
    page.wait_for_selector("text=graphfraud: investigating suspect rings", timeout=30_000)
    assert page.locator("pre.runnable").count() >= 2


def test_top_ring_query_shows_the_ring(page: Any, tmp_path: Path) -> None:
    editor = page.locator(".monaco-editor textarea").first
    editor.click()
    page.keyboard.type(TOP_RING)
    page.keyboard.press("Control+Enter")
    frame = page.locator("[data-testid='frame']").first
    page.wait_for_selector("svg .node", timeout=30_000)
    time.sleep(4)  # let the force layout settle before the screenshot
    page.evaluate("() => document.querySelectorAll('[data-testid=\"frame\"]').forEach((f, i) => { if (i > 0) f.remove() })")
    # The screenshot goes to the test's tmp dir; GRAPHFRAUD_UPDATE_SCREENSHOTS=1 refreshes the one in docs/.
    shot = DOC_SHOT if os.environ.get("GRAPHFRAUD_UPDATE_SCREENSHOTS") == "1" else tmp_path / DOC_SHOT.name
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    labels = page.eval_on_selector_all("svg .node text", "els => els.map(e => e.textContent)")
    assert "R0001" in " ".join(labels)
    assert page.locator("svg .node").count() >= 8  # ring, 4 persons, doctor, clinic, hospital
    assert frame.is_visible()
