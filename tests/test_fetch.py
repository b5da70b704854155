"""`ofsted-rag fetch` against a small fake council site served on 127.0.0.1.

The site has a ModernGov-style agenda-item page (mgAi.aspx's shape, content written here), an
Ofsted-style letter PDF made by the test, and pages that time out, are missing (404) or fail
(500). Nothing here reaches beyond this machine (conftest blocks it).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fpdf import FPDF

from ofsted_rag.cli import main

SCRIPT = Path(sys.executable).with_name("ofsted-rag")
COUNCIL = "Rutland County Council"

ITEM_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Agenda item - Fostering Service Annual Report</title>
</head><body>
<header><nav><a href="/">Home</a> | <a href="/mgListCommittees.aspx">Committees</a> | <a href="/mgCalendarMonthView.aspx">Calendar</a></nav></header>
<div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/ieListMeetings.aspx?CId=310">Corporate Parenting Panel</a> &gt; Agenda item</div>
<main id="content">
<h1>Agenda item</h1>
<h2>Fostering Service Annual Report</h2>
<p>Meeting: 14/03/2024 - Corporate Parenting Panel (Item 7)</p>
<p>Report of the Head of Children's Placements <a href="/documents/s1201/Fostering.pdf">pdf icon PDF 310 KB</a></p>
<h3>Minutes:</h3>
<p>The Panel received the annual report of the fostering service. Officers highlighted the following:</p>
<p>(a) the service had approved nine new fostering households during the year, against a target of twelve;</p>
<p>(b) the number of children placed with independent fostering agencies had fallen from 31 to 24;</p>
<p>(c) a new support group for kinship carers met monthly at the library in Oakham;</p>
<p>(d) Members asked how the service would reach its recruitment target, and officers said a campaign with neighbouring authorities would start in May.</p>
<p>RESOLVED: that the report be noted.</p>
</main>
<footer><a href="/mgGeneric.aspx?bcr=1">Accessibility</a></footer>
</body></html>
"""

LETTER_LINES = [
    "Ofsted",
    "Store Street",
    "Manchester",
    "",
    "6 February 2024",
    "",
    "Director of Children's Services",
    "Rutland County Council",
    "Catmose",
    "Oakham",
    "",
    "Dear Director",
    "",
    "Focused visit to Rutland children's services",
    "",
    "This letter summarises the findings of the focused visit to Rutland children's services on "
    "16 and 17 January 2024. His Majesty's Inspectors looked at the local authority's arrangements "
    "for children in care.",
    "",
    "Social workers know their children well and visit them regularly. Plans for permanence are "
    "made early, although a small number of children wait too long for a long-term match.",
    "",
    "Leaders should improve the timeliness of health assessments for children coming into care.",
    "",
    "Yours sincerely",
    "",
    "Pat Example",
    "His Majesty's Inspector",
]


