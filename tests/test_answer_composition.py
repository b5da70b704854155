"""Answer composition (issue 12, point 2), as a specification: how a question's polarity, a
procedural sentence and a subject counted but not described shape the extractive answer; and how
a sentence is read for them (reading.py). Every question, sentence and council here is invented.

The answerer's choice is tested on hand-made candidates with fixed scores, so each test says
exactly which sentence would otherwise come first.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import pytest
from docx import Document

from ofsted_rag.answer import FEATURES, Candidate, ExtractiveAnswerer, Evidence, compose, missing_detail
from ofsted_rag.documents import StoredPassage, unfinished
from ofsted_rag.export import answer_to_docx, answer_to_markdown
from ofsted_rag.output import answer_to_json
from ofsted_rag.query import QueryAnalyser
from ofsted_rag.reading import acronyms, chairs, counts, counts_without_detail, describes, housekeeping, posts_named, procedural, same_post, stance, tone, transfer
from ofsted_rag.retrieve import Hit, Vocabulary
from ofsted_rag.ui import answer_html


@pytest.fixture(scope="module")
def analyse():
    return QueryAnalyser(Vocabulary.load()).analyse


def passage(text: str, point: str, item: str = "6") -> StoredPassage:
    return StoredPassage(id=f"p-{item}-{point}", text=text, file_name="eastmere-scrutiny.txt", doc_id="d1",
                         council="Eastmere Borough Council", body="Children's Scrutiny Panel",
                         date=dt.date(2023, 5, 9), kind="minutes", item=item, item_title="Focused visit",
                         point=point, part=None, start=0, end=len(text))


def candidate(text: str, point: str, score: float, *, fits: float = 1.0) -> Candidate:
    p = passage(text, point)
    features = {k: 0.5 for k in FEATURES} | {"fits": fits}
    return Candidate(text, p, Hit(p, score, 0.5, 1, 1), features, score)


def of_council(council: str, text: str, point: str, score: float, **features: float) -> Candidate:
    """A candidate sentence of another council's passage, with some features set."""
    c = candidate(text, point, score)
    p = replace(c.passage, council=council, id=f"{council}-{point}")
    return replace(c, passage=p, hit=replace(c.hit, passage=p), features=c.features | features)


# An evidence decision under which every sentence is evidence enough, so that only the rules of
# composition decide the order.
EVIDENCE = Evidence({k: 0.0 for k in FEATURES}, 0.0, {k: 0.0 for k in FEATURES}, 5.0, threshold=0.5, relative=0.8)


@pytest.fixture()
def answerer():
    return ExtractiveAnswerer(max_sentences=5, evidence=EVIDENCE)


PRAISE = "Managers have strengthened supervision and social workers are knowledgeable and confident."
CRITICISM = "Assessments are too often late and plans for children are weak."
PROCEDURE = "A copy of the inspection letter was appended to the report."
SUBSTANCE = "Inspectors found that strategy meetings were held within a day of a referral."


# ---------------------------------------------------------------------------- question analysis

def test_a_question_asking_what_was_weak_has_negative_polarity(analyse):
    assert analyse("What weaknesses did the inspectors find in the front door?").polarity == "negative"


def test_a_question_asking_what_needs_to_improve_has_negative_polarity(analyse):
    assert analyse("What does the service need to improve?").polarity == "negative"


def test_a_question_asking_what_was_praised_has_positive_polarity(analyse):
    assert analyse("What did inspectors praise about fostering?").polarity == "positive"


def test_a_yes_no_question_has_no_polarity(analyse):
    assert analyse("Were there concerns about the fostering service?").polarity is None


def test_a_question_asking_for_a_judgement_has_no_polarity(analyse):
    assert analyse("What weaknesses led to the inadequate rating?").polarity is None


def test_a_neutral_question_has_no_polarity(analyse):
    assert analyse("What did the panel hear about adoption?").polarity is None


def test_a_question_about_a_decision_is_about_procedure(analyse):
    assert analyse("What did the panel decide about the letter?").asks_procedure


def test_a_question_about_findings_is_not_about_procedure(analyse):
    assert not analyse("What did inspectors find about adoption?").asks_procedure


def test_what_were_the_asks_for_the_members_of_a_plural_subject(analyse):
    assert analyse("What were the three recommendations?").items == "three recommendations"


def test_which_with_a_verb_asks_for_the_members_of_a_plural_subject(analyse):
    assert analyse("Which improvements did the board agree?").items == "improvements"


def test_a_possessive_is_part_of_the_subject_not_its_head(analyse):
    assert analyse("What were the panel's priorities this year?").items == "panel's priorities"


def test_a_question_asking_how_many_does_not_ask_for_members(analyse):
    assert analyse("How many recommendations were there?").items is None


def test_which_councils_asks_across_councils_not_for_members(analyse):
    assert analyse("Which councils were praised for adoption?").items is None


# ---------------------------------------------------------------------------- reading sentences

def test_a_sentence_with_only_words_of_praise_is_positive():
    assert tone(PRAISE).polarity == "positive"


