"""In a real browser (headless Debian chromium through Selenium; `make deps` installs it): a
review page and the served application — click a fact and read its detail, correct two facts and
add a missed one, then see them in the compare table and in the facts/1 export. Screenshots go to
tests/screenshots/ (ignored by git). Without a browser these tests are skipped with the reason;
under CI=true a missing browser fails them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser import browser, quit_browser, unavailable
from conftest import require

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED = CORPUS / "owes-olsztyn_2018-09-01_2018-11-30.txt"
SHOTS = Path(os.environ.get("SPRAWOZDANIA_SCREENSHOTS", ROOT / "tests" / "screenshots"))


def _require_browser() -> None:
    require(unavailable(), "no browser")


@pytest.fixture
def drv():
    _require_browser()
    d = browser(1280, 900)
    d.set_page_load_timeout(60)
    try:
        yield d
    finally:
        quit_browser(d)


def shot(d, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    p = SHOTS / f"{name}.png"
    d.save_screenshot(str(p))
    return p


def wait(pred, timeout: float = 10.0, what: str = "condition"):
    from selenium.common.exceptions import WebDriverException

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            got = pred()
        except WebDriverException:    # the page is reloading: an element gone stale or detached
            got = None
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _mark(d, words: str):
    from selenium.webdriver.common.by import By

    for m in d.find_elements(By.CSS_SELECTOR, "#text mark.f"):
        if m.text == words:
            return m
    raise AssertionError(f"no highlighted fact {words!r}")


def _detail(d) -> dict[str, str]:
    from selenium.webdriver.common.by import By

    rows = d.find_elements(By.CSS_SELECTOR, "#d-table tr")
    return {r.find_element(By.TAG_NAME, "th").text: r.find_element(By.TAG_NAME, "td").text for r in rows}


def test_review_page_in_a_browser(drv, tmp_path):
    from selenium.webdriver.common.by import By

    from extractor import extract
    from extractor.review import render_review

    rep = extract(SEED, keep_text=True)
    page = tmp_path / "review.html"
    page.write_text(render_review(rep, rep.text or ""), encoding="utf-8")
    drv.get(page.as_uri())
    assert len(drv.find_elements(By.CSS_SELECTOR, "#text mark.f")) >= len(rep.facts)
    _mark(drv, "7 w UG/UM/Starostwie").click()
    detail = wait(lambda: _detail(drv), what="the fact's detail")
    part = next(f for f in rep.facts if f.span.text == "7 w UG/UM/Starostwie")
    total = rep.fact(part.part_of)
    assert detail[next(k for k in detail if k in ("wartość", "value"))] == "7"
    assert f"„{total.span.text}”" in " ".join(detail.values())          # the total it belongs to
    assert drv.find_elements(By.CSS_SELECTOR, "#text mark.rel")          # and its other parts highlighted
    shot(drv, "review-fact")
    # keyboard: next fact, next finding
    before = drv.execute_script("return document.querySelector('mark.sel').dataset.f")
    drv.find_element(By.TAG_NAME, "body").send_keys("j")
    after = wait(lambda: drv.execute_script("var m = document.querySelector('mark.sel'); return m && m.dataset.f"))
    assert after != before
    drv.find_element(By.TAG_NAME, "body").send_keys("n")
    wait(lambda: drv.find_elements(By.CSS_SELECTOR, "li.finding.current"), what="a finding selected")
    assert drv.find_elements(By.CSS_SELECTOR, ".ev.flash")
    # a filter hides a fact type's highlights
    drv.find_element(By.CSS_SELECTOR, 'input.ftype[value="date"]').click()
    assert "hide-date" in drv.find_element(By.ID, "text").get_attribute("class")
    # a phone-sized window: one column, nothing wider than the screen
    drv.set_window_size(390, 844)
    drv.refresh()
    _mark(drv, "30 spotkań").click()
    wide = drv.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 1
    shot(drv, "review-phone")


def test_report_with_markup_renders_as_text(drv, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    from extractor import extract_text
    from extractor.review import render_review

    text = ("Sprawozdanie częściowe za okres 01.09.2018 – 30.11.2018\n\nCPS\n\n"
            "Odbyło się 30 spotkań <script>window.pwned = 1; alert('x')</script> w Olsztynie "
            "<img src=x onerror=\"window.pwned = 2\">.\n")
    rep = extract_text(text, name="xss.txt", keep_text=True)
    page = tmp_path / "xss.html"
    page.write_text(render_review(rep, text), encoding="utf-8")
    drv.get(page.as_uri())
    time.sleep(0.5)
    with pytest.raises(NoAlertPresentException):
        drv.switch_to.alert.text  # noqa: B018
    assert drv.execute_script("return window.pwned === undefined")
    assert "<script>window.pwned = 1; alert('x')</script>" in drv.find_element(By.ID, "text").text
    assert not drv.find_elements(By.CSS_SELECTOR, "#text img, #text script")


@pytest.fixture
def served(tmp_path):
    """`sprawozdania serve` over an archive of one centre's reports, on a free port."""
    yield from _served(tmp_path, sorted(CORPUS.glob("owes-olsztyn_*.txt")))


