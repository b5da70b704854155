"""A field term the question uses must be in the answer's context; a term naming the inspection a
whole item is about (an ILACS, a focused visit) may be named anywhere in that item, as a phrase.

The stories and minutes below are invented for these tests, in the shapes of a council's press
release and a ModernGov item."""

from __future__ import annotations

import pytest

from conftest import engine_over
from ofsted_rag.query import QueryAnalyser, passage_words
from ofsted_rag.retrieve import Vocabulary


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


@pytest.fixture(scope="module")
def analyse():
    return QueryAnalyser(Vocabulary.load()).analyse


def test_a_director_of_children_and_families_answers_a_question_about_the_dcs(analyse):
    query = analyse("what did the DCS tell the panel about agency staff?")
    assert query.topic.terms_covered(passage_words("The Director of Children and Families told members that "
                                                   "agency staff had fallen."), (), frozenset()) == 1.0


def test_a_safeguarding_hub_answers_a_question_about_the_mash_but_is_never_searched_for(analyse):
    query = analyse("what did inspectors say about the MASH?")
    assert query.topic.terms_covered(passage_words("Inspectors found the council's multi-action safeguarding hub "
                                                   "slow to act."), (), frozenset()) == 1.0
    assert not {"safeguarding hub", "safeguarding hubs"} & set(Vocabulary.load().expansions("the MASH"))


def test_ehc_plans_are_one_term_however_they_are_written(analyse):
    query = analyse("how quickly are EHC plans issued in rutland?")
    assert query.topic.terms_covered(passage_words("Only half of new EHCPs were finished within 20 weeks."), (), frozenset()) == 1.0
    assert query.topic.terms_covered(passage_words("Plans were issued quickly."), (), frozenset()) == 0.0


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


