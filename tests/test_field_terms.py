"""A field term the question uses must be in the answer's context; a term naming the inspection a
whole item is about (an ILACS, a focused visit) may be named anywhere in that item, as a phrase.

The stories and minutes below are invented for these tests, in the shapes of a council's press
release and a ModernGov item."""

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


def test_a_sentence_of_a_story_about_a_focused_visit_answers_about_the_visit(tmp_path, embedder):
    engine = engine_over({
        "www.rutland.gov.uk__news_2021_ofsted-focused-visit.txt":
            "Ofsted comments on Rutland's children's services\n\n"
            "Ofsted carried out a focused visit to Rutland County Council's children's services in May 2021.\n\n"
            "The inspectors looked at the council's arrangements for children in need and for children "
            "subject to child protection plans.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("what did the rutland focused visit look at?")
    looked = next(c for c in engine.extractive.candidates(found.query, found.hits) if "looked at" in c.sentence)
    assert looked.features["terms"] == 1.0


def test_an_item_naming_focus_and_visits_apart_names_no_focused_visit(tmp_path, embedder):
    engine = engine_over({
        "rutland-scrutiny-2018-07-10.txt":
            "Rutland County Council\n\nMinutes of the Children's Scrutiny Panel held on 10 July 2018\n\n"
            "5. Children's social care performance\n\n"
            "(a) Members noted that work on NEET young people still needed focus.\n\n"
            "(b) All statutory visits to children in care had been made on time.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("what did rutland's focused visit find about children in care?")
    candidates = engine.extractive.candidates(found.query, found.hits)
    assert candidates and all(c.features["terms"] < 1.0 for c in candidates if "visits" in c.sentence)