def letter_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in LETTER_LINES:
        if line:
            pdf.multi_cell(0, 6, line.replace("\u2019", "'"), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(4)
    return bytes(pdf.output())


class FakeSite:
    """Pages by path: (status, content type, body, seconds to wait first). Serves ETags and
    answers a matching If-None-Match with 304; records every request."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str, bytes, float]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                site.requests.append((self.path, dict(self.headers)))
                status, ctype, body, delay = site.pages.get(self.path, (404, "text/plain", b"not found", 0.0))
                if delay:
                    time.sleep(delay)
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                try:
                    if status == 200 and self.headers.get("If-None-Match") == etag:
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.end_headers()
                        return
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    if status == 200:
                        self.send_header("ETag", etag)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]


@pytest.fixture(scope="module")
def site():
    fake = FakeSite()
    fake.pages["/robots.txt"] = (200, "text/plain", b"User-agent: *\nDisallow: /private/\n", 0.0)
    fake.pages["/item.html"] = (200, "text/html; charset=utf-8", ITEM_PAGE.encode(), 0.0)
    fake.pages["/letter.pdf"] = (200, "application/pdf", letter_pdf(), 0.0)
    fake.pages["/private/notes.html"] = (200, "text/html", b"<html><body><p>Not for robots.</p></body></html>", 0.0)
    fake.pages["/slow.html"] = (200, "text/html", b"<html><body><p>Too late.</p></body></html>", 3.0)
    fake.pages["/broken.html"] = (500, "text/plain", b"server error", 0.0)
    yield fake
    fake.server.shutdown()


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFSTED_RAG_")}
    # Quick failures and no pause between requests to the one local host: the rules are the
    # same, only the figures are small.
    env.update(OFSTED_RAG_HOME=str(home), OFSTED_RAG_FETCH_RATE="100", OFSTED_RAG_FETCH_TIMEOUT="0.5",
               OFSTED_RAG_FETCH_RETRIES="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return env


def run_cli(home: Path, monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """The command in this process (the model is loaded once for the module)."""
    for key in [k for k in os.environ if k.startswith("OFSTED_RAG_")]:
        monkeypatch.delenv(key)
    for key, value in environment(home).items():
        if key.startswith("OFSTED_RAG_"):
            monkeypatch.setenv(key, value)
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fetch") / "data"


@pytest.fixture(scope="module")
def first_fetch(site, home) -> subprocess.CompletedProcess:
    """The issue's command, as a user types it, through the installed console script."""
    result = subprocess.run(
        [str(SCRIPT), "fetch", "--council", COUNCIL, f"{site.base}/item.html", f"{site.base}/letter.pdf"],
        capture_output=True, text=True, env=environment(home), timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_fetch_stores_both_with_council_kind_date_committee_and_url(first_fetch, site, home, monkeypatch, capsys):
    assert first_fetch.returncode == 0, first_fetch.stderr
    assert "2 added / 0 updated / 0 unchanged" in first_fetch.stdout
    code, out, _ = run_cli(home, monkeypatch, capsys, "sources", "--json")
    assert code == 0
    rows = {r["url"]: r for r in json.loads(out)}
    item, letter = rows[f"{site.base}/item.html"], rows[f"{site.base}/letter.pdf"]
    assert item["council"] == COUNCIL and letter["council"] == COUNCIL
    assert item["kind"] == "minutes"
    assert item["date"] == "2024-03-14"
    assert item["body"] == "Corporate Parenting Panel"
    assert letter["kind"] == "ofsted_letter"
    assert letter["date"] == "2024-02-06"
    for row in (item, letter):
        assert row["origin"] == "url"
        assert row["added_by"].startswith("cli:")
        # The raw bytes are kept under the data folder, named by their content hash.
        raw = Path(row["path"])
        assert raw.parent == home / "fetched"
        assert raw.stem == hashlib.sha256(raw.read_bytes()).hexdigest()
    # Sent with the project's name, after asking robots.txt.
    assert all(h["User-Agent"].startswith("ofsted-rag/") for _, h in site.requests)
    assert site.hits("/robots.txt")


def test_a_question_is_answered_citing_the_lettered_point_with_its_url(first_fetch, site, home, monkeypatch, capsys):
    code, out, err = run_cli(home, monkeypatch, capsys, "ask",
                             "How many new fostering households did Rutland approve?", "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert not answer["refused"], answer
    cited = [c for c in answer["citations"] if c["point"] == "a"]
    assert cited, answer["citations"]
    assert cited[0]["url"] == f"{site.base}/item.html"
    assert cited[0]["item"] == "7"
    assert cited[0]["council"] == COUNCIL
    assert "nine new fostering households" in answer["answer"]


def test_a_second_identical_fetch_reports_both_unchanged(first_fetch, site, home, monkeypatch, capsys):
    before = len(site.hits("/item.html"))
    code, out, err = run_cli(home, monkeypatch, capsys, "fetch", "--council", COUNCIL,
                             f"{site.base}/item.html", f"{site.base}/letter.pdf")
    assert code == 0, err
    assert "0 added / 0 updated / 2 unchanged" in out
    assert "embedded 0 passages" in out
    # The site was asked "changed since?" with the ETag it gave, and said no.
    assert site.hits("/item.html")[before]["If-None-Match"]


def test_a_changed_page_replaces_its_passages(first_fetch, site, home, monkeypatch, capsys, tmp_path):
    # Its own store, so the other tests' store keeps the page as first fetched.
    own = tmp_path / "data"
    url = f"{site.base}/changing.html"
    site.pages["/changing.html"] = (200, "text/html", ITEM_PAGE.encode(), 0.0)
    assert run_cli(own, monkeypatch, capsys, "fetch", "--council", COUNCIL, url)[0] == 0
    changed = ITEM_PAGE.replace("nine new fostering households", "eleven new fostering households")
    site.pages["/changing.html"] = (200, "text/html", changed.encode(), 0.0)
    code, out, err = run_cli(own, monkeypatch, capsys, "fetch", "--council", COUNCIL, url)
    assert code == 0, err
    assert "0 added / 1 updated / 0 unchanged" in out
    code, out, _ = run_cli(own, monkeypatch, capsys, "ask", "How many new fostering households were approved?", "--json")
    texts = " ".join(c["text"] for c in json.loads(out)["citations"] + json.loads(out)["closest"])
    assert "eleven new fostering households" in texts
    assert "nine new fostering households" not in texts


def test_timeout_404_and_500_are_each_one_line_while_the_others_land(site, monkeypatch, capsys, tmp_path):
    own = tmp_path / "data"
    urls = [f"{site.base}/slow.html", f"{site.base}/item.html", f"{site.base}/missing.html",
            f"{site.base}/broken.html", f"{site.base}/letter.pdf", f"{site.base}/private/notes.html"]
    code, out, err = run_cli(own, monkeypatch, capsys, "fetch", "--council", COUNCIL, *urls)
    assert code == 0, err
    lines = [line for line in err.splitlines() if line.startswith("failed ")]
    assert len(lines) == 4, err
    by_url = {line.split(": ", 1)[0][len("failed "):]: line.split(": ", 1)[1] for line in lines}
    assert "timed out" in by_url[f"{site.base}/slow.html"]
    assert "HTTP 404" in by_url[f"{site.base}/missing.html"]
    assert "HTTP 500" in by_url[f"{site.base}/broken.html"]
    assert "robots.txt" in by_url[f"{site.base}/private/notes.html"]
    # A 500 is tried again (once, as set), a 404 is not; robots.txt kept the private page unasked.
    assert len(site.hits("/broken.html")) >= 2
    assert not site.hits("/private/notes.html")
    assert "2 added" in out and "4 failed" in out
    code, out, _ = run_cli(own, monkeypatch, capsys, "sources", "--json")
    assert sorted(r["url"] for r in json.loads(out)) == [f"{site.base}/item.html", f"{site.base}/letter.pdf"]
    # A later failure loses nothing already stored.
    site.pages["/item.html"] = (500, "text/plain", b"down", 0.0)
    try:
        code, out, err = run_cli(own, monkeypatch, capsys, "fetch", f"{site.base}/item.html")
    finally:
        site.pages["/item.html"] = (200, "text/html; charset=utf-8", ITEM_PAGE.encode(), 0.0)
    assert code == 1
    assert err.count("\n") == 1 and "HTTP 500" in err
    code, out, _ = run_cli(own, monkeypatch, capsys, "sources", "--json")
    assert len(json.loads(out)) == 2
    code, out, _ = run_cli(own, monkeypatch, capsys, "log", "--json")
    entries = json.loads(out)
    # One entry per run, failures included.
    assert [e["action"] for e in entries] == ["fetch", "fetch"]
    assert {f["file"]: f["status"] for f in entries[0]["files"]}[f"{site.base}/broken.html"] == "failed"
    assert "HTTP 500" in entries[1]["extra"]["failed"][f"{site.base}/item.html"]
