"""The council briefing: a dated timeline whose every line is a verbatim, cited sentence."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from ofsted_rag.briefing import CATEGORIES, build_briefing, briefing_for, classify, sentences
from ofsted_rag.documents import StoredPassage
from ofsted_rag.store import PassageStore

APP = str(Path(__file__).resolve().parents[1] / "app.py")
NOTTINGHAM = "Nottingham City Council"


def passage(text: str, *, council: str = "Testshire County Council", date: dt.date | None = None,
            point: str | None = "a", doc: str = "doc_1", start: int = 0) -> StoredPassage:
    return StoredPassage(id=f"p_{hash((text, doc)) & 0xffff}", text=text, file_name=f"{doc}.txt", doc_id=doc,
                         council=council, body="Scrutiny Committee", date=date, kind="minutes", item="5",
                         item_title="Ofsted focused visit", point=point, part=None, start=start,
                         end=start + len(text))


def test_sentences_are_verbatim_and_drop_the_point_label():
    text = "(b) Focussed Visits do not result in a rating. Ofsted issued two Priority Actions, said Cllr. Smith."
    got = sentences(text)
    assert got == ["Focussed Visits do not result in a rating.", "Ofsted issued two Priority Actions, said Cllr. Smith."]
    assert all(s in text for s in got)
    quoted = "She said: “The standards are in draft.” The plan will include learning sets."
    assert sentences(quoted) == ["She said: “The standards are in draft.”", "The plan will include learning sets."]


@pytest.mark.parametrize("sentence, point, expected", [
    ("Ofsted issued two Priority Actions which is significant.", "b", "priority_action"),
    ("The Ofsted Focused Visit took place on November 27th and 28th.", "¶ 3", "visit"),
    ("Overall, Ofsted noted that the MASH service was effective.", "¶ 5", "finding"),
    ("The Service is committed to addressing the issues.", "c", "commitment"),
    ("That the report be noted.", "resolution", "resolution"),
    ("The Committee requested that progress be reported back.", "¶ 9", "resolution"),
    ("Apologies were received from Councillor Jones.", "¶ 1", None),
])
def test_classify(sentence, point, expected):
    assert classify(sentence, point) == expected


def test_briefing_from_passages_is_pure_dated_and_cited():
    passages = [
        passage("(a) The Ofsted focused visit took place in March 2024.", date=dt.date(2024, 5, 1), doc="d2"),
        passage("(b) Ofsted issued one Priority Action about <script>alert(1)</script> **plans**.",
                date=dt.date(2024, 5, 1), doc="d2", start=60, point="b"),
        passage("Resolved - That the report be noted.", point="resolution", date=dt.date(2023, 1, 9), doc="d1"),
        passage("Ofsted found the MASH effective.", council="Elsewhere Council", doc="d3"),
        passage("Officers will be looking at staffing.", date=None, doc="d4"),
    ]
    b = build_briefing("Testshire County Council", passages, today=dt.date(2025, 1, 1))
    assert [e.date for e in b.entries] == [dt.date(2023, 1, 9), dt.date(2024, 5, 1), None]
    assert all(line.passage.council == "Testshire County Council" for line in b.lines)
    assert all(line.text in line.passage.text for line in b.lines)
    assert {line.category for line in b.lines} == {"resolution", "visit", "priority_action", "commitment"}

    md = b.to_markdown()
    assert md.startswith("# Briefing: Testshire County Council\n")
    assert "## 9 January 2023 — Scrutiny Committee" in md and "## Date not recorded" in md
    assert "### Priority actions and recommendations" in md
    # Quoted text cannot inject markup into the exported file.
    assert "\\<script\\>alert(1)\\</script\\> \\*\\*plans\\*\\*" in md and "<script>" not in md
    assert "(Testshire County Council, Scrutiny Committee, 1 May 2024, item 5 (Ofsted focused visit), point (b))" in md


def test_briefing_on_the_corpus(corpus_settings):
    b = briefing_for(PassageStore(corpus_settings), NOTTINGHAM)
    assert b.entries and b.entries[0].date == dt.date(2020, 7, 30)
    texts = {line.text: line for line in b.lines}
    assert texts["Focussed Visits do not result in a rating but Ofsted issued two Priority Actions which is "
                 "significant."].category == "priority_action"
    resolution = texts["The Committee requested that outcomes of the Ofsted assurance visit in autumn 2020 and "
                       "progress on the improvement plan be reported back to the Committee."]
    assert resolution.category == "resolution" and resolution.label.endswith("item 5 (Children's Integrated "
                                                                             "Services Ofsted Focussed Visit and "
                                                                             "Improvement Programme), resolution")
    for c in CATEGORIES:
        assert b.count(c.key) >= 1, c.key
    assert all(line.text in line.passage.text and line.passage.council == NOTTINGHAM for line in b.lines)
    # Every council in the corpus gets a briefing with at least one finding or visit.
    for council in ("City of Bradford Metropolitan District Council", "Royal Borough of Windsor and Maidenhead",
                    "Nottinghamshire County Council"):
        other = briefing_for(PassageStore(corpus_settings), council)
        assert other.count("visit") + other.count("finding") >= 2, council


def test_briefing_page_renders_and_exports(corpus_settings, monkeypatch):
    from streamlit.testing.v1 import AppTest

    for name in list(os.environ):
        if name.startswith("OFSTED_RAG_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("OFSTED_RAG_HOME", str(corpus_settings.home))
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.sidebar.radio(key="page").set_value("Briefing").run()
    at.selectbox(key="briefing_council").set_value("Royal Borough of Windsor and Maidenhead").run()
    assert not at.exception, at.exception
    page = "\n".join(h.value for h in at.main.html)
    assert "Overall, Ofsted noted that the MASH service was effective." in page
    assert "Verbal Update on Outcome of Ofsted Focused Visit, paragraph 5" in page
    assert at.download_button(key="briefing_download").label == "Download as Markdown"
    # A line's source opens in place, highlighted.
    first = next(b for b in at.main.button if b.key and b.key.startswith("btn-b-"))
    first.click().run()
    assert "<mark>" in "\n".join(h.value for h in at.main.html)


@pytest.mark.parametrize("body, title, expected", [
    ("Corporate Parenting Board", "Corporate Parenting Board", "Corporate Parenting Board"),
    ("Corporate Parenting Board", "Minutes of the corporate parenting board", "Minutes of the corporate parenting board"),
    ("Schools Forum", "Schools Forum", "Schools Forum"),
    ("Cabinet Member Decisions Panel", "Panel", "Cabinet Member Decisions Panel"),
    ("Health Scrutiny Committee", "Annual report", "Health Scrutiny Committee · Annual report"),
])
def test_a_briefing_heading_never_says_a_name_twice(body, title, expected):
    from ofsted_rag.briefing import BriefingEntry

    entry = BriefingEntry(doc_id="d", file_name="d.txt", date=dt.date(2021, 3, 4), body=body, kind="minutes",
                          title=title, url=None, lines=())
    assert entry.heading == f"4 March 2021 — {expected}"
