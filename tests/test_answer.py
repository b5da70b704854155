"""The default (extractive) answerer end to end: real model, real Chroma, the shipped corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import re
from pathlib import Path

import pytest

from conftest import engine_over
from ofsted_rag.answer import REFUSAL
from ofsted_rag.conversation import Conversation
from ofsted_rag.documents import fold
from ofsted_rag.engine import Engine
from ofsted_rag.errors import EmptyStoreError
from ofsted_rag.store import PassageFilter

ROOT = Path(__file__).resolve().parents[1]

# Written for these tests, not taken from the eval set: the engine's behaviour on the shipped corpus.
QUESTIONS = [
    "How many Priority Actions did Ofsted issue after the focused visit?",
    "which councils used agency staff in children's social work?",
    "how did inspectors judge the daily MASH meeting in windsor and maidenhead?",
    "what must nottinghamshire improve about plans for children?",
    "did the bradford visit find children in need cases shut too soon?",
    "what happened to adoptions in nottingham during the pandemic?",
]


@pytest.fixture(scope="module")
def engine(corpus_settings, embedder) -> Engine:
    engine = Engine(corpus_settings, embedder=embedder)
    engine.warm_up()
    return engine


def test_priority_actions_answered_from_item_5_point_b_once(engine):
    answer = engine.ask("How many Priority Actions did Ofsted issue after the focused visit?")
    assert not answer.refused
    assert "two Priority Actions" in answer.text
    cited = [c.passage for c in answer.citations]
    point_b = [p for p in cited if p.item == "5" and p.point == "b"]
    assert len(point_b) == 1, [c.label for c in answer.citations]
    # Published in two files, cited once, with both sources recorded.
    assert {s.file_name for s in point_b[0].sources} == {"000_35ec4a2651ba769a.txt", "004_398205c18d3ff3d7.txt"}
    assert len({p.id for p in cited}) == len(cited)
    assert "item 5" in answer.citations[0].label and "point (b)" in answer.citations[0].label


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_sentence_is_in_the_passage_it_cites(engine, question):
    answer = engine.ask(question)
    assert not answer.refused, answer.text
    assert answer.sentences and len(answer.sentences) <= 5
    by_n = {c.n: c.passage for c in answer.citations}
    for sentence in answer.sentences:
        assert sentence.citations, sentence.text
        # A lead-in quoted with its list cites each passage it joins, in reading order.
        joined = set(re.findall(r"\w+", " ".join(fold(by_n[n].text) for n in sentence.citations)))
        assert set(re.findall(r"\w+", fold(sentence.text))) <= joined, sentence.text
        opening = " ".join(re.findall(r"\w+", fold(sentence.text))[:6])
        assert opening in " ".join(re.findall(r"\w+", fold(by_n[sentence.citations[0]].text))), sentence.text
        assert f"[{sentence.citations[0]}]" in answer.text


def test_precedent_answer_spans_councils(engine):
    answer = engine.ask("which councils used agency staff in children's social work?")
    councils = {c.passage.council for c in answer.citations}
    assert len(councils) >= 2, councils
    for council in councils:
        assert f"{council}:" in answer.text


@pytest.mark.parametrize("question", [
    "What did Ofsted say about Leeds City Council's fostering service?",
    "how many priority actions did kent get?",
    "what did ofsted say about SEND in bradford?",
    "what did the 2015 ofsted inspection say about nottingham city?",
])
def test_unanswerable_questions_are_refused_with_closest_passages(engine, question):
    answer = engine.ask(question)
    assert answer.refused
    assert answer.text.startswith(REFUSAL[:-1])
    assert not answer.citations and not answer.sentences
    assert answer.closest


def test_follow_up_asks_the_previous_question_about_the_new_council(engine):
    chat = Conversation(engine)
    first = chat.ask("what did officers say about agency staff in windsor and maidenhead?")
    assert not first.refused
    follow = chat.ask("And what about Bradford?")
    assert not follow.refused
    assert {c.passage.council for c in follow.citations} == {"City of Bradford Metropolitan District Council"}
    assert any("agenc" in c.passage.text.lower() for c in follow.citations)
    assert any(s.title == "follow-up" for s in follow.steps)


def test_filters_narrow_the_evidence(engine):
    flt = PassageFilter(councils=("Royal Borough of Windsor and Maidenhead",))
    answer = engine.ask("which councils used agency staff in children's social work?", flt)
    assert answer.citations
    assert {c.passage.council for c in answer.citations} == {"Royal Borough of Windsor and Maidenhead"}
    dated = engine.ask("what did the committee resolve?", PassageFilter(kinds=("minutes",), since=__import__("datetime").date(2020, 7, 1)))
    for c in dated.citations or dated.closest:
        p = getattr(c, "passage", c)
        assert p.kind == "minutes" and p.date is not None and p.date.year == 2020


def test_an_empty_store_says_to_ingest(settings, embedder):
    with pytest.raises(EmptyStoreError, match="ofsted-rag ingest"):
        Engine(settings, embedder=embedder).ask("anything?")


def _cli(args: list[str], home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "OFSTED_RAG_HOME": str(home), "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "ofsted_rag.cli", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def test_ask_json_has_the_documented_shape(corpus_settings, tmp_path):
    done = _cli(["ask", "How many Priority Actions did Ofsted issue after the focused visit?", "--json"],
                corpus_settings.home)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)  # exactly one JSON object on stdout
    assert set(payload) == {"question", "answer", "refused", "notes", "citations", "closest"}
    assert isinstance(payload["answer"], str) and payload["refused"] is False
    keys = {"n", "passage_id", "document", "council", "body", "date", "item", "item_title", "point", "text", "url"}
    for row in payload["citations"] + payload["closest"]:
        assert set(row) == keys
        assert isinstance(row["n"], int) and isinstance(row["text"], str)
        assert row["date"] is None or len(row["date"]) == 10
    assert any(r["item"] == "5" and r["point"] == "b" for r in payload["citations"])

    empty = _cli(["ask", "anything?"], tmp_path / "empty")
    assert empty.returncode == 2
    assert empty.stderr.strip().count("\n") == 0 and "ofsted-rag ingest" in empty.stderr
    assert "Traceback" not in empty.stderr


def test_a_council_filter_that_excludes_the_council_asked_about_says_so(engine):
    answer = engine.ask("what did inspectors say about the front door in bradford?",
                        PassageFilter(councils=("Nottingham City Council",)))
    assert answer.refused and "council filter excludes" in answer.text


def test_a_passage_that_only_records_the_running_of_the_meeting_ranks_below_one_of_substance(tmp_path, embedder):
    # Invented, in the shape of a scrutiny panel's minutes: the first point only says a report was
    # received, in nearly every word the question uses; the second says what inspectors found.
    engine = engine_over({
        "eastmere-scrutiny-2022-03-03.txt":
            "Eastmere Borough Council\n\nMinutes of the Children's Scrutiny Panel held on 3 March 2022\n\n"
            "5. Ofsted focused visit\n\n"
            "(a) The Panel received a report on the findings of the Ofsted focused visit about managers' "
            "oversight of plans for children in need.\n\n"
            "(b) Inspectors said that managers now check every child's plan each month and that drift had "
            "reduced since the last visit.\n",
    }, tmp_path / "pages", embedder)
    question = "What did the focused visit find about managers' oversight of plans for children in need in Eastmere?"
    hits = engine.retrieve(question, top_k=2).hits
    assert "drift had reduced" in hits[0].passage.text
    # A question about what the meeting did is answered by such a point: it keeps its place.
    hits = engine.retrieve("What did the Eastmere panel meeting do with the focused visit report?", top_k=2).hits
    assert any("received a report" in h.passage.text for h in hits)


def test_a_meetings_housekeeping_is_no_answer_to_a_question_about_anything_else(tmp_path, embedder):
    # Invented, in the shape of a ModernGov meeting page: the opening items record only the
    # meeting's running (interests, previous minutes, public questions), which every council's
    # minutes do in much the same words; one item has substance. Nothing is said of school transport.
    engine = engine_over({
        "eastmere.moderngov.co.uk__ieListDocuments.aspx_CId=88_MId=910.txt":
            "Agenda and minutes\n\nChildren and Young People Scrutiny Committee\n\nThursday, 12th May, 2022 6.00 pm\n\n"
            "Items\nNo. Item\n\n"
            "41.\n\nDeclarations of interest\n\nMinutes:\n\n"
            "Members were invited to declare any disclosable pecuniary or other registrable interests "
            "in respect of items on this agenda.\n\n"
            "Councillor P Marsh - Item 44 - Governor of a local primary school - non-pecuniary interest.\n\n"
            "42.\n\nMinutes of the previous meeting\n\nMinutes:\n\n"
            "The record of the meeting of the committee held on 10 March 2022 was confirmed as correct.\n\n"
            "43.\n\nPublic questions\n\nMinutes:\n\n"
            "No petitions, deputations or questions with notice had been received from members of the public.\n\n"
            "44.\n\nYouth service review\n\nMinutes:\n\n"
            "The Head of Youth Services said that two youth centres would reopen in September with "
            "longer evening hours.\n",
    }, tmp_path / "pages", embedder)
    assert engine.ask("What did the Eastmere children's scrutiny committee decide about home to school transport?").refused
    declared = engine.ask("Which interests were declared at the Eastmere children's scrutiny committee?")
    assert not declared.refused and "non-pecuniary" in declared.text
    assert not engine.ask("What did the Eastmere scrutiny committee hear about youth centres?").refused


def test_which_body_is_refused_when_the_pages_name_none(tmp_path, embedder):
    # Invented, in the shape of a council letter: an address block names a person, and the
    # sentence about the scheme says only "a local university".
    engine = engine_over({
        "www.rutland.gov.uk__news_grow-your-own-social-workers.txt":
            "Ms Jane Okoro Director of Children's Services Rutland County Council County Hall Oakham\n\n"
            "Rutland County Council has launched a scheme with a local university to train its own "
            "social workers, and expects 20 trainees this autumn.\n",
    }, tmp_path / "pages", embedder)
    assert engine.ask("which university does rutland run its social work training scheme with?").refused
    # What the pages do say of the scheme is answered.
    assert not engine.ask("how many trainees does rutland's social work scheme expect?").refused


def test_a_sum_in_a_sentence_sharing_nothing_with_the_question_is_not_the_sum_asked_for(tmp_path, embedder):
    # Invented, in the shape of scrutiny minutes: the contract's length is recorded, not its value,
    # and the only sum is another one.
    engine = engine_over({
        "rutland-scrutiny-2022-06-14.txt":
            "Rutland County Council\n\nMinutes of the Children's Scrutiny Panel held on 14 June 2022\n\n"
            "5. Service update\n\n"
            "(a) A new contract with the parent carer forum had been agreed for three years.\n\n"
            "(b) The Service Director said agency spend was forecast at £2.1 million for 2022/23.\n",
    }, tmp_path / "pages", embedder)
    assert engine.ask("how much will rutland pay the parent carer forum under its new contract?").refused
    assert not engine.ask("how much was rutland's agency spend forecast to be in 2022/23?").refused


def test_a_quotation_going_on_over_paragraphs_is_read_as_its_speakers_words(tmp_path, embedder):
    # Invented, in the shape of a local paper's story: the speaker is named where her quotation
    # begins, and the paragraphs going on with it open with a quotation mark and name nobody.
    engine = engine_over({
        "www.hexhamcourier.co.uk__news_fostering-visit.txt":
            "Inspectors have found the county's fostering service is improving.\n\n"
            "After the visit, the director of children's services, Jo Bell, said she was pleased.\n\n"
            "Asked about the report, she told the Courier: “Inspectors saw what our carers do every day.\n\n"
            "“We have more to do on respite breaks for carers.\n\n"
            "“What matters most is that every placement that started this year has lasted.\n\n"
            "The council will publish its plan in the spring.\n",
    }, tmp_path / "pages", embedder)
    question = "What did Northumberland's director of children's services say about respite breaks?"
    found = engine.gather(question)
    words = {c.sentence: c.features for c in engine.answerer.candidates(found.query, found.hits)}
    # The speaker's role, a field term of the question, is named only where the quotation began.
    assert words["“We have more to do on respite breaks for carers."]["terms"] == 1.0
    assert "respite breaks" in engine.ask(question).text