def test_a_sentence_with_only_words_of_criticism_is_negative():
    assert tone(CRITICISM).polarity == "negative"


def test_praise_turned_round_by_a_negator_is_criticism():
    assert tone("Plans are not effective and supervision is not regular.").polarity == "negative"


def test_requires_improvement_to_be_good_is_criticism_though_it_says_good():
    assert tone("The service requires improvement to be good.").polarity == "negative"


def test_a_sentence_setting_praise_against_criticism_is_mixed():
    assert tone("Leaders are committed, but too many plans are generic.").polarity is None


def test_a_sentence_without_evaluation_has_no_polarity():
    assert tone("The panel meets four times a year.").polarity is None


def test_one_word_of_praise_is_not_clear_enough_to_leave_a_sentence_out():
    assert tone("Members discussed the value of good record keeping.").opposes("negative")
    assert not tone("Members discussed the value of good record keeping.").opposes("negative", clearly=True)


@pytest.mark.parametrize("sentence", [
    "Apologies for absence were received from Councillor Marsh.",
    "The minutes of the meeting held on 3 March were agreed as a correct record.",
    PROCEDURE,
    "RESOLVED: That the report be noted.",
    "No declarations of interest were made.",
    "The Head of Service presented the report on fostering.",
    "The Head of Service submitted a report which gave an overview of fostering, adoption and kinship care.",
    "This letter summarises the findings of the monitoring visit to Eastmere on 4 and 5 June.",
    "The purpose of the report was to update members on the inspection.",
    "To confirm the minutes of the previous meeting.",
    "Recommended - That the panel notes the contents of this report.",
    "cc: Director of Children's Services",
    "During discussion the following points were raised:",
    "Arising from the presentation, the following questions were asked by members:",
    "The Panel resolved:",
    "Officers explained that:",
    "The Head of Early Help presented the plan.",
    "The Panel agreed its work programme, adding an item on the sufficiency strategy for its meeting in May.",
    "Report of the Interim Director of Children and Family Services",
    "Joint report of the Chief Executive and the Head of Legal Services",
])
def test_a_sentence_recording_only_the_running_of_the_meeting_is_procedural(sentence):
    assert procedural(sentence)


@pytest.mark.parametrize("sentence", [
    "RESOLVED: That the report be noted and that the plan return to the panel in June.",
    "It was noted that staff morale had risen.",
    "The Head of Service presented the report on fostering and explained that enquiries had doubled.",
    "The Head of Service presented the report, which found that plans were weak.",
    "Officers explained that the backlog of contacts had been cleared.",
    "Members learned that the letter recognised improvements relating to:",
    "The Head of Early Help presented the plan, which sets out three priorities for the year.",
    "Report of the Director of Children's Services found that caseloads had fallen.",
    SUBSTANCE,
])
def test_a_sentence_that_says_something_of_substance_is_not_procedural(sentence):
    assert procedural(sentence) is None


@pytest.mark.parametrize("sentence, part", [
    ("Apologies for absence were received from Councillor Jo Pike.", "attendance"),
    ("Councillor R Lowe - Item 6 - Trustee of a local youth charity - non-pecuniary interest.", "interests"),
    ("Members were invited to declare any personal or prejudicial interests they may have.", "interests"),
    ("The record of the meeting held on 2 February was confirmed as correct.", "minutes"),
    ("No petitions or deputations had been received.", "public"),
    ("There were no public questions.", "public"),
    ("The date of the next meeting was noted as 9 July.", "meeting"),
])
def test_a_sentence_recording_one_part_of_a_meetings_running_is_housekeeping(sentence, part):
    assert housekeeping(sentence) == part


@pytest.mark.parametrize("sentence", [
    "RESOLVED: That the report be noted.",
    "The service acts in the best interests of every child it looks after.",
    "Officers said no petitions had been received about the closure of the respite unit, but parents had written to the council.",
    SUBSTANCE,
])
def test_a_sentence_of_substance_or_a_decision_is_not_housekeeping(sentence):
    assert housekeeping(sentence) is None


def test_a_question_about_declared_interests_asks_about_that_housekeeping(analyse):
    assert analyse("Did any councillor declare an interest at the panel?").housekeeping == {"interests"}
    assert analyse("What did the panel decide about the fostering report?").housekeeping == frozenset()


@pytest.mark.parametrize("sentence, named", [
    ("Ann Lee, Director of Children's Services, told members the backlog had cleared.", [("Lee", "Director of Children's Services")]),
    ("The panel heard from lead member Cllr Ray Hunt.", [("Hunt", "lead member")]),
    ("Tom Bell, who became DCS in May, said so.", [("Bell", "DCS")]),
    ("The chair of the Children and Families Scrutiny Panel opened the meeting.", []),
    # Local news gives a councillor's party and ward in brackets after the name.
    ("The panel heard from Ray Hunt (Lab, Hillside), council leader at the time.", [("Hunt", "council leader")]),
    ("What did Ray Hunt say about being the borough's council leader?", [("Hunt", "council leader")]),
    ("The leader of the council's opposition group, Ray Hunt, asked for an apology.", []),
])
def test_a_person_named_beside_a_post_holds_it(sentence, named):
    assert posts_named(sentence) == named


