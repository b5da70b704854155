"""The Streamlit app through AppTest: the real model, real Chroma stores in temp folders.

Each test points OFSTED_RAG_HOME at its store before the app runs; the app's cached engine is
keyed on the settings, so tests never share an engine built for another store.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ofsted_rag.answer import REFUSAL
from ofsted_rag.store import PassageStore
from ofsted_rag.ui import add_uploads, highlight_html, safe_url
from conftest import make_settings

APP = str(Path(__file__).resolve().parents[1] / "app.py")
WINDSOR = "Royal Borough of Windsor and Maidenhead"


@pytest.fixture
def server_address():
    """Set Streamlit's bind address for the app under test (AppTest runs it in this process);
    restored afterwards. `make run` binds 127.0.0.1."""
    from streamlit import config

    before = config.get_option("server.address")

    def set_to(address: str | None) -> None:
        config.set_option("server.address", address)

    yield set_to
    config.set_option("server.address", before)


@pytest.fixture
def open_app(monkeypatch, server_address):
    """Start the app against a store: `open_app(settings)` -> AppTest after its first run.

    By default as `make run` starts it: on 127.0.0.1 with no editor sign-in configured, where
    uploads are open. `address`, `env` (extra OFSTED_RAG_* variables) and `secrets` change that."""

    def start(settings, *, address: str | None = "127.0.0.1", env: dict | None = None,
              secrets: dict | None = None) -> AppTest:
        for name in list(os.environ):
            if name.startswith("OFSTED_RAG_"):
                monkeypatch.delenv(name)
        monkeypatch.setenv("OFSTED_RAG_HOME", str(settings.home))
        monkeypatch.setenv("OFSTED_RAG_CORPUS", str(settings.corpus))
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        server_address(address)
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in (secrets or {}).items():
            at.secrets[key] = value
        at.run()
        assert not at.exception, at.exception
        return at

    return start


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def html_of(node) -> str:
    return "\n".join(h.value for h in node.html)


def citation_labels(message) -> list[str]:
    """The person-readable labels of the citations rendered in one assistant message."""
    return [html.unescape(h.value.split("</span>", 1)[1].split("</div>", 1)[0])
            for h in message.html if h.value.startswith('<div class="orag-cite"><span class="orag-n">')]


def test_first_screen_says_what_it_knows(corpus_settings, open_app):
    at = open_app(corpus_settings)
    page = html_of(at.main)
    assert "4 councils" in page and "Nottingham City Council" in page
    assert "30 July 2020" in page  # the one meeting date the manifest records
    assert [b.label for b in at.main.button][:3] == [
        "What did Ofsted ask Nottingham City to put right after its focused visit?",
        "Which councils used agency staff in children's social work?",
        "How did inspectors judge the front door in Windsor and Maidenhead?",
    ]
    assert any("How to read a citation" in c.value for c in at.caption)
    assert f"{PassageStore(corpus_settings).count()} passages" in html_of(at.sidebar)


def test_question_is_answered_with_citations_and_source_view(corpus_settings, open_app):
    at = open_app(corpus_settings)
    at.button(key="example-0").click().run()  # the first example question
    assert not at.exception, at.exception
    reply = at.chat_message[1]
    assert "two Priority Actions" in html_of(reply) and 'class="orag-ref">[1]<' in html_of(reply)
    labels = citation_labels(reply)
    assert labels and labels[0].startswith("Nottingham City Council, Children and Young People Scrutiny Committee, "
                                            "30 July 2020, item 5")
    b = next(n for n, label in enumerate(labels, start=1) if "item 5" in label and "point (b)" in label)

    # Each [n] opens its source in place: the marker labels a hidden box that shows its panel.
    answer_block = next(h.value for h in reply.html if h.value.startswith('<div class="orag-answer-wrap">'))
    assert f'<label class="orag-ref-link orag-ref-link-{b}" for="orag-m0-ref-{b}"' in answer_block
    assert f'<input type="checkbox" class="orag-refbox orag-refbox-{b}" id="orag-m0-ref-{b}">' in answer_block
    panel = answer_block.split(f'<div class="orag-refpanel orag-refpanel-{b}">', 1)[1]
    assert "Ofsted issued two Priority Actions" in panel.split("<mark>", 1)[1].split("</mark>", 1)[0]

    at.button(key=f"btn-m0-c{b}").click().run()
    source = "\n".join(h.value for h in at.chat_message[1].html if h.value.startswith('<div class="orag-doc">'))
    marked = source.split("<mark>", 1)[1].split("</mark>", 1)[0]
    assert "Ofsted issued two Priority Actions" in marked
    # Neighbouring points of the same item are shown around it, and the metadata above.
    assert "(a) Ofsted’s Focussed Visit" in source and "(c) The Service is committed" in source
    assert "<dt>Meeting date</dt><dd>30 July 2020</dd>" in html_of(at.chat_message[1])

    # A follow-up keeps the history and is read in the light of the last question.
    ask(at, "And what about Windsor and Maidenhead?")
    assert len(at.chat_message) == 4
    follow_up = at.session_state["messages"][-1]["answer"]
    assert any(s.title == "follow-up" for s in follow_up.steps)


def test_refused_question_shows_refusal_panel(corpus_settings, open_app):
    at = ask(open_app(corpus_settings), "What did Ofsted say about Leeds City Council's fostering service?")
    reply = at.chat_message[1]
    assert f'<div class="orag-refusal"><strong>{html.escape(REFUSAL)}</strong>' in html_of(reply)
    assert [m.value for m in reply.markdown] == ["#### Closest passages"]  # no "Sources" heading
    assert 'class="orag-ref"' not in html_of(reply)
    assert len([h for h in reply.html if 'class="orag-quote"' in h.value]) == 3


def test_council_filter_narrows_citations(corpus_settings, open_app):
    at = ask(open_app(corpus_settings), "Which councils used agency staff in children's social work?")
    unfiltered = {label.split(",")[0] for label in citation_labels(at.chat_message[1])}
    assert len(unfiltered) >= 2 and WINDSOR in unfiltered

    at.sidebar.multiselect(key="f_councils").set_value([WINDSOR]).run()
    assert f"council: {WINDSOR}" in html_of(at.sidebar)  # shown as active
    ask(at, "Which councils used agency staff in children's social work?")
    filtered = citation_labels(at.chat_message[3])
    assert filtered and all(label.startswith(WINDSOR) for label in filtered)
    assert f"Filters: council: {WINDSOR}" in html_of(at.chat_message[2])


MINUTES = """Agenda item

