"""Headless Debian chromium through Selenium, for the browser tests (`make deps` installs it).

    drv = browser()            # None with a one-line reason in `why` when no browser can run
"""
from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
DRIVER = ("chromedriver",)


def _which(names: tuple[str, ...]) -> str | None:
    for n in names:
        p = shutil.which(n) or (f"/usr/bin/{n}" if os.path.exists(f"/usr/bin/{n}") else None)
        if p:
            return p
    return None


def unavailable() -> str | None:
    """Why no browser test can run here (None: they can)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "Selenium is not installed (pip install -e '.[dev]')"
    if _which(CHROMIUM) is None:
        return "chromium is not installed (Debian package chromium; `make deps` installs it as root)"
    if _which(DRIVER) is None:
        return "chromedriver is not installed (Debian package chromium-driver; `make deps` installs it as root)"
    return None


def browser(width: int = 1280, height: int = 900) -> Any:
    """A headless chromium (the caller quits it). Flags for a root user in a container: no
    sandbox, no GPU, nothing fetched in the background, a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="sprawozdania-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = _which(CHROMIUM) or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-default-apps", "--disable-extensions",
                f"--user-data-dir={profile}", f"--window-size={width},{height}", "--lang=pl"):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(_which(DRIVER) or "chromedriver"), options=opts)
    drv._profile_dir = profile            # removed by quit()
    return drv


def quit_browser(drv: Any) -> None:
    profile = getattr(drv, "_profile_dir", None)
    try:
        drv.quit()
    finally:
        if profile:
            shutil.rmtree(profile, ignore_errors=True)