def test_a_post_is_the_same_whatever_its_short_form_but_not_under_another_head():
    assert same_post("DCS", "director of children's services")
    assert same_post("DCS", "Director of Children’s Services")
    assert same_post("cabinet member", "Cabinet Member for Children and Families")
    assert not same_post("leader", "deputy leader")
    assert same_post("council leader", "Leader of the Council") and not same_post("council leader", "deputy leader")
    assert not same_post("Cabinet Member for Children", "Cabinet Member for Housing")


def test_a_subject_counted_with_nothing_after_it_is_a_count_without_detail():
    assert counts_without_detail("The letter set out four recommendations.", "recommendations").span == "four recommendations"


def test_a_subject_said_to_have_been_issued_is_a_count_without_detail():
    assert counts_without_detail("Recommendations were issued after the visit.", "recommendations").span is None


def test_a_count_followed_by_its_list_is_not_without_detail():
    assert counts_without_detail("The letter set out two recommendations: faster assessments and better plans.",
                                 "recommendations") is None


def test_a_count_followed_by_what_they_concern_is_not_without_detail():
    assert counts_without_detail("Two recommendations about fostering were made.", "recommendations") is None


# ---------------------------------------------------------------------------- choosing sentences

def test_a_question_about_weaknesses_does_not_lead_with_praise(analyse, answerer):
    query = analyse("What weaknesses did inspectors find in assessments?")
    chosen = answerer.choose(query, [candidate(PRAISE, "a", 1.0), candidate(CRITICISM, "b", 0.95)])
    assert chosen[0].sentence == CRITICISM


def test_a_question_about_weaknesses_leaves_out_clear_praise(analyse, answerer):
    query = analyse("What weaknesses did inspectors find in assessments?")
    chosen = answerer.choose(query, [candidate(CRITICISM, "a", 1.0), candidate(PRAISE, "b", 0.95)])
    assert [c.sentence for c in chosen] == [CRITICISM]


def test_a_question_about_strengths_does_not_lead_with_criticism(analyse, answerer):
    query = analyse("What strengths did inspectors find in assessments?")
    chosen = answerer.choose(query, [candidate(CRITICISM, "a", 1.0), candidate(PRAISE, "b", 0.95)])
    assert chosen[0].sentence == PRAISE


def test_praise_alone_still_answers_a_question_about_weaknesses(analyse, answerer):
    query = analyse("What weaknesses did inspectors find in assessments?")
    chosen = answerer.choose(query, [candidate(PRAISE, "a", 1.0)])
    assert [c.sentence for c in chosen] == [PRAISE]


def test_a_neutral_question_keeps_the_evidence_order(analyse, answerer):
    query = analyse("What did inspectors say about assessments?")
    chosen = answerer.choose(query, [candidate(PRAISE, "a", 1.0), candidate(CRITICISM, "b", 0.95)])
    assert [c.sentence for c in chosen] == [PRAISE, CRITICISM]


def test_a_procedural_sentence_gives_way_to_a_substantive_one(analyse, answerer):
    query = analyse("What did inspectors say about strategy meetings?")
    chosen = answerer.choose(query, [candidate(PROCEDURE, "a", 1.0), candidate(SUBSTANCE, "b", 0.95)])
    assert [c.sentence for c in chosen] == [SUBSTANCE, PROCEDURE]


def test_a_procedural_sentence_comes_after_every_substantive_one(analyse, answerer):
    query = analyse("What did inspectors say about strategy meetings?")
    other = "Managers now review every strategy meeting record weekly."
    chosen = answerer.choose(query, [candidate(SUBSTANCE, "a", 1.0), candidate(PROCEDURE, "b", 0.97),
                                     candidate(other, "c", 0.9)])
    assert [c.sentence for c in chosen] == [SUBSTANCE, other, PROCEDURE]


def test_a_question_in_a_document_gives_way_to_a_statement(analyse, answerer):
    query = analyse("What did the panel hear about strategy meetings?")
    heading = "How timely are strategy meetings?"
    chosen = answerer.choose(query, [candidate(heading, "a", 1.0), candidate(SUBSTANCE, "b", 0.95)])
    assert chosen[0].sentence == SUBSTANCE


def test_the_best_sentence_giving_way_to_the_lead_still_comes_next(analyse, answerer):
    # Tone and procedure are read from word lists and can be wrong: the sentence with the most
    # evidence is never pushed out of the answer by weaker sentences of other passages.
    query = analyse("Who stood in for the absent member at the panel?")
    absent = "Apologies for absence were received from Councillor Amos Reed with Councillor Ida Vale substituting."
    others = [candidate(f"The panel discussed report number {n} on placements.", f"o{n}", 0.9 - n / 100)
              for n in range(1, 6)]
    chosen = answerer.choose(query, [candidate(absent, "a", 1.0), *others])
    assert chosen[1].sentence == absent
    assert len(chosen) == answerer.max_sentences