@pytest.fixture
def served_series(tmp_path):
    """The same over corpus/series: one centre's quarters, two annual reports and a final one."""
    yield from _served(tmp_path, sorted((CORPUS / "series").glob("*.txt")))


def _served(tmp_path: Path, paths: list[Path], change=None):
    """(`change`: a function given each report before it is archived)"""
    _require_browser()
    from extractor import extract
    from extractor.archive import Archive

    archive = tmp_path / "reports.sqlite"
    with Archive(archive) as ar:
        for p in paths:
            rep = extract(p)
            if change is not None:
                change(rep)
            ar.upsert(rep, path=p)
    exe = Path(sys.executable).parent / "sprawozdania"
    proc = subprocess.Popen([str(exe), "serve", "--archive", str(archive), "--user", "anna", "--lang", "en"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert "http://127.0.0.1:" in line, line + (proc.stderr.read() if proc.stderr else "")
        url = line.split("http://", 1)[1].split("/", 1)[0]
        yield f"http://{url}", archive
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _select(d, words: str) -> None:
    """Select `words` in the report text as a person does with the mouse."""
    d.execute_script("""
        var words = arguments[0], text = document.getElementById('text');
        var w = document.createTreeWalker(text, NodeFilter.SHOW_TEXT), n;
        while ((n = w.nextNode())) {
          var i = n.data.indexOf(words);
          if (i >= 0) { var r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + words.length);
                        var s = window.getSelection(); s.removeAllRanges(); s.addRange(r); return; }
        }
        throw new Error('not found: ' + words);""", words)


def test_served_archive_correct_two_facts_and_add_one(drv, served, tmp_path):
    from selenium.webdriver.common.by import By
    from typer.testing import CliRunner

    from extractor.cli import app

    base, archive = served
    drv.get(base + "/")
    assert drv.find_elements(By.CSS_SELECTOR, "#reports tr[data-sha]")
    shot(drv, "app-list")
    drv.find_element(By.LINK_TEXT, SEED.name).click()
    wait(lambda: drv.find_elements(By.CSS_SELECTOR, "#text mark.f"), what="the report page")
    # 1: a count 30 → 32
    _mark(drv, "30 spotkań").click()
    wait(lambda: drv.find_element(By.ID, "e-value").get_attribute("value") == "30", what="the edit form")
    v = drv.find_element(By.ID, "e-value")
    v.clear()
    v.send_keys("32")
    drv.find_element(By.ID, "e-reason").send_keys("skan: 32")
    drv.find_element(By.ID, "e-save").click()
    wait(lambda: _detail(drv).get("value") == "32", what="the corrected value after reload")
    assert "corrected" in _mark(drv, "30 spotkań").get_attribute("class")
    # 2: hours 240 → 250
    _mark(drv, "mentoring biznesowy 240 h").click()
    wait(lambda: drv.find_element(By.ID, "e-value").get_attribute("value") == "240", what="the edit form")
    v = drv.find_element(By.ID, "e-value")
    v.clear()
    v.send_keys("250")
    drv.find_element(By.ID, "e-save").click()
    wait(lambda: _detail(drv).get("value") == "250 h", what="the second correction")
    # 3: a missed fact, from words selected in the text
    _select(drv, "posiedzenia Zespołu")
    wait(lambda: drv.find_element(By.ID, "a-text").text == "posiedzenia Zespołu", what="the selection")
    drv.find_element(By.ID, "a-value").send_keys("2")
    drv.find_element(By.ID, "a-subject").send_keys("posiedzenie zespołu")
    drv.find_element(By.ID, "a-save").click()
    wait(lambda: _detail(drv).get("value") == "2", what="the added fact")
    assert _mark(drv, "posiedzenia Zespołu").get_attribute("data-f").startswith("c")
    drv.find_element(By.ID, "verify").click()
    wait(lambda: "verified by anna" in drv.find_element(By.ID, "verified").text, what="verified")
    shot(drv, "app-report")
    # the compare table of the organisation shows the corrected figures
    drv.find_element(By.LINK_TEXT, "OWES Olsztyn").click()
    table = wait(lambda: drv.find_elements(By.ID, "compare-table"), what="the compare table")[0]
    rows = {tuple(c.text for c in r.find_elements(By.TAG_NAME, "td")[:2]): [c.text for c in
            r.find_elements(By.TAG_NAME, "td")[2:]] for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")}
    anim = next(v for k, v in rows.items() if k[0] == "CPS" and "ANIM_SPOTKANIA" in k[1])
    ment = next(v for k, v in rows.items() if k[0] == "CPS" and "MENTORING" in k[1])
    periods = [th.text.replace("\n", " ") for th in table.find_elements(By.CSS_SELECTOR, "thead th")[2:]]
    col = periods.index("2018-09 2018-11")
    assert anim[col] == "32" and ment[col] == "250"
    shot(drv, "app-organisation")
    # the facts/1 export: the served download and the one export command
    sha = drv.execute_script("return document.querySelector('#compare-table thead th a[href*=\"/report/\"]')"
                             ".getAttribute('href')")
    assert sha
    got = json.loads(urllib.request.urlopen(f"{base}/report/{_seed_sha(archive)}/facts.json", timeout=30).read())
    by_text = {f["text"]: f for f in got["facts"]}
    assert by_text["30 spotkań"]["value"] == 32 and by_text["mentoring biznesowy 240 h"]["value"] == 250
    assert by_text["posiedzenia Zespołu"]["value"] == 2 and got["review"]["verified"] is True
    out = tmp_path / "facts"
    r = CliRunner().invoke(app, ["archive", "export", "--archive", str(archive), "--format", "facts", "-o", str(out)])
    assert r.exit_code == 0, r.output
    exported = json.loads((out / (SEED.stem + ".facts.json")).read_text(encoding="utf-8"))
    assert exported == got


def _seed_sha(archive: Path) -> str:
    import sqlite3

    return sqlite3.connect(archive).execute("SELECT sha256 FROM reports WHERE name = ?", (SEED.name,)).fetchone()[0]


def test_organisation_page_links_each_reconciled_figure_to_its_words(drv, served_series):
    """The final and annual reports against the quarters they cover: a figure that differs links
    to its words in each report, and the review page opens at the fact (#at=START-END); words
    that are no fact (a report's period) are highlighted where they stand."""
    from selenium.webdriver.common.by import By

    base, _archive = served_series
    drv.get(base + "/")
    drv.find_element(By.CSS_SELECTOR, 'a[href^="/org/"]').click()
    wait(lambda: drv.find_elements(By.ID, "compare-table"), what="the organisation page")
    items = drv.find_elements(By.CSS_SELECTOR, "#comparison li")
    row = next(li for li in items if "cross_report_mismatch" in li.text and "251" in li.text)
    links = row.find_elements(By.TAG_NAME, "a")
    assert len(links) == 5 and all("#at=" in a.get_attribute("href") for a in links)   # the year and 4 quarters
    gap = next(li for li in items if "period_gap" in li.text).find_elements(By.TAG_NAME, "a")[0]
    gap_href, gap_words = gap.get_attribute("href"), gap.text.split("«")[1].rstrip("»")
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    shot(drv, "app-reconciliation")
    links[0].click()
    wait(lambda: _detail(drv).get("value") == "251 h", what="the stated figure opened in its report")
    assert "sel" in _mark(drv, "251 h").get_attribute("class")
    drv.get(gap_href)                       # a period's words: no fact, no finding of the report
    lit = wait(lambda: drv.execute_script(
        "var h = CSS.highlights.get('at'); return h ? Array.from(h)[0].toString() : null"), what="the words lit")
    assert lit == gap_words and drv.find_element(By.ID, "fact").get_attribute("hidden") is not None


def test_organisation_findings_open_at_their_finding(drv, served):
    """Each error or warning of the organisation's reports links to that finding on its
    report's page (#xN), even where two findings share their first words."""
    from selenium.webdriver.common.by import By

    base, _archive = served
    drv.get(base + "/org/owes-olsztyn")
    rows = wait(lambda: drv.find_elements(By.CSS_SELECTOR, "tr.sev-error, tr.sev-warning"), what="the findings")
    code = rows[0].find_element(By.TAG_NAME, "code").text
    href = rows[0].find_element(By.TAG_NAME, "a").get_attribute("href")
    assert "#x" in href
    drv.get(href)
    current = wait(lambda: drv.find_elements(By.CSS_SELECTOR, "li.finding.current"), what="the finding opened")[0]
    assert code in current.text


def test_a_scanned_page_opens_full_size_by_keyboard(drv, tmp_path):
    """The pages beside the text are half a column wide: each opens at its full size over the
    page (Enter on it), Escape closes it and gives the focus back; Escape in a field leaves it,
    so the keys j/k/n work again."""
    from PIL import Image, ImageDraw
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from extractor import extract
    from extractor.review import page_images, render_review

    img = tmp_path / "skan.png"
    page = Image.new("L", (1240, 1754), 255)
    ImageDraw.Draw(page).text((100, 100), "Odbylo sie 30 spotkan", fill=0)
    page.save(img)
    rep = extract(SEED, keep_text=True)
    html = tmp_path / "review.html"
    html.write_text(render_review(rep, rep.text or "", images=page_images(img, [1])), encoding="utf-8")
    drv.get(html.as_uri())
    button = drv.find_element(By.CSS_SELECTOR, ".pages button.enlarge")
    small = button.find_element(By.TAG_NAME, "img").size["width"]
    zoom = drv.find_element(By.ID, "zoom")
    assert not zoom.is_displayed()
    button.send_keys(Keys.ENTER)
    wait(lambda: zoom.is_displayed(), what="the page at full size")
    big = zoom.find_element(By.TAG_NAME, "img").size["width"]
    assert big == 1000 and big > 1.5 * small, (small, big)        # page_images renders 1000 px wide
    assert drv.execute_script("return document.activeElement.id") == "zoom"
    shot(drv, "review-scan-zoom")
    drv.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(lambda: not zoom.is_displayed(), what="the page closed")
    assert drv.execute_script("return document.activeElement.classList.contains('enlarge')")
    # Escape in a field (a filter's checkbox) leaves the field; then j opens a fact
    box = drv.find_element(By.CSS_SELECTOR, 'input.ftype[value="date"]')
    box.send_keys(Keys.ESCAPE)
    assert drv.execute_script("return document.activeElement === document.body")
    drv.find_element(By.TAG_NAME, "body").send_keys("j")
    wait(lambda: drv.execute_script("return !!document.querySelector('mark.sel')"), what="j after Escape")


def test_saving_an_ocr_reading_unchanged_confirms_it(drv, tmp_path):
    """A figure OCR read with low confidence carries a low_confidence warning until a person
    sets its value: saving the form with the value as read confirms it, and the warning goes."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from models import Finding

    def doubt(rep):
        f = next(f for f in rep.facts if f.span.text == "30 spotkań")
        rep.findings.append(Finding(code="low_confidence", severity="warning", evidence=[f.span], facts=[f.id],
                                    message="OCR read '30 spotkań' with confidence 41: check it in the scan"))

    served = _served(tmp_path, [SEED], change=doubt)
    base, _archive = next(served)
    try:
        drv.get(base + "/")
        drv.find_element(By.LINK_TEXT, SEED.name).click()
        wait(lambda: drv.find_elements(By.CSS_SELECTOR, "li.finding"), what="the report page")
        codes = [li.text for li in drv.find_elements(By.CSS_SELECTOR, "li.finding")]
        assert any("low_confidence" in c for c in codes)
        _mark(drv, "30 spotkań").click()
        wait(lambda: drv.find_element(By.ID, "e-value").get_attribute("value") == "30", what="the edit form")
        drv.find_element(By.TAG_NAME, "body").send_keys("e")        # the key to the open fact's form
        assert drv.execute_script("return document.activeElement.id") == "e-value"
        drv.switch_to.active_element.send_keys(Keys.ENTER)        # saved with nothing changed in the form
        wait(lambda: "value: 30 → 30" in drv.find_element(By.TAG_NAME, "body").text, what="the confirmation")
        assert not any("low_confidence" in li.text for li in drv.find_elements(By.CSS_SELECTOR, "li.finding"))
        assert drv.find_elements(By.ID, "msg")[0].get_attribute("hidden")            # no error said
        # a delete asks first: dismissed, nothing is deleted; accepted, the fact goes
        _mark(drv, "30 spotkań").click()
        drv.find_element(By.ID, "e-delete").click()
        wait(lambda: drv.switch_to.alert, what="the question before a delete").dismiss()
        assert _mark(drv, "30 spotkań")
        drv.find_element(By.ID, "e-delete").click()
        wait(lambda: drv.switch_to.alert, what="the question before a delete").accept()
        wait(lambda: not any(m.text == "30 spotkań" for m in drv.find_elements(By.CSS_SELECTOR, "#text mark.f")),
             what="the fact deleted")
        # the delete taken back, by keyboard: its Undo button, Enter, the question accepted
        items = drv.find_elements(By.CSS_SELECTOR, ".clist li")
        assert [li.get_attribute("class") for li in items] == ["", ""]
        undo = items[1].find_element(By.CSS_SELECTOR, "button.undo")
        drv.execute_script("arguments[0].focus()", undo)
        drv.switch_to.active_element.send_keys(Keys.ENTER)
        wait(lambda: drv.switch_to.alert, what="the question before an undo").accept()
        wait(lambda: any(m.text == "30 spotkań" for m in drv.find_elements(By.CSS_SELECTOR, "#text mark.f")),
             what="the fact back")
        items = drv.find_elements(By.CSS_SELECTOR, ".clist li")
        assert [li.get_attribute("class") for li in items] == ["", "undone", ""]
        assert "undone by correction" in items[1].text and "undid correction" in items[2].text
        assert not items[1].find_elements(By.CSS_SELECTOR, "button.undo")   # taken back once
        assert not any("low_confidence" in li.text for li in drv.find_elements(By.CSS_SELECTOR, "li.finding"))
        assert "corrected" in _mark(drv, "30 spotkań").get_attribute("class")   # the confirmation stands
        drv.execute_script("document.querySelector('section.corrections').scrollIntoView()")
        shot(drv, "review-undo")
    finally:
        next(served, None)


def test_a_missed_fact_is_added_by_keyboard_from_typed_words(drv, tmp_path):
    """No mouse: the words typed in the add form and Enter find them in the text (any case,
    any white space between them; Enter again: the next place), then Enter in the value adds."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    served = _served(tmp_path, [SEED])
    base, _archive = next(served)
    try:
        drv.get(base + "/")
        drv.find_element(By.LINK_TEXT, SEED.name).click()
        wait(lambda: drv.find_elements(By.CSS_SELECTOR, "#text mark.f"), what="the report page")
        text = drv.execute_script("return document.getElementById('text').textContent")
        find = drv.find_element(By.ID, "a-find")
        find.send_keys("spotkania", Keys.ENTER)
        first = drv.find_element(By.ID, "a-span").text
        find.send_keys(Keys.ENTER)
        second = drv.find_element(By.ID, "a-span").text
        s1, s2 = (int(x.split("–")[0]) for x in (first, second))
        assert s1 < s2 and text[s1:s1 + 9].lower() == text[s2:s2 + 9].lower() == "spotkania"
        find.clear()
        find.send_keys("nie ma takich słów", Keys.ENTER)
        wait(lambda: "not in the text: nie ma takich słów" in drv.find_element(By.ID, "msg").text, what="not found")
        find.clear()
        find.send_keys("POSIEDZENIA   zespołu", Keys.ENTER)          # another case, other spaces
        wait(lambda: drv.find_element(By.ID, "a-text").text == "posiedzenia Zespołu", what="the words found")
        assert drv.find_element(By.ID, "msg").get_attribute("hidden")
        start = text.index("posiedzenia Zespołu")
        assert drv.find_element(By.ID, "a-span").text == f"{start}–{start + 19}"
        find.send_keys(Keys.TAB)                                  # on to the type, then the value
        drv.switch_to.active_element.send_keys(Keys.TAB)
        assert drv.execute_script("return document.activeElement.id") == "a-value"
        drv.switch_to.active_element.send_keys("2", Keys.ENTER)
        wait(lambda: any(m.text == "posiedzenia Zespołu" and (m.get_attribute("data-f") or "").startswith("c")
                         for m in drv.find_elements(By.CSS_SELECTOR, "#text mark.f")), what="the fact added")
        assert _detail(drv).get("value") == "2"
        shot(drv, "review-add-by-keyboard")
    finally:
        next(served, None)
