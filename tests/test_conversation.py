"""Telling follow-ups from fresh questions, and reading them (conversation.read), with the real
query analyser; the chat against the real engine is in test_app.py and test_answer.py."""

from __future__ import annotations

import pytest

from ofsted_rag.conversation import Reading, read
from ofsted_rag.query import QueryAnalyser
from ofsted_rag.retrieve import Vocabulary


@pytest.fixture(scope="module")
def chat():
    analyser = QueryAnalyser(Vocabulary.load())

    def run(*questions: str) -> list[Reading]:
        readings: list[Reading] = []
        for q in questions:
            readings.append(read(q, analyser.analyse(q), readings[-1] if readings else None))
        return readings

    return run


def test_a_question_with_its_own_subject_stands_alone(chat):
    first, second, third = chat("Which councils said their duty teams were short of social workers?",
                                "What did Bradford's committee decide?",
                                "How about care leavers in Derby?")
    assert not second.rewritten and not third.rewritten


def test_a_council_swaps_into_the_last_question_without_chaining(chat):
    readings = chat("Did officers report on caseloads in Leeds and Derby?", "And what about Bradford?",
                    "same for Nottingham City", "And in 2021?")
    assert [r.read_as for r in readings[1:]] == [
        "Did officers report on caseloads in Bradford?",
        "Did officers report on caseloads in Nottingham City?",
        "Did officers report on caseloads in Nottingham City in 2021?",
    ]


def test_a_question_that_named_no_council_gets_one_appended(chat):
    _, follow = chat("Which councils were told their front door needed work?", "And what about Derby?")
    assert follow.read_as == "Which councils were told their front door needed work in Derby?"


def test_a_name_apart_from_the_list_stays(chat):
    _, follow = chat("Compare Bradford with Leeds on caseloads", "what about Derby?")
    assert follow.read_as == "Compare Derby with Leeds on caseloads"


def test_a_back_reference_without_a_subject_is_joined_to_the_last_question(chat):
    first, second, third = chat("What did Ofsted say about caseloads in Bradford?", "What did they resolve?",
                                "And what about the budget?")
    assert second.read_as == "What did Ofsted say about caseloads in Bradford, and what did they resolve?"
    # Joined to the question that stood alone, never to the joined reading.
    assert third.read_as == "What did Ofsted say about caseloads in Bradford, and what about the budget?"


def test_a_readings_text_is_never_broken(chat):
    for reading in chat("What happened?", "and in ?", "And what about Bradford?", "And?", "what about it"):
        assert "  " not in reading.read_as and " ?" not in reading.read_as and "in in" not in reading.read_as


def test_a_follow_up_that_names_a_council_keeps_what_else_it_asks(chat):
    _, follow, after = chat("What did Ofsted find about caseloads in Derby?", "What did they resolve in Bradford?",
                            "And what about Leeds?")
    assert follow.read_as == ("What did Ofsted find about caseloads in Bradford, and what did they resolve in "
                              "Bradford?")
    assert after.read_as == "What did Ofsted find about caseloads in Leeds?"
