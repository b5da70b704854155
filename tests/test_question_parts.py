"""A question asking several things is answered part by part: what the documents answer is
answered, and the answer says plainly which part they do not.

The minutes below are invented for this test, in the shape of a ModernGov meeting's printed
minutes."""

from __future__ import annotations

import pytest

from conftest import engine_over
from ofsted_rag.engine import Engine

MINUTES = """\
Rutland County Council
Minutes of the meeting of the Children and Young People Scrutiny Panel held on 12 July 2022

6. Ofsted focused visit

The Director of Children's Services reported that Ofsted had carried out a focused visit to the
front door on 7 and 8 June 2022. Inspectors looked at contacts, referrals and strategy discussions.
RESOLVED: That the letter be noted.

7. Home to school transport

Members discussed the cost of taxis for pupils with special educational needs.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory, embedder) -> Engine:
    return engine_over({"panel-minutes.txt": MINUTES}, tmp_path_factory.mktemp("parts") / "minutes", embedder)


def test_the_part_the_documents_answer_is_answered_and_the_other_is_named_as_unanswered(engine):
    answer = engine.ask("rutland's focused visit - when did it take place, and who led the youth offending service?")
    assert not answer.refused
    assert "7 and 8 June 2022" in answer.text
    assert any("who led the youth offending service" in note for note in answer.notes)


def test_a_question_no_part_of_which_the_documents_answer_is_refused(engine):
    answer = engine.ask("rutland's adoption panel - who chairs it, and how many adopters were approved?")
    assert answer.refused
