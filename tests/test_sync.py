"""`ofsted-rag sync` against a fake ModernGov web service on 127.0.0.1.

The XML is in the shape of mgWebService.asmx's answers (GetCommittees, GetMeetings, GetMeeting
with agenda items carrying their minutes as escaped HTML); every word of content is written here.
"""

from __future__ import annotations

import html
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from ofsted_rag.cli import main

COUNCIL = "Rutland County Council"

COMMITTEES = {"310": "Corporate Parenting Panel", "412": "Children and Young People Scrutiny Panel", "500": "Planning Committee"}


def meeting_xml(mid: str, cid: str, date: str, items: list[tuple[str, str, str, str]]) -> str:
    """items: (agenda item id, number, title, minutes HTML)."""
    rows = "".join(
        f"<agendaitem><agendaitemid>{iid}</agendaitemid><agendaitemnumber>{num}</agendaitemnumber>"
        f"<agendaitemtitle>{html.escape(title)}</agendaitemtitle>"
        f"<minutesnonemptyhtmlbody>{html.escape(body)}</minutesnonemptyhtmlbody>"
        f"<linkeddocuments></linkeddocuments></agendaitem>"
        for iid, num, title, body in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><getmeeting><meeting><meetingid>{mid}</meetingid>'
            f"<committeeid>{cid}</committeeid><committeetitle>{COMMITTEES[cid]}</committeetitle>"
            f"<meetingdate>{date}</meetingdate><meetingtime>10:00</meetingtime><meetingstatus>Minutes published</meetingstatus>"
            f"<agendaitems>{rows}</agendaitems></meeting></getmeeting>")


class FakeModernGov:
    def __init__(self) -> None:
        # meeting id -> (committee id, dd/mm/yyyy, items)
        self.meetings: dict[str, tuple[str, str, list]] = {
            "9001": ("310", "14/03/2024", [("7001", "7", "Fostering Service Annual Report",
                     "<p>(a) The service had approved nine new fostering households during the year.</p>"
                     "<p>(b) Members asked about placements with independent fostering agencies.</p>")]),
            "9002": ("310", "20/06/2024", [("7101", "5", "Care Leavers Offer",
                     "<p>(a) Officers reported that every care leaver aged 18 to 21 now had a personal adviser.</p>")]),
            "9003": ("412", "02/02/2024", [("7201", "4", "Ofsted Focused Visit",
                     "<p>(a) The Panel noted the findings of the focused visit on children in care.</p>"
                     "<p>(b) The Director said health assessments would be reported quarterly.</p>")]),
            # Before the start date: never fetched.
            "8001": ("310", "10/01/2018", [("6001", "3", "Old Business", "<p>(a) An old minute.</p>")]),
        }
        self.calls: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                site.calls.append(self.path)
                body = site.answer(parts.path, query)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = body.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, path: str, query: dict[str, str]) -> str | None:
        if path == "/mgWebService.asmx/GetCommittees":
            rows = "".join(f"<committee><committeeid>{cid}</committeeid><committeetitle>{t}</committeetitle>"
                           f"<committeecategory>Committee</committeecategory></committee>" for cid, t in COMMITTEES.items())
            return f'<?xml version="1.0" encoding="utf-8"?><committees>{rows}</committees>'
        if path == "/mgWebService.asmx/GetMeetings":
            rows = "".join(f"<meeting><meetingid>{mid}</meetingid><meetingdate>{d}</meetingdate></meeting>"
                           for mid, (cid, d, _) in self.meetings.items() if cid == query.get("lCommitteeId"))
            return f'<?xml version="1.0" encoding="utf-8"?><meetings>{rows}</meetings>'
        if path == "/mgWebService.asmx/GetMeeting" and query.get("lMeetingId") in self.meetings:
            mid = query["lMeetingId"]
            cid, date, items = self.meetings[mid]
            return meeting_xml(mid, cid, date, items)
        return None

    def meeting_calls(self) -> list[str]:
        return sorted(parse_qs(urlsplit(c).query)["lMeetingId"][0] for c in self.calls if "/GetMeeting?" in c)