def test_the_best_sentence_is_still_left_out_when_it_is_no_statement(analyse, answerer):
    query = analyse("What did the panel hear about strategy meetings?")
    heading = "How timely are strategy meetings?"
    chosen = answerer.choose(query, [candidate(heading, "a", 1.0), candidate(SUBSTANCE, "b", 0.95)])
    assert [c.sentence for c in chosen] == [SUBSTANCE, heading]


def test_a_line_giving_only_a_publication_date_is_left_out_of_an_answer_not_asking_when(analyse, answerer):
    query = analyse("What did the panel hear about strategy meetings?")
    stamp = "Date published: 14 June 2022"
    chosen = answerer.choose(query, [candidate(stamp, "a", 1.0), candidate(SUBSTANCE, "b", 0.95)])
    assert [c.sentence for c in chosen] == [SUBSTANCE]
    assert answerer.choose(analyse("When was the update published?"), [candidate(stamp, "a", 1.0)])[0].sentence == stamp


def test_a_field_giving_only_a_span_of_dates_is_left_out_of_an_answer_not_asking_when(analyse, answerer):
    query = analyse("What did the panel hear about strategy meetings?")
    span = "Inspection dates: 3 to 14 October 2022"
    chosen = answerer.choose(query, [candidate(SUBSTANCE, "a", 1.0), candidate(span, "b", 0.99)])
    assert [c.sentence for c in chosen] == [SUBSTANCE]


def test_a_question_about_procedure_keeps_a_procedural_sentence_first(analyse, answerer):
    query = analyse("What was decided about the inspection letter?")
    chosen = answerer.choose(query, [candidate(PROCEDURE, "a", 1.0), candidate(SUBSTANCE, "b", 0.95)])
    assert chosen[0].sentence == PROCEDURE


def test_a_sentence_of_the_kind_asked_for_still_leads_before_polarity_counts(analyse, answerer):
    query = analyse("When were the weaknesses in assessments first found?")
    dated = "In March 2021 inspectors praised the strong and effective front door."
    chosen = answerer.choose(query, [candidate(dated, "a", 1.0), candidate(CRITICISM, "b", 0.95, fits=0.0)])
    assert chosen[0].sentence == dated


def test_a_sentence_cut_off_before_its_end_gives_way_to_a_whole_one(analyse, answerer):
    query = analyse("What did inspectors say about strategy meetings?")
    cut = "Inspectors said the delays in strategy meetings came about because of the"
    chosen = answerer.choose(query, [candidate(cut, "a", 1.0), candidate(SUBSTANCE, "b", 0.95)])
    assert [c.sentence for c in chosen] == [SUBSTANCE, cut]


def test_a_list_item_ending_before_the_next_one_is_not_cut_off():
    assert not unfinished("(2) the director be asked to report on the monthly dip samples; and")
    assert unfinished("Problems had been made worse by")


def test_a_point_ending_in_a_figure_is_not_cut_off():
    assert not unfinished("• The fall in the share of requests turned down from 40% to 9%")
    assert not unfinished("Caseloads in the assessment teams came down to 18")
    assert unfinished("Caseloads in the assessment teams came down to")


def test_a_question_taking_a_judgement_for_granted_does_not_lead_with_another(analyse, answerer):
    query = analyse("Which boroughs were graded outstanding by the inspectorate?")
    other = "Eastmere's children's services were judged inadequate at the inspection."
    named = "Westmere's children's services were judged outstanding in every area."
    chosen = answerer.choose(query, [candidate(other, "a", 1.0), candidate(named, "b", 0.95)])
    assert [c.sentence for c in chosen] == [named]


def test_a_question_asking_what_came_before_a_judgement_seeks_no_judgement(analyse):
    assert analyse("Which grade did Eastmere hold before it was judged inadequate?").sought_judgements == frozenset()
    assert analyse("Which councils were judged good?").sought_judgements == {"good"}


def test_a_grade_said_in_other_words_is_that_grade(analyse):
    assert analyse("Which boroughs were given the highest rating?").sought_judgements == {"outstanding"}
    assert analyse("Which shires secured outstanding grades?").sought_judgements == {"outstanding"}
    assert analyse("Why did Eastmere get the bottom grade last year?").presumed_judgement == "inadequate"
    assert analyse("Why did Eastmere get its second worst rating?").presumed_judgement is None
    assert analyse("What grade did Eastmere get last year?").presumed_judgement is None


def test_across_councils_a_further_council_is_one_said_to_hold_the_grade_asked_for(analyse, answerer):
    query = analyse("Which councils were given the top grade by Ofsted?")
    assert query.across_councils
    held = of_council("Westmere", "Westmere's services were judged outstanding in every area.", "a", 1.0)
    other = of_council("Northmere", "Northmere's services were rated good overall.", "b", 0.97)
    aside = of_council("Southmere", "Southmere's panel met in May to hear about fostering.", "c", 0.96)
    also = of_council("Eastmere", "Eastmere was rated outstanding after its spring inspection.", "d", 0.95)
    chosen = answerer.choose(query, [held, other, aside, also])
    assert [c.sentence for c in chosen] == [held.sentence, also.sentence]