def test_a_story_on_an_ofsted_visit_of_no_named_kind_answers_for_the_kind_asked_about(tmp_path, embedder):
    engine = engine_over({
        "www.anytown-radio.co.uk__news_rutland-childrens-services-review.txt":
            "Mixed review for Rutland's children's services\n\n"
            "Ofsted inspectors spent two days with Rutland's social workers after a visit last month.\n\n"
            "They want better written plans and closer checks by managers on how plans are carried out.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("what did rutland's focused visit ask it to improve?")
    plans = next(c for c in engine.extractive.candidates(found.query, found.hits) if "written plans" in c.sentence)
    assert plans.features["terms"] == 1.0


def test_a_storys_heading_does_not_part_its_sentences_from_the_visit_named_above_it(tmp_path, embedder):
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-second-monitoring-visit.txt":
            "Rutland makes progress, inspectors say\n\n"
            "Inspectors spent two days in Rutland in the second monitoring visit since its inadequate rating.\n\n"
            "Read more from across the county\n\n"
            "Ann Example, the council's director of children's services, said the service would keep improving.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("who was rutland's director of children's services at its second monitoring visit?")
    said = next(c for c in engine.extractive.candidates(found.query, found.hits) if "Ann Example" in c.sentence)
    assert said.features["terms"] == 1.0


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


def _graded_story(year_line: str) -> dict[str, str]:
    return {
        "www.rutland.gov.uk__news_ofsted-rates-childrens-services.txt":
            "Ofsted rates Rutland's children's services\n\n"
            f"Rutland County Council's children's services have been rated good by Ofsted{year_line}.\n\n"
            "Inspectors said that care leavers are well supported by personal advisers who know them well.\n",
    }


def test_a_story_stating_a_grade_since_2018_reports_an_ilacs_though_it_never_names_one(tmp_path, embedder):
    # Since 2018 the ILACS is the only inspection that grades a council's children's services.
    engine = engine_over(_graded_story(" after an inspection in March 2023"), tmp_path / "pages", embedder)
    found = engine.gather("what did rutland's ILACS say about care leavers?")
    leavers = next(c for c in engine.extractive.candidates(found.query, found.hits) if "personal advisers" in c.sentence)
    assert leavers.features["terms"] == 1.0
    answer = engine.ask("what did rutland's ILACS say about care leavers?")
    assert not answer.refused and "personal advisers" in answer.text


def test_a_grade_before_2018_or_beside_a_focused_visit_reports_no_ilacs(tmp_path, embedder):
    for n, year_line in enumerate((" after an inspection in March 2015",
                                   " in 2019, a year after a focused visit in 2018")):
        engine = engine_over(_graded_story(year_line), tmp_path / f"pages{n}", embedder)
        found = engine.gather("what did rutland's ILACS say about care leavers?")
        leavers = next(c for c in engine.extractive.candidates(found.query, found.hits) if "personal advisers" in c.sentence)
        assert leavers.features["terms"] == 0.5, year_line


def test_a_focused_visit_recalled_from_years_before_does_not_stop_a_grade_reporting_an_ilacs(tmp_path, embedder):
    engine = engine_over(_graded_story(" in 2024; the weaknesses a focused visit found in 2021 have been addressed"),
                         tmp_path / "pages", embedder)
    found = engine.gather("what did rutland's ILACS say about care leavers?")
    leavers = next(c for c in engine.extractive.candidates(found.query, found.hits) if "personal advisers" in c.sentence)
    assert leavers.features["terms"] == 1.0


def test_an_undated_story_naming_an_earlier_year_reports_no_ilacs_by_its_grade(tmp_path, embedder):
    # "rated good ... since the last inspection in 2014": the grade may be of a SIF inspection.
    engine = engine_over(_graded_story(", up from requires improvement at the last inspection in 2014"),
                         tmp_path / "pages", embedder)
    found = engine.gather("what did rutland's ILACS say about care leavers?")
    leavers = next(c for c in engine.extractive.candidates(found.query, found.hits) if "personal advisers" in c.sentence)
    assert leavers.features["terms"] == 0.5


def test_an_undated_story_naming_the_leaders_judgement_reports_an_ilacs(tmp_path, embedder):
    # Only the ILACS grades "the impact of leaders on social work practice"; the earlier year is
    # the last inspection's, as in the story above that reports none.
    engine = engine_over(_graded_story(", up from requires improvement at the last inspection in 2014, with the impact "
                                       "of leaders on social work practice judged good"), tmp_path / "pages", embedder)
    found = engine.gather("what did rutland's ILACS say about care leavers?")
    leavers = next(c for c in engine.extractive.candidates(found.query, found.hits) if "personal advisers" in c.sentence)
    assert leavers.features["terms"] == 1.0


def test_the_secretary_of_state_for_education_names_the_dfe_without_widening_the_search(tmp_path, embedder):
    # Invented, in the shape of a local news story on an improvement notice.
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-notice.txt":
            "Rutland served with improvement notice\n\n"
            "Rutland County Council has been issued with an improvement notice after a poor inspection.\n\n"
            "The notice warns that if the council fails to make progress the Secretary of State for Education may "
            "appoint a commissioner to run the service.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("What could the DfE do if Rutland failed to improve?")
    warns = next(c for c in engine.extractive.candidates(found.query, found.hits) if "commissioner" in c.sentence)
    assert warns.features["terms"] == 1.0
    assert "secretary" not in found.query.expanded.lower()


def test_a_question_on_two_joined_subjects_is_answered_by_a_sentence_on_each(tmp_path, embedder):
    engine = engine_over({
        "www.rutland.gov.uk__news_2023_ofsted-findings.txt":
            "What Ofsted found in Rutland\n\n"
            "Ofsted published its report on Rutland County Council's children's services in May 2023.\n\n"
            "Strengths\n\n"
            "- The multi-agency safeguarding hub gives partners one clear place to raise concerns\n\n"
            "- Personal advisers keep in close touch with care leavers and know them well\n\n"
            "Weaknesses\n\n"
            "- Some children wait too long for an assessment of their needs\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("what strengths did ofsted find in rutland about the MASH and care leavers?")
    assert not answer.refused, answer.text
    assert "one clear place" in answer.text and "close touch with care leavers" in answer.text


def test_a_term_setting_the_scene_may_be_named_elsewhere_in_the_story(tmp_path, embedder):
    # "when Ofsted said it requires improvement" says which time is meant; the sentence naming the
    # director, a few lines on, does not repeat it.
    engine = engine_over({
        "www.rutland.gov.uk__news_2019_ofsted-report-childrens-services.txt":
            "Ofsted report on Rutland's children's services\n\n"
            "Ofsted has said that Rutland County Council's children's services require improvement to be good.\n\n"
            "Inspectors asked the council to make sure that plans for children in need are reviewed on time.\n\n"
            "Pat Example, the council's director of children's services, said the changes had already begun.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("who was rutland's DCS when ofsted said the council requires improvement?")
    director = next(c for c in engine.extractive.candidates(found.query, found.hits) if "Pat Example" in c.sentence)
    assert director.features["terms"] == 1.0
    # Asked outright, the sentence must carry the term itself.
    found = engine.gather("which rutland DCS said the council requires improvement?")
    director = next(c for c in engine.extractive.candidates(found.query, found.hits) if "Pat Example" in c.sentence)
    assert director.features["terms"] == 0.5


def test_a_story_saved_from_its_lead_is_about_what_the_lead_names(tmp_path, embedder):
    # No headline: the page opens with the story's first paragraph (too long to be taken for a
    # headline), the only one naming SEND.
    engine = engine_over({
        "www.rutlandhealth.example__news_send-services-improving.txt":
            "Support for children in Rutland with special educational needs and disabilities and for their "
            "families is improving, though it still has some way to go, inspectors have said in a report "
            "published this week.\n\n"
            "The local area partnership, run jointly by Rutland County Council and the local NHS board, was "
            "visited by inspectors from Ofsted and the CQC between 4 March and 8 March 2024.\n\n"
            "Families told inspectors that waiting times for assessments were still too long.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("when was rutland's SEND partnership inspected?")
    visited = next(c for c in engine.extractive.candidates(found.query, found.hits) if "between 4 March" in c.sentence)
    assert visited.features["terms"] == 1.0
    answer = engine.ask("when was rutland's SEND partnership inspected?")
    assert not answer.refused, answer.text
    assert "between 4 March and 8 March 2024" in answer.text


def test_an_item_on_a_send_inspection_is_about_send_in_every_sentence(tmp_path, embedder):
    # SEND names the kind of inspection (a joint area SEND inspection or revisit) that an item
    # reports, as "focused visit" does: a later sentence of the item need not repeat it.
    engine = engine_over({
        "democracy.eastmere.example__mgAi.aspx_ID=101.txt":
            "Eastmere Borough Council\n\nChildren's Scrutiny Panel, 3 November 2023\n\n"
            "7. Area SEND revisit by Ofsted and the CQC, 11-13 September 2023\n\n"
            "The Assistant Director introduced the letter that followed the revisit.\n\n"
            "Inspectors had judged that the partnership had made enough progress in three of the four "
            "areas of weakness, and not in the timeliness of plans.\n",
        "democracy.eastmere.example__mgAi.aspx_ID=102.txt":
            "Eastmere Borough Council\n\nChildren's Scrutiny Panel, 3 November 2023\n\n"
            "8. Fostering recruitment\n\n"
            "Officers said that nine new carers had been approved since the spring.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("in how many of its areas of weakness had eastmere made enough progress at the SEND revisit?")
    judged = next(c for c in engine.extractive.candidates(found.query, found.hits) if "three of the four" in c.sentence)
    assert judged.features["terms"] == 1.0
    found = engine.gather("how many SEND carers had eastmere approved?")
    carers = next(c for c in engine.extractive.candidates(found.query, found.hits) if "nine new carers" in c.sentence)
    assert carers.features["terms"] < 1.0
