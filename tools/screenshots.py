"""The README's screenshots of the review page and the served archive (docs/*.png).

    python tools/screenshots.py              # batch corpus into a temporary archive, serve it,
                                             # correct two facts and add one, photograph each page

Needs chromium and chromium-driver (`make deps`) and Selenium (the dev extra). The pictures are
quantised to 256 colours to keep them small.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

SEED = "owes-olsztyn_2018-09-01_2018-11-30.txt"


def save(drv, path: Path) -> None:
    from PIL import Image

    drv.save_screenshot(str(path))
    with Image.open(path) as img:
        img.convert("RGB").quantize(colors=256).save(path, optimize=True)
    print(path, path.stat().st_size)


def main() -> None:
    from browser import browser, quit_browser
    from selenium.webdriver.common.by import By

    exe = Path(sys.executable).parent / "sprawozdania"
    out = ROOT / "docs"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "reports.sqlite"
        subprocess.run([str(exe), "batch", "corpus", "-o", str(Path(tmp) / "out"), "--archive", str(archive),
                        "--no-progress", "--review"], cwd=ROOT, check=False, capture_output=True)
        proc = subprocess.Popen([str(exe), "serve", "--archive", str(archive), "--user", "anna"], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
        drv = browser(1280, 820)
        try:
            line = proc.stdout.readline() if proc.stdout else ""
            base = "http://" + line.split("http://", 1)[1].split("/", 1)[0]
            drv.get(base + "/?org=owes-olsztyn")
            drv.get(base + "/")
            drv.find_element(By.LINK_TEXT, SEED).click()
            time.sleep(0.5)

            def edit(words: str, value: str, reason: str) -> None:
                m = next(m for m in drv.find_elements(By.CSS_SELECTOR, "#text mark.f") if m.text == words)
                m.click()
                time.sleep(0.3)
                v = drv.find_element(By.ID, "e-value")
                v.clear()
                v.send_keys(value)
                drv.find_element(By.ID, "e-reason").send_keys(reason)
                drv.find_element(By.ID, "e-save").click()
                time.sleep(1.0)

            edit("30 spotkań", "32", "skan oryginału: 32")
            edit("mentoring biznesowy 240 h", "250", "korekta sprawozdawcy")
            drv.execute_script("""
                var t = document.getElementById('text'), w = document.createTreeWalker(t, NodeFilter.SHOW_TEXT), n;
                while ((n = w.nextNode())) { var i = n.data.indexOf('posiedzenia Zespołu'); if (i >= 0) {
                  var r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 19);
                  var s = window.getSelection(); s.removeAllRanges(); s.addRange(r); break; } }""")
            time.sleep(0.3)
            drv.find_element(By.ID, "a-value").send_keys("2")
            drv.find_element(By.ID, "a-subject").send_keys("posiedzenie zespołu")
            drv.find_element(By.ID, "a-save").click()
            time.sleep(1.0)
            drv.find_element(By.ID, "verify").click()
            time.sleep(1.0)
            m = next(m for m in drv.find_elements(By.CSS_SELECTOR, "#text mark.f") if m.text == "7 w UG/UM/Starostwie")
            m.click()
            drv.execute_script("window.scrollTo(0, 0)")
            time.sleep(0.3)
            save(drv, out / "app-report.png")
            drv.get(base + "/?org=owes-olsztyn")
            save(drv, out / "app-list.png")
            drv.get(base + "/org/owes-olsztyn")
            time.sleep(0.3)
            save(drv, out / "app-organisation.png")
            page = Path(tmp) / "out" / SEED.replace(".txt", ".review.html")
            drv.get(page.as_uri())
            drv.execute_script("window.review.show('f10', false); window.scrollTo(0, 0)")
            time.sleep(0.3)
            save(drv, out / "review-page.png")
        finally:
            quit_browser(drv)
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
