"""The app in a real browser: `streamlit run` on a free port, driven by Debian's headless Chromium.

Asks a question, opens a citation from its [n] marker and from its Show source button and checks
the highlighted passage is visible, and downloads the answer as a Word document; the screenshot
is saved to eval/artifacts/ for a person to look at. Skipped only when Chromium or its driver is
not installed (`.ci/run` installs both with apt-get).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "eval" / "artifacts"
QUESTION = "How many Priority Actions did Ofsted issue after the Nottingham focused visit?"

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason=f"needs Debian's Chromium and its driver ({CHROMIUM}, {CHROMEDRIVER}): "
           "apt-get install chromium chromium-driver",
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url(corpus_settings, tmp_path):
    """The app served on 127.0.0.1 against the corpus store; stopped after the test."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFSTED_RAG_")}
    env.update(OFSTED_RAG_HOME=str(corpus_settings.home), OFSTED_RAG_CORPUS=str(corpus_settings.corpus),
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", HF_HUB_OFFLINE="1")
    log = open(tmp_path / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--client.toolbarMode", "minimal", "--server.fileWatcherType", "none"],  # as `make run`
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"streamlit did not start:\n{(tmp_path / 'streamlit.log').read_text()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def browser(tmp_path, monkeypatch):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must not try to download a browser
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-first-run", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1100",
                f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(arg)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def test_question_citation_and_highlighted_source_in_chromium(app_url, browser):
    from selenium.common.exceptions import WebDriverException

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        _ask_and_open_source(app_url, browser)
    except (WebDriverException, AssertionError):
        # Keep what the browser showed, so a failure on CI can be looked at.
        browser.save_screenshot(str(ARTIFACTS / "e2e_failure.png"))
        raise


def _ask_and_open_source(app_url: str, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 120)  # the first page load also loads the model
    browser.get(app_url)
    # The first screen is complete once its example questions are shown (they come after the input).
    wait.until(ec.presence_of_element_located((By.XPATH, '//button[contains(., "Which councils used agency")]')))
    assert "Ask about Ofsted letters and committee minutes" in browser.page_source
    assert not browser.find_elements(By.XPATH, "//button[normalize-space()='Deploy']")  # toolbar minimal
    box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stChatInputTextArea']")))
    box.send_keys(QUESTION)
    box.send_keys(Keys.ENTER)

    # The answer arrives with its [n] markers and numbered citations. Streamlit streams elements
    # in as the script runs, so each is waited for rather than looked up.
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".orag-answer .orag-ref")))
    citation = "[data-testid='stChatMessage'] .orag-cite"
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, citation), "Nottingham City Council"))
    first = browser.find_element(By.CSS_SELECTOR, citation).text
    assert first.replace(" ", "").startswith("[1]NottinghamCityCouncil"), first

    # An [n] marker in the answer opens its source in place, highlighted. The panel is a CSS
    # toggle: a click made while Streamlit is still streaming the page in can be undone when the
    # answer's block is drawn again, so the click waits for the run to end (its last element, the
    # Word button, is there and the "running" widget gone), as a reader's would.
    wait.until(ec.presence_of_element_located(
        (By.XPATH, "//*[@data-testid='stChatMessage']//button[.//*[normalize-space()='Word'] or normalize-space()='Word']")))
    wait.until(ec.invisibility_of_element_located((By.CSS_SELECTOR, "[data-testid='stStatusWidget'] img, [data-testid='stStatusWidget'] svg")))
    marker = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".orag-answer label.orag-ref-link")))
    n = marker.get_attribute("for").rsplit("-", 1)[1]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", marker)
    marker.click()
    panel_mark = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, f".orag-refpanel-{n} .orag-doc mark")))
    assert panel_mark.text.strip()
    assert panel_mark.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")
    label = browser.find_element(By.CSS_SELECTOR, f".orag-refpanel-{n} .orag-refpanel-label").text
    assert label.replace(" ", "").startswith(f"[{n}]NottinghamCityCouncil"), label

    # The answer downloads as a Word document python-docx can open, its citations in it.
    word = wait.until(ec.element_to_be_clickable(
        (By.XPATH, "//*[@data-testid='stChatMessage']//button[.//*[normalize-space()='Word'] or normalize-space()='Word']")))
    # Clicked from script: the chat input, fixed at the bottom, can cover a button just scrolled to.
    browser.execute_script("arguments[0].click();", word)
    deadline = time.monotonic() + 60
    while not (done := [f for f in browser.downloads.glob("*.docx")]) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert done, list(browser.downloads.iterdir())
    time.sleep(0.5)  # let Chromium finish renaming the file
    from docx import Document

    refs = [p.text for p in Document(str(done[0])).paragraphs if p.text.startswith("[1] ")]
    assert refs and "Nottingham City Council" in refs[0], refs

    show = wait.until(ec.element_to_be_clickable(
        (By.XPATH, "//button[.//*[normalize-space()='Show source'] or normalize-space()='Show source']")))
    # Clicked from script, as above: the fixed chat input can cover a button low on the page.
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", show)
    mark = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".orag-doc mark")))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", mark)
    assert "Ofsted issued two Priority Actions" in mark.text
    background = mark.value_of_css_property("background-color")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background
    time.sleep(0.5)  # let the scroll settle before the screenshot

    shot = ARTIFACTS / "e2e_source_view.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