Foster Carer Recruitment Campaign

Minutes:

The Head of Fostering presented a report on the foster carer recruitment campaign.

(a) The campaign recruited 14 new fostering households between April and September.

(b) Officers committed to doubling the number of approved foster carers by March 2025.

Resolved - That the Committee notes the foster carer recruitment campaign report.
"""


def test_uploaded_file_is_ingested_and_then_cited(tmp_path, open_app):
    at = open_app(make_settings(tmp_path / "data"))
    assert at.chat_input[0].disabled  # nothing to ask about yet
    at.sidebar.radio(key="page").set_value("Add documents").run()
    at.file_uploader(key="uploads").set_value([
        ("fostering-minutes.txt", MINUTES.encode(), "text/plain"),
        ("empty.txt", b"", "text/plain"),
        ("broken.pdf", b"%PDF-1.4 this is not really a PDF", "application/pdf"),
    ]).run()
    at.text_input(key="up_body").set_value("Corporate Parenting Panel").run()
    at.selectbox(key="up_kind").set_value("minutes").run()
    at.button(key="up_go").click().run()
    assert not at.exception, at.exception
    outcomes = {o.file_name: o for o in at.session_state["upload_outcomes"]}
    assert outcomes["fostering-minutes.txt"].status == "added" and outcomes["fostering-minutes.txt"].passages >= 3
    assert outcomes["empty.txt"].status == "rejected" and outcomes["empty.txt"].reason == "the file is empty"
    assert outcomes["broken.pdf"].status == "rejected" and outcomes["broken.pdf"].reason
    shown = html_of(at.main)
    assert "fostering-minutes.txt" in shown and "the file is empty" in shown
    # Each file's recorded details are shown, and any not found is flagged.
    details = dict(outcomes["fostering-minutes.txt"].details())
    assert details["committee"] == "Corporate Parenting Panel" and details["kind"] == "Committee minutes"
    assert "<dt>Committee</dt><dd>Corporate Parenting Panel</dd>" in shown
    for name, value in details.items():
        assert (f"<dt>{name.capitalize()}</dt><dd>{html.escape(value)}</dd>" if value else
                f'<dt>{name.capitalize()}</dt><dd class="orag-missing">not found</dd>') in shown
    # The sidebar counts what was just added, on the same run.
    stored = PassageStore(make_settings(tmp_path / "data")).count()
    assert stored >= 3 and f"1 documents, {stored} passages" in html_of(at.sidebar)
    assert at.get("progress"), "ingestion shows a progress bar"

    # Uploading the same file again is reported as a duplicate.
    at.button(key="up_go").click().run()
    assert at.session_state["upload_outcomes"][0].status == "duplicate"

    at.sidebar.radio(key="page").set_value("Ask").run()
    ask(at, "How many new fostering households did the campaign recruit?")
    answer = at.session_state["messages"][-1]["answer"]
    assert not answer.refused
    assert answer.citations[0].passage.file_name == "fostering-minutes.txt"
    assert answer.citations[0].passage.body == "Corporate Parenting Panel"
    assert "14 new fostering households" in html_of(at.chat_message[1])


def test_upload_rejections_name_the_reason(tmp_path, embedder):
    """What the widget cannot send (it enforces the file types) is still checked by add_uploads."""
    from ofsted_rag.engine import Engine

    engine = Engine(make_settings(tmp_path / "data", max_file_mb=0.001), embedder=embedder)
    steps: list[float] = []
    got = add_uploads(engine, [("notes.doc", b"old Word format"), ("../../escape.txt", MINUTES.encode()),
                               ("big.txt", b"x" * 5000)], progress=lambda f, _: steps.append(f))
    assert [o.status for o in got] == ["rejected", "added", "rejected"]
    assert "unsupported file type '.doc'" in got[0].reason
    assert (tmp_path / "data" / "uploads" / "escape.txt").is_file()  # saved inside the uploads folder
    assert "over the 0.001 MB limit" in got[2].reason
    assert steps == sorted(steps) and steps[-1] == 1.0


def test_document_markup_is_shown_as_text(tmp_path, open_app):
    settings = make_settings(tmp_path / "data")
    at = open_app(settings)
    hostile = MINUTES.replace("(b) Officers", "(b) The officer pasted <script>alert(1)</script> **bold** into the minutes. Officers")
    at.sidebar.radio(key="page").set_value("Add documents").run()
    at.file_uploader(key="uploads").set_value(("hostile.txt", hostile.encode(), "text/plain")).run()
    at.button(key="up_go").click().run()
    at.sidebar.radio(key="page").set_value("Ask").run()
    ask(at, "What did the officer paste into the minutes?")
    answer = at.session_state["messages"][-1]["answer"]
    n = next(c.n for c in answer.citations if "<script>" in c.passage.text)
    at.button(key=f"btn-m0-c{n}").click().run()
    page = html_of(at.main)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **bold**" in page
    assert "<script" not in page
    assert not any("<script" in m.value for m in at.markdown)


def test_highlight_escapes_everything_outside_and_inside_the_mark():
    text = "<b>before</b> the <i>cited</i> & after"
    out = highlight_html(text, text.index("the"), text.index(" &"), window=(3, len(text)))
    assert "<mark>the &lt;i&gt;cited&lt;/i&gt;</mark>" in out
    assert out.count("<b>") == 0 and "&lt;/b&gt;" in out and "&amp; after" in out
    assert "…" in out  # the window starts after the document's beginning


def test_only_web_links_are_linked():
    assert safe_url("https://committees.example.gov.uk/ieListDocuments.aspx?CId=1") is not None
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://x\" onmouseover=\"alert(1)") is None


# ---------------------------------------------------------------- follow-ups

def test_a_question_that_names_its_own_subject_is_not_read_as_a_follow_up(corpus_settings, open_app):
    at = ask(open_app(corpus_settings), "Where did inspectors find weaknesses in the front door?")
    ask(at, "What did the Bradford committee agree to do?")
    last = at.session_state["messages"][-1]
    assert last["read_as"] is None
    assert not any(s.title == "follow-up" for s in last["answer"].steps)
    assert "Read as:" not in html_of(at.chat_message[3])
    cited = [c.passage.council for c in last["answer"].citations] or [p.council for p in last["answer"].closest]
    assert cited and set(cited) == {"City of Bradford Metropolitan District Council"}


def test_and_what_about_after_a_refusal_is_read_cleanly_and_can_be_asked_as_written(corpus_settings, open_app):
    at = ask(open_app(corpus_settings), "How have agency workers been used in Leeds?")
    assert at.session_state["messages"][0]["answer"].refused  # Leeds is not in the library

    ask(at, "And what about Windsor and Maidenhead?")
    last = at.session_state["messages"][-1]
    assert last["read_as"] == "How have agency workers been used in Windsor and Maidenhead?"
    reply = html_of(at.chat_message[3])
    assert "Read as:" in reply and html.escape(last["read_as"]) in reply
    assert not last["answer"].refused
    assert {c.passage.council for c in last["answer"].citations} == {WINDSOR}

    # One click asks the words as typed, alone.
    at.button(key="as-written-m1").click().run()
    assert not at.exception, at.exception
    again = at.session_state["messages"][-1]
    assert len(at.session_state["messages"]) == 3
    assert again["question"] == "And what about Windsor and Maidenhead?" and again["read_as"] is None
    assert not any(s.title == "follow-up" for s in again["answer"].steps)


# ---------------------------------------------------------------- filters

def test_date_filter_starts_off_and_keeps_undated_documents_when_on(corpus_settings, open_app):
    at = open_app(corpus_settings)
    assert at.sidebar.toggle(key="f_use_dates").value is False
    at.sidebar.toggle(key="f_use_dates").set_value(True).run()
    # Most of the corpus has no meeting date; limiting dates must not silently drop it.
    ask(at, "How was agency staffing described in Windsor and Maidenhead?")
    answer = at.session_state["messages"][-1]["answer"]
    assert not answer.refused
    assert {c.passage.council for c in answer.citations} == {WINDSOR}
    assert all(c.passage.date is None for c in answer.citations)


def test_filters_that_exclude_everything_are_explained_not_refused(corpus_settings, open_app):
    import datetime as dt

    from ofsted_rag.documents import format_date

    at = open_app(corpus_settings)
    at.sidebar.toggle(key="f_use_dates").set_value(True).run()
    at.sidebar.date_input(key="f_dates").set_value((dt.date(2023, 1, 1), dt.date(2023, 12, 31))).run()
    at.sidebar.checkbox(key="f_drop_undated").check().run()
    ask(at, "What did the committee agree about caseloads?")
    last = at.session_state["messages"][-1]
    assert last["answer"] is None and last["notice"]
    passages = PassageStore(corpus_settings).all_passages()
    docs = {p.doc_id for p in passages}
    undated = {p.doc_id for p in passages} - {p.doc_id for p in passages if p.date}
    reply = html.unescape(html_of(at.chat_message[1]))
    assert "The meeting date filter lets none through." in reply
    assert (f"Meeting date ({format_date(dt.date(2023, 1, 1))} to {format_date(dt.date(2023, 12, 31))}, "
            f"undated left out): 0 of {len(docs)} documents match; {len(undated)} of {len(docs)} have no "
            f"meeting date recorded.") in reply
    assert REFUSAL not in reply and "orag-refusal" not in reply


# ---------------------------------------------------------------- export

def test_each_answer_offers_markdown_and_word_downloads(corpus_settings, open_app):
    at = ask(open_app(corpus_settings), "How was agency staffing described in Windsor and Maidenhead?")
    ask(at, "How have agency workers been used in Bradford?")
    for i in (0, 1):
        labels = {b.proto.label for b in at.get("download_button") if b.key.endswith(f"-m{i}")}
        assert labels == {"Markdown", "Word"}