def test_across_councils_a_further_council_first_is_one_naming_what_was_asked(analyse, answerer):
    query = analyse("Which councils were told their case file audits were weak?")
    lead = of_council("Westmere", "Inspectors found case file audits in Westmere were weak and rarely led to change.", "a", 1.0,
                      terms=1.0)
    aside = of_council("Northmere", "Northmere's inspectors found supervision was weak.", "b", 0.97, terms=0.0)
    named = of_council("Eastmere", "Eastmere's audits of case files were found to be too generous.", "c", 0.95, terms=1.0)
    chosen = answerer.choose(query, [lead, aside, named])
    assert [c.passage.council for c in chosen][:2] == ["Westmere", "Eastmere"]


def test_across_councils_a_further_council_first_is_one_giving_the_kind_of_answer_asked(analyse, answerer):
    query = analyse("Which councils had a monitoring visit, and when?")
    lead = of_council("Westmere", "Westmere's third monitoring visit took place on 4 and 5 May 2022.", "a", 1.0,
                      terms=1.0, fits=1.0)
    undated = of_council("Northmere", "Northmere's monitoring visit looked at children in care.", "b", 0.97, terms=1.0, fits=0.0)
    dated = of_council("Eastmere", "Inspectors made a monitoring visit to Eastmere in March 2021.", "c", 0.95, terms=1.0, fits=1.0)
    chosen = answerer.choose(query, [lead, undated, dated])
    assert [c.passage.council for c in chosen][:2] == ["Westmere", "Eastmere"]


def test_another_judgement_alone_still_answers(analyse, answerer):
    query = analyse("Which boroughs were graded outstanding by the inspectorate?")
    other = "Eastmere's children's services were judged inadequate at the inspection."
    assert [c.sentence for c in answerer.choose(query, [candidate(other, "a", 1.0)])] == [other]


def test_a_list_item_is_read_with_the_lead_in_its_list_follows(analyse):
    lead_in = passage("On the pandemic, the panel heard:-", "1")
    item = passage("Managers moved every visit online within a week.", "bullet 1")
    query = analyse("What did inspectors find about the pandemic?")
    hit = Hit(item, 1.0, 0.5, 1, 1)
    alone = ExtractiveAnswerer(evidence=EVIDENCE).candidates(query, [hit])[0]
    read = ExtractiveAnswerer(evidence=EVIDENCE, preceding=lambda p: [lead_in]).candidates(query, [hit])[0]
    assert alone.features["context_coverage"] < read.features["context_coverage"]


def test_a_paragraph_followed_by_a_lead_in_referring_to_it_is_quoted_with_the_list(analyse):
    said = passage("The letter also set out where the borough must do better.", "1")
    lead_in = passage("These were:", "2")
    items = [passage("• the timeliness of return home interviews", "bullet 1"),
             passage("• managers' oversight of plans.", "bullet 2")]
    query = analyse("Where did the letter say the borough must do better?")
    answerer = ExtractiveAnswerer(evidence=EVIDENCE, following=lambda p: {"p-6-1": [lead_in, *items],
                                                                          "p-6-2": items}.get(p.id, []))
    quoted = answerer.candidates(query, [Hit(said, 1.0, 0.5, 1, 1)])[0]
    assert quoted.sentence == ("The letter also set out where the borough must do better. These were: "
                               "the timeliness of return home interviews; managers' oversight of plans.")
    assert [p.id for p in quoted.extra] == ["p-6-2", "p-6-bullet 1", "p-6-bullet 2"]


def test_a_resolution_lead_in_is_quoted_with_its_numbered_list(analyse):
    lead_in = passage("The Panel considered the report and RESOLVED to:", "7")
    items = [passage("1. Approve the fostering recruitment plan for the coming year; and", "1"),
             passage("2. Receive a progress report at its meeting in the autumn.", "2")]
    query = analyse("What did the panel resolve about fostering recruitment?")
    answerer = ExtractiveAnswerer(evidence=EVIDENCE, following=lambda p: {"p-6-7": items}.get(p.id, []))
    quoted = answerer.candidates(query, [Hit(lead_in, 1.0, 0.5, 1, 1)])[0]
    assert "Approve the fostering recruitment plan" in quoted.sentence
    assert "Receive a progress report" in quoted.sentence


def test_a_recommendation_printed_without_its_colon_is_quoted_with_its_lettered_list(analyse):
    lead_in = passage("The Panel is RECOMMENDED to", "8")
    items = [passage("(a) endorse the fostering recruitment plan; and", "a"),
             passage("(b) ask for a progress report in the autumn.", "b")]
    query = analyse("What was the panel recommended to do about fostering recruitment?")
    answerer = ExtractiveAnswerer(evidence=EVIDENCE, following=lambda p: {"p-6-8": items}.get(p.id, []))
    quoted = answerer.candidates(query, [Hit(lead_in, 1.0, 0.5, 1, 1)])[0]
    assert quoted.sentence.startswith("The Panel is RECOMMENDED to endorse the fostering recruitment plan")