@pytest.fixture
def modgov():
    fake = FakeModernGov()
    yield fake
    fake.server.shutdown()


def run(home: Path, monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    for key in [k for k in os.environ if k.startswith("OFSTED_RAG_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("OFSTED_RAG_HOME", str(home))
    monkeypatch.setenv("OFSTED_RAG_FETCH_RATE", "100")
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_sync_takes_two_committees_since_a_date_then_only_the_new_meeting(modgov, tmp_path, monkeypatch, capsys):
    sources = tmp_path / "sources.toml"
    sources.write_text(f"""
[[moderngov]]
council = "{COUNCIL}"
base_url = "{modgov.base}"
committees = ["Corporate Parenting Panel", "Children and Young People Scrutiny Panel"]
since = 2019-01-01
""", encoding="utf-8")
    home = tmp_path / "data"
    code, out, err = run(home, monkeypatch, capsys, "sync", "--sources", str(sources))
    assert code == 0, err
    assert modgov.meeting_calls() == ["9001", "9002", "9003"]  # not 8001, before the start date
    code, out, _ = run(home, monkeypatch, capsys, "sources", "--json")
    rows = {r["url"]: r for r in json.loads(out)}
    assert set(rows) == {f"{modgov.base}/mgAi.aspx?ID={i}" for i in ("7001", "7101", "7201")}
    item = rows[f"{modgov.base}/mgAi.aspx?ID=7001"]
    assert (item["council"], item["body"], item["date"], item["kind"], item["origin"]) == (
        COUNCIL, "Corporate Parenting Panel", "2024-03-14", "minutes", "url")
    assert rows[f"{modgov.base}/mgAi.aspx?ID=7201"]["body"] == "Children and Young People Scrutiny Panel"

    code, out, _ = run(home, monkeypatch, capsys, "ask", "How many new fostering households were approved?", "--json")
    answer = json.loads(out)
    cited = [c for c in answer["citations"] if c["url"] == f"{modgov.base}/mgAi.aspx?ID=7001"]
    assert cited and cited[0]["point"] == "a" and cited[0]["item"] == "7"

    # A new meeting appears on the site: the next sync asks for it alone.
    modgov.meetings["9004"] = ("412", "11/09/2024", [("7301", "6", "Placement Sufficiency",
                               "<p>(a) Officers said two new children's homes would open in the spring.</p>")])
    modgov.calls.clear()
    code, out, err = run(home, monkeypatch, capsys, "sync", "--sources", str(sources))
    assert code == 0, err
    assert modgov.meeting_calls() == ["9004"]
    code, out, _ = run(home, monkeypatch, capsys, "sources", "--json")
    assert len(json.loads(out)) == 4
    code, out, _ = run(home, monkeypatch, capsys, "log", "--json")
    assert [e["action"] for e in json.loads(out)] == ["sync", "sync"]


def test_a_committee_the_site_does_not_have_is_one_line_and_the_rest_goes_on(modgov, tmp_path, monkeypatch, capsys):
    sources = tmp_path / "sources.toml"
    sources.write_text(f"""
[[moderngov]]
council = "{COUNCIL}"
base_url = "{modgov.base}"
committees = ["Corporate Parenting Panel", "No Such Board"]
since = 2024-06-01
""", encoding="utf-8")
    code, out, err = run(tmp_path / "data", monkeypatch, capsys, "sync", "--sources", str(sources))
    assert code == 0, err
    assert [line for line in err.splitlines() if line.startswith("failed ")] == [
        f"failed {modgov.base} No Such Board: no committee of this name on the site"]
    assert modgov.meeting_calls() == ["9002"]


def test_a_malformed_sources_file_is_one_line(tmp_path, monkeypatch, capsys):
    sources = tmp_path / "sources.toml"
    sources.write_text('[[moderngov]]\ncouncil = "X"\nbase_url = "ftp://x"\ncommittees = []\nsince = 2020-01-01\n')
    code, out, err = run(tmp_path / "data", monkeypatch, capsys, "sync", "--sources", str(sources))
    assert code == 2
    assert err.strip().count("\n") == 0 and "base_url" in err
