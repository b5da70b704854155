"""An Ofsted letter, the kind of document the shipped corpus lacks.

tests/fixtures/invented_monitoring_letter.txt is written for this test in the shape of a published
monitoring-visit letter (letterhead, date, addressee, salutation, subject line, headed paragraphs,
sign-off); its findings and people are invented.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import make_settings
from ofsted_rag.engine import Engine
from ofsted_rag.ingest import ingest
from ofsted_rag.store import PassageStore

LETTER = Path(__file__).parent / "fixtures" / "invented_monitoring_letter.txt"


@pytest.fixture(scope="module")
def letter_engine(tmp_path_factory, embedder) -> Engine:
    folder = tmp_path_factory.mktemp("letters")
    (folder / LETTER.name).write_bytes(LETTER.read_bytes())
    settings = make_settings(tmp_path_factory.mktemp("letter-store") / "data", corpus=folder)
    report = ingest([folder], PassageStore(settings), embedder, settings)
    assert report.count("added") == 1
    return Engine(settings, embedder=embedder)


def test_the_letter_is_described_and_its_salutation_titles_nothing(letter_engine):
    passages = letter_engine.retriever.passages
    # The address block's "Sefton Metropolitan Borough Council" is stored under the gazetteer's
    # name, the one every other document about Sefton gets.
    assert {(p.council, p.date, p.kind) for p in passages} == {
        ("Sefton Council", dt.date(2022, 3, 14), "ofsted_letter")}
    titles = {p.item_title for p in passages if p.item_title}
    assert not any(t.startswith("Dear") or "sincerely" in t for t in titles), titles
    assert any(p.text == "Jane Doe His Majesty's Inspector" for p in passages)


def test_a_sentence_about_the_subject_of_the_one_before_it_answers(letter_engine):
    """"Plans are too generic" follows "Child protection conferences are timely." in the same
    paragraph: it answers a question about child protection plans."""
    answer = letter_engine.ask("what did ofsted say about CP plans in sefton?")
    assert not answer.refused
    assert any(s.text.startswith("Plans are too generic") for s in answer.sentences)


def test_who_were_the_inspectors_is_answered_with_their_names(letter_engine):
    answer = letter_engine.ask("who were the inspectors at sefton?")
    assert not answer.refused
    assert "Jane Doe and John Roe" in answer.sentences[0].text


def test_a_subject_the_letter_does_not_cover_is_refused(letter_engine):
    answer = letter_engine.ask("what did ofsted say about sefton's fostering service?")
    assert answer.refused


def test_what_a_document_is_counts_as_context_for_every_sentence_in_it(tmp_path, embedder):
    """A question naming the focused visit is answered by a sentence of the focused-visit letter,
    though the sentence itself, under the letter's 'Overview', never says 'focused visit'."""
    from conftest import engine_over

    engine = engine_over({
        "rutland-letter-2019.txt":
            "Focused visit to Rutland children's services\n\n"
            "This letter summarises the findings of the visit on 8 and 9 October 2019.\n\n"
            "Overview\n\n"
            "Independent reviewing officers do not challenge drift effectively. Their caseloads, at an "
            "average of 86 children, are too high to allow close oversight between reviews.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("How many children did each of Rutland's IROs carry at the focused visit?")
    candidate = next(c for c in engine.extractive.candidates(found.query, found.hits) if "86 children" in c.sentence)
    assert candidate.features["terms"] == 1.0