def test_a_lead_in_saying_something_itself_is_quoted_where_its_list_items_stand_alone(analyse):
    lead_in = passage("The review, which came out on 2 May 2021, told leaders to draw up a joint improvement plan "
                      "within seventy days and named two shortfalls they had to put right:", "1")
    items = [passage("• Nobody across the three services could say who led the work on short breaks, and the plan "
                     "for it had not been looked at again since the spring of 2018.", "bullet 1"),
             passage("• Families waited months for an assessment, and the letters sent to them gave no date, no "
                     "name and no number to ring if things got worse in the meantime.", "bullet 2")]
    query = analyse("When did the review come out?")
    answerer = ExtractiveAnswerer(evidence=EVIDENCE, following=lambda p: {"p-6-1": items}.get(p.id, []))
    assert [c.sentence for c in answerer.candidates(query, [Hit(lead_in, 1.0, 0.5, 1, 1)])] == [lead_in.text]


def test_a_lead_in_cut_off_at_its_colon_is_quoted_as_it_stands(analyse):
    lead_in = passage("The review, which came out on 2 May 2021, told leaders to draw up a joint improvement plan "
                      "within seventy days and named two shortfalls they had to put right:", "1")
    query = analyse("When did the review come out?")
    answerer = ExtractiveAnswerer(evidence=EVIDENCE, following=lambda p: [])
    assert [c.sentence for c in answerer.candidates(query, [Hit(lead_in, 1.0, 0.5, 1, 1)])] == [lead_in.text]


def test_a_lead_in_only_announcing_its_list_gives_way_to_items_that_stand_alone(analyse):
    lead_in = passage("The review named two shortfalls:", "1")
    items = [passage("• Nobody across the three services could say who led the work on short breaks, and the plan "
                     "for it had not been looked at again since the spring of 2018.", "bullet 1")]
    query = analyse("What shortfalls did the review name?")
    answerer = ExtractiveAnswerer(evidence=EVIDENCE, following=lambda p: {"p-6-1": items}.get(p.id, []))
    assert answerer.candidates(query, [Hit(lead_in, 1.0, 0.5, 1, 1)]) == []


def test_a_statement_before_a_lead_in_whose_list_is_too_long_to_quote_is_quoted_alone(analyse):
    lead_in = passage("Inspectors made nine recommendations to the borough. These were:", "1")
    items = [passage(f"{n}. Make sure that every plan for a child in need sets out who will do what by when, and that "
                     "managers check that it was done and record what difference it made.", str(n)) for n in range(1, 10)]
    query = analyse("How many recommendations did inspectors make to the borough?")
    answerer = ExtractiveAnswerer(evidence=EVIDENCE, following=lambda p: {"p-6-1": items}.get(p.id, []))
    sentences = [c.sentence for c in answerer.candidates(query, [Hit(lead_in, 1.0, 0.5, 1, 1)])]
    assert sentences == ["Inspectors made nine recommendations to the borough."]


def test_a_lead_in_introducing_the_plain_text_after_it_gives_way(analyse):
    lead_in = passage("The review, which came out on 2 May 2021, told leaders to draw up a joint improvement plan "
                      "within seventy days and named two shortfalls they had to put right:", "1")
    query = analyse("When did the review come out?")
    answerer = ExtractiveAnswerer(evidence=EVIDENCE, following=lambda p: [passage("Plans were late and vague.", "2")])
    assert answerer.candidates(query, [Hit(lead_in, 1.0, 0.5, 1, 1)]) == []


def test_a_line_naming_a_speaker_is_quoted_with_the_opening_of_the_quotation(analyse):
    speaker = passage("Councillor Ann Cole, cabinet member for children, said:", "1")
    quotation = passage("“We are proud of our social workers. The report shows their care.”", "2")
    query = analyse("Which cabinet member commented on the report?")
    answerer = ExtractiveAnswerer(evidence=EVIDENCE, following=lambda p: {"p-6-1": [quotation]}.get(p.id, []))
    quoted = answerer.candidates(query, [Hit(speaker, 1.0, 0.5, 1, 1)])[0]
    assert quoted.sentence == ("Councillor Ann Cole, cabinet member for children, said: "
                               "“We are proud of our social workers.")
    assert [p.id for p in quoted.extra] == ["p-6-2"]


