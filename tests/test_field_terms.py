"""A field term the question uses must be in the answer's context; a term naming the inspection a
whole item is about (an ILACS) may be named anywhere in that item.

The story below is invented for this test, in the shape of a council's press release."""

from __future__ import annotations

from conftest import engine_over


def test_a_sentence_of_a_story_about_an_ilacs_answers_about_the_ilacs_though_it_never_names_it(tmp_path, embedder):
    engine = engine_over({
        "www.rutland.gov.uk__news_2024_ofsted-inspection-childrens-services.txt":
            "Ofsted praises Rutland's services for children\n\n"
            "Rutland County Council's children's services have been judged good overall by Ofsted after an "
            "inspection in February 2024.\n\n"
            "Inspectors found that children in care live in stable homes and that care leavers are well supported.\n\n"
            "The visit was part of Ofsted's programme of inspections of local authority children's services (ILACS), "
            "which every council receives.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("what overall grade did rutland get at its 2024 ILACS?")
    assert not answer.refused, answer.text
    assert "judged good overall" in answer.text


def test_workloads_answer_a_question_about_caseloads(tmp_path, embedder):
    engine = engine_over({
        "www.rutland.gov.uk__news_2024_social-workers-inspection.txt":
            "Inspectors praise Rutland's social workers\n\n"
            "Ofsted inspectors spoke to social workers at Rutland County Council in March 2024.\n\n"
            "Social workers told inspectors that their workloads were manageable and that they valued the "
            "training they could access.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("what did ofsted say about caseloads for rutland's social workers?")
    assert not answer.refused, answer.text
    assert "workloads were manageable" in answer.text