def test_a_line_naming_a_speaker_is_quoted_with_what_follows_it_without_quotation_marks(analyse):
    # Web pages often print what was said as a paragraph of its own, with no quotation marks.
    speaker = passage("Councillor Ann Cole, cabinet member for children, said of the scheme:", "1")
    said = passage("Bigger homes let our carers take brothers and sisters together. We expect more to apply.", "2")
    query = analyse("Which cabinet member commented on the scheme?")
    answerer = ExtractiveAnswerer(evidence=EVIDENCE, following=lambda p: {"p-6-1": [said]}.get(p.id, []))
    quoted = answerer.candidates(query, [Hit(speaker, 1.0, 0.5, 1, 1)])[0]
    assert quoted.sentence == ("Councillor Ann Cole, cabinet member for children, said of the scheme: "
                               "Bigger homes let our carers take brothers and sisters together.")
    assert [p.id for p in quoted.extra] == ["p-6-2"]


# ---------------------------------------------------------------------------- what the documents do not say

COUNTED = "Inspectors identified two areas for priority action."


def test_a_counted_subject_without_its_members_gets_a_note_of_the_systems_own(analyse):
    query = analyse("What were the areas for priority action?")
    lead = candidate(COUNTED, "a", 1.0)
    note = missing_detail(query, [lead], [lead.hit])
    assert note == "The documents do not say what the two areas for priority action were."


def test_no_note_when_another_passage_found_describes_the_subject(analyse):
    query = analyse("What were the areas for priority action?")
    lead = candidate(COUNTED, "a", 1.0)
    described = candidate("The first area for priority action is the timeliness of assessments.", "b", 0.5)
    assert missing_detail(query, [lead], [lead.hit, described.hit]) is None


def test_no_note_when_the_first_sentence_gives_the_detail(analyse):
    query = analyse("What were the areas for priority action?")
    lead = candidate("Inspectors identified two areas for priority action: assessments and planning.", "a", 1.0)
    assert missing_detail(query, [lead], [lead.hit]) is None


def test_a_count_in_a_supporting_sentence_gets_the_note_too(analyse):
    query = analyse("What were the areas for priority action?")
    lead = candidate("The areas for priority action were shared with partners across the council.", "a", 1.0)
    counted = candidate(COUNTED, "b", 0.9)
    note = missing_detail(query, [lead, counted], [lead.hit, counted.hit])
    assert note == "The documents do not say what the two areas for priority action were."


def test_a_remark_closing_the_count_is_not_detail():
    count = counts_without_detail("Ofsted issued two priority actions, which is significant.", "actions")
    assert count is not None and count.span == "two priority actions"


def test_a_sentence_only_referring_to_the_subject_does_not_describe_it():
    assert not describes("The priority actions were directed at the council as a whole.", "actions")


def test_a_sentence_saying_what_one_of_them_was_describes_the_subject():
    assert describes("The priority action was for leaders to ensure that referrals are screened on time.", "actions")


def test_no_note_when_a_passage_found_sits_under_a_heading_naming_the_subject(analyse):
    query = analyse("What were the areas for priority action?")
    lead = candidate(COUNTED, "a", 1.0)
    listed = candidate("The timeliness of decisions on contacts at the front door.", "b", 0.5)
    listed = replace(listed, hit=replace(listed.hit, passage=replace(listed.hit.passage, item_title="Areas for priority action")))
    assert missing_detail(query, [lead], [lead.hit, listed.hit]) is None


def test_no_note_for_a_question_not_asking_what_they_were(analyse):
    query = analyse("How many areas for priority action were identified?")
    lead = candidate(COUNTED, "a", 1.0)
    assert missing_detail(query, [lead], [lead.hit]) is None


def test_the_note_closes_the_answer_uncited_and_apart_from_quotations(analyse):
    query = analyse("What were the areas for priority action?")
    note = "The documents do not say what the two areas for priority action were."
    answer = compose(query, [(COUNTED, (passage(COUNTED, "a"),))], notes=(note,))
    assert answer.notes == (note,)
    assert [s.text for s in answer.sentences] == [COUNTED]
    last = answer.text.split("\n\n")[-1]
    assert note in last and "[" not in last


def test_the_note_is_set_apart_in_the_app_and_in_exports(analyse):
    query = analyse("What were the areas for priority action?")
    note = "The documents do not say what the two areas for priority action were."
    answer = compose(query, [(COUNTED, (passage(COUNTED, "a"),))], notes=(note,))
    assert 'class="orag-own"' in answer_html(answer) and note in answer_html(answer)
    assert f"*Note: {note}*" in answer_to_markdown(answer)
    runs = [r for p in Document(io.BytesIO(answer_to_docx(answer))).paragraphs for r in p.runs if note in r.text]
    assert runs and all(r.italic for r in runs)


def test_when_the_note_is_given_the_sentence_recording_the_event_leads(tmp_path, embedder):
    from conftest import engine_over

    engine = engine_over({"barsetshire-scrutiny-2021-05-12.txt":
        "Barsetshire County Council\n\nMinutes of the Children's Scrutiny Committee held on 12 May 2021\n\n"
        "6. Ofsted focused visit\n"
        "(a) The partnership board had been told that the priority actions were directed at the council and "
        "its partners alike.\n"
        "(b) Focused visits do not lead to a grade, but Ofsted issued three priority actions, which is rare.\n"},
        tmp_path / "minutes", embedder)
    answer = engine.ask("What were Barsetshire's priority actions?")
    assert answer.notes == ("The documents do not say what the three priority actions were.",)
    assert answer.sentences[0].text.startswith("Focused visits do not lead to a grade")
    assert answer_to_json(answer)["notes"] == list(answer.notes)  # `ask --json` carries it apart


def test_a_list_item_quoted_again_with_its_lead_in_is_said_once():
    from ofsted_rag.answer import _dedupe

    item = candidate("81% of young people said they trusted their social worker;", "a", 1.0)
    lead_in = candidate("Members heard that: 81% of young people said they trusted their social worker; "
                        "most wanted fewer changes of worker", "b", 0.9)
    assert [c.sentence for c in _dedupe([item, lead_in])] == [lead_in.sentence]


def test_a_short_sentence_inside_another_is_kept():
    from ofsted_rag.answer import _dedupe

    short = candidate("None were late.", "a", 1.0)
    longer = candidate("Inspectors found that none were late.", "b", 0.9)
    assert len(_dedupe([short, longer])) == 2


# ---------------------------------------------------------------------------- who holds a role

# An evidence decision under which no sentence is evidence enough on its features alone.
DOUBTFUL = Evidence({k: 0.0 for k in FEATURES}, 0.0, {k: 0.0 for k in FEATURES}, -5.0, threshold=0.5)
NAMED = "Councillor Jane Example, chair of the fostering panel, said the report was welcome."


def _with(c: Candidate, **features: float) -> Candidate:
    return replace(c, features=c.features | features)


def test_a_person_named_beside_every_word_of_the_role_asked_about_answers_who(analyse):
    answerer = ExtractiveAnswerer(evidence=DOUBTFUL)
    query = analyse("who is the chair of the fostering panel?")
    low = _with(candidate(NAMED, "c", 0.1), coverage=1.0, terms=1.0, fits=1.0, standing=1.0, rank=0.2)
    assert answerer._confidence(query, [low]) >= DOUBTFUL.threshold
    # Not when the role is only partly named, the sentence names no one, or the document is not
    # the council's own; nor for a question asking what, not who.
    for other in (_with(low, coverage=0.5), _with(low, fits=0.0), _with(low, standing=0.5)):
        assert answerer._confidence(query, [other]) < DOUBTFUL.threshold
    assert answerer._confidence(analyse("what did the chair of the fostering panel say?"), [low]) < DOUBTFUL.threshold


def test_a_committee_agreeing_or_recommending_a_proposal_accepts_it():
    assert stance("The committee agreed to extend the exemption to care leavers aged up to 25.") == "accepted"
    assert stance("RESOLVED: That the panel recommends to Cabinet that the exemption be extended.") == "accepted"
    # A denial of agreement is read as neither, as a denial of acceptance is.
    assert stance("Members did not agree to the proposal.") is None


def test_a_service_brought_in_house_or_handed_to_another_body_is_read_as_such():
    assert transfer("The visitor scheme was brought back in-house in April after the charity closed.") == "in"
    assert transfer("Cabinet agreed to transfer children's services to an independent trust.") == "out"
    assert transfer("The council outsourced its short breaks service in 2019.") == "out"
    assert transfer("The in-house fostering team recruited twelve carers.") is None



def test_one_thing_named_is_counted_as_one():
    assert counts("The visit set one priority action for the service.") == [(1, "priority action")]


def test_any_one_thing_is_no_count():
    assert counts("No child waited longer than a week for any one review.") == []


def test_who_chairs_a_body_is_read_as_sentences_and_lists_say_it():
    assert chairs("The partnership board, chaired by Dr Ann Rowe, meets monthly.") == [("Dr Ann Rowe", "")]
    assert chairs("A retired judge, Sam Hart, chairs the review panel.") == [("A retired judge, Sam Hart", "the review panel")]
    assert chairs("Cllr Joan Pike: Chairman of the Task Group") == [("Cllr Joan Pike", "Task Group")]
    assert chairs("Insp Ray Cole, Youth Justice Board Chair, attended.") == [("Ray Cole", "Youth Justice Board")]
    assert chairs("Cllr Ann Lee, Vice Chair of the Panel, gave apologies.") == []
    assert chairs("The conference chairs said the new forms took longer.") == []


def test_a_service_set_up_in_house_is_read_as_brought_in_house():
    assert transfer("Plans to establish a new in-house youth work service were approved by cabinet.") == "in"


def test_a_short_form_is_read_from_the_initials_of_the_name_before_it():
    assert acronyms("A report from the Eastmere Kinship Carers Network (EKCN) was noted.") == {"EKCN": "Eastmere Kinship Carers Network"}
    assert acronyms("Children with Special Educational Needs and Disabilities (SEND) were seen.") == {
        "SEND": "Special Educational Needs and Disabilities"}
    assert acronyms("The Multi-Agency Review Group (MARG) met.") == {"MARG": "Multi-Agency Review Group"}
    assert acronyms("The plan (Appendix B) was agreed.") == {}
