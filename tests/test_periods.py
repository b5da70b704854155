"""A question about a period is answered only from documents that can speak of it.

The minutes below are invented for this test, in the shape of a ModernGov meeting's printed
minutes: a spring meeting that asks for a report at a summer meeting. They record the request,
not what the summer report said.
"""

from __future__ import annotations

import pytest

from conftest import engine_over
from ofsted_rag.engine import Engine

SPRING_MINUTES = """\
Barsetshire County Council
Minutes of the meeting of the Children's Services Scrutiny Panel held on 10 March 2021

5. Social work workforce
The Assistant Director presented an update on recruitment and retention of social workers in
the children in need and child protection teams. Members noted that the number of agency social
workers had fallen from 41 to 33 since the autumn.
RESOLVED: That the update be noted and that the full workforce strategy be reported to the Panel
at its meeting in June 2021.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory, embedder) -> Engine:
    return engine_over({"panel-minutes.txt": SPRING_MINUTES}, tmp_path_factory.mktemp("periods") / "minutes", embedder)


def test_minutes_written_before_a_month_do_not_say_what_happened_in_it(engine):
    answer = engine.ask("What did Barsetshire's workforce strategy report to the panel in June 2021 say?")
    assert answer.refused
    assert "June 2021" in answer.text


def test_minutes_written_before_a_month_answer_what_was_planned_for_it(engine):
    found = engine.gather("What was due to come to Barsetshire's panel in June 2021?")
    assert found.refusal is None
    assert any("June 2021" in h.passage.text for h in found.hits)


def test_a_question_about_the_meetings_own_month_is_answered(engine):
    answer = engine.ask("How many agency social workers did Barsetshire have in March 2021?")
    assert not answer.refused
    assert any("41 to 33" in c.passage.text for c in answer.citations)


def test_minutes_written_before_a_season_do_not_say_what_happened_in_it(engine):
    answer = engine.ask("What did Barsetshire's workforce strategy report say in the summer of 2021?")
    assert answer.refused


def test_a_question_about_a_year_is_answered_from_the_best_passages_of_that_year(tmp_path, embedder):
    """A 2015 report full of passages on the subject must not crowd out of the retrieved passages
    the one 2018 passage that answers: the year is checked before the best are kept."""
    old = ["Rutland County Council", "Report published: 3 March 2015", ""]
    old += [f"{n}. Rutland needed to improve personal education plans for children in care, inspectors "
            f"found in {topic}." for n, topic in enumerate(
                ["spring", "summer", "autumn", "winter", "the first audit", "the second audit", "the third audit",
                 "the fourth audit", "the fifth audit", "the sixth audit", "the seventh audit", "the eighth audit"], 1)]
    engine = engine_over({
        "rutland-inspection-2015.txt": "\n\n".join(old) + "\n",
        "rutland-news-2018-02-23.txt": "Inspectors praised social work in Rutland after a focused visit.\n\n"
                                       "Social workers knew their children well and visited them often.\n\n"
                                       "The letter said that education plans for looked-after pupils were still weak.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("What did Rutland need to improve about personal education plans in 2018?")
    assert any("education plans for looked-after pupils" in c.passage.text for c in answer.citations), answer.text


def test_an_undated_document_naming_no_year_may_answer_for_any_year(tmp_path, embedder):
    engine = engine_over({
        "rutland-panel-notes.txt": "Rutland County Council\n\nCorporate Parenting Panel\n\n"
                                   "(a) The Panel heard that nine foster carers had been approved since the last meeting.\n",
        "rutland-fostering-update.txt": "Rutland County Council\n\nFostering update\n\n"
                                        "(a) In 2016 the service approved four foster carers.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("How many foster carers did Rutland approve in 2019?")
    texts = {h.passage.text for h in found.hits}
    assert any("nine foster carers" in t for t in texts)  # no year anywhere: it may be 2019
    assert not any("four foster carers" in t for t in texts)  # it names 2016, not 2019


def test_an_undated_document_may_speak_of_the_year_after_the_latest_it_names(tmp_path, embedder):
    """A story published early one year reports on the last: "self-assessed as good in June 2015"
    in a page with no date of its own, about a report out the following February."""
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-care-leavers.txt":
            "Rutland's children's services were rated inadequate in a report released on Tuesday.\n\n"
            "The council had judged its own services good in June 2015.\n\n"
            "Inspectors found that ten care leavers had spent too long in bed and breakfast accommodation.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("Were any Rutland care leavers housed in bed and breakfast accommodation in 2016?")
    assert found.refusal is None
    assert any("bed and breakfast" in h.passage.text for h in found.hits)
    assert engine.gather("Were any Rutland care leavers housed in bed and breakfast accommodation in 2018?").refusal


def test_an_undated_story_filed_under_a_year_in_its_address_speaks_of_that_year(tmp_path, embedder):
    # Invented, in the shape of a council news page whose address files it under its year: the text
    # names only earlier years, one of them not an inspection's.
    engine = engine_over({
        "www.rutland.gov.uk__news_2019_ofsted-rates-childrens-services-good.txt":
            "Ofsted rates Rutland children's services as good\n\n"
            "Ofsted has rated Rutland County Council's children's services as good, two years after the previous "
            "inspection in 2017 found them inadequate.\n\n"
            "The council has been rebuilt since commissioners were sent in in 2015.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("How was Rutland graded for its children's services in 2019?")
    assert not answer.refused, answer.text
    assert "good" in answer.text
    assert "say nothing about 2021" in engine.ask("How was Rutland graded for its children's services in 2021?").text


def test_a_premise_about_a_year_is_weighed_against_the_judgements_given_for_that_year(tmp_path, embedder):
    """Minutes of 2023 recall the 2018 judgement and report the 2023 one in one passage: only the
    sentence of the year asked about says what was judged then."""
    engine = engine_over({
        "rutland-scrutiny-2023-06-20.txt":
            "Rutland County Council\n\nMinutes of the Children's Scrutiny Panel held on 20 June 2023\n\n"
            "4. Ofsted inspection outcome\n\n"
            "(a) The Cabinet Member reminded the Panel that children's services had been judged inadequate in "
            "January 2018. She said the overall judgement of good at this inspection was a tribute to the staff.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Rutland was rated inadequate in 2023: what were the reasons?")
    assert answer.refused
    assert "do not say it was judged inadequate" in answer.text


def test_a_fall_from_a_judgement_is_a_false_premise_when_the_council_kept_it(tmp_path, embedder):
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-outstanding-again.txt":
            "Rutland's children's services have been judged 'outstanding' by Ofsted for the second time in a row.\n\n"
            "Inspectors praised the stable workforce and the council's work with care leavers.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why was rutland downgraded from outstanding at its latest inspection?")
    assert answer.refused
    assert "do not say it was judged below outstanding" in answer.text
    assert engine.gather("what did inspectors praise in rutland?").refusal is None


def test_a_decline_taken_for_granted_is_a_false_premise_when_the_council_only_improved(tmp_path, embedder):
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-front-door-praised.txt":
            "Rutland's children's services front door has been praised by Ofsted after a focused visit.\n\n"
            "Inspectors said decisions at the front door had improved significantly since the last inspection.\n\n"
            "Managers now check every referral within a day.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why did the focused visit find rutland's front door had got worse?")
    assert answer.refused
    assert "do not say it got worse" in answer.text
    # Asking whether it got worse takes nothing for granted.
    assert engine.gather("did rutland's front door get worse?").refusal is None


def test_a_downgrade_taken_for_granted_is_a_false_premise_when_the_council_only_improved(tmp_path, embedder):
    # Invented, in the shape of a local news story on a council raised a grade; the question puts
    # the inspection it means in a clause after its ask ("after the March inspection").
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-outstanding.txt":
            "Rutland's children's services are now outstanding, Ofsted has said.\n\n"
            "Inspectors praised Rutland County Council for improvements made since the last review in 2021, "
            "when the service was graded good.\n\n"
            "The visit took place between 11 and 15 March.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Why was Rutland's children's services downgraded after Ofsted's March inspection?")
    assert answer.refused
    assert "do not say it got worse" in answer.text


def test_a_downgrade_taken_for_granted_is_a_false_premise_when_only_the_top_grade_is_stated(tmp_path, embedder):
    # Invented, in the shape of a local news story on a council keeping its top grade: no sentence
    # says anything improved, only which grade it was given.
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-record.txt":
            "Ofsted has given Rutland's children's services a third successive outstanding rating.\n\n"
            "Inspectors visited in November and praised the council's work with care leavers.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Why has Ofsted downgraded Rutland's services for children this winter?")
    assert answer.refused
    assert "do not say it was downgraded (the passages below state: outstanding)" in answer.text


def test_a_downgrade_taken_for_granted_stands_when_the_top_grade_was_lost(tmp_path, embedder):
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-grade-lost.txt":
            "Rutland's children's services have lost their outstanding rating from Ofsted.\n\n"
            "Inspectors visited in November and said leaders had not kept a close enough eye on caseloads.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Why has Ofsted downgraded Rutland's services for children this winter?")
    assert not answer.refused, answer.text


def test_an_upgrade_taken_for_granted_is_a_false_premise_when_the_grade_went_down(tmp_path, embedder):
    # Invented, in the shape of an opposition group's news page on a council's lowered grade.
    engine = engine_over({
        "www.anytown-watch.org.uk__news_rutland-grade.txt":
            "Rutland's children's services were downgraded to inadequate by Ofsted in the spring.\n\n"
            "Opposition councillors blamed a restructure that cut the number of team managers.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Why were Rutland's children's services upgraded by Ofsted?")
    assert answer.refused
    assert "do not say it was upgraded (the passages below say its grade went down)" in answer.text


def test_an_upgrade_taken_for_granted_stands_when_the_grade_went_up(tmp_path, embedder):
    engine = engine_over({
        "www.anytown-watch.org.uk__news_rutland-grade-up.txt":
            "Rutland's children's services have been upgraded by Ofsted after two years of work.\n\n"
            "Inspectors said managers now check every child's plan each month.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Why were Rutland's children's services upgraded by Ofsted?")
    assert not answer.refused, answer.text


def test_a_decline_taken_for_granted_stands_when_any_passage_says_something_declined(tmp_path, embedder):
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-front-door-mixed.txt":
            "Rutland's children's services front door has been reviewed by Ofsted after a focused visit.\n\n"
            "Inspectors said early help had improved significantly since the last inspection.\n\n"
            "They found that decisions at the front door had deteriorated as referrals rose.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why did the focused visit find rutland's front door had got worse?")
    assert not answer.refused, answer.text
    assert "deteriorated" in answer.text


def test_a_criticism_taken_for_granted_is_a_false_premise_when_the_council_is_only_praised(tmp_path, embedder):
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-adoption-praised.txt":
            "Rutland's adoption service has been praised by Ofsted.\n\n"
            "Inspectors said children were matched with adopters swiftly and their families were well supported.\n\n"
            "The cabinet member said she was proud of the team.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why was rutland's adoption service criticised by ofsted?")
    assert answer.refused
    assert "do not say it was criticised" in answer.text
    # Asking whether it was criticised, or what was, takes nothing for granted.
    assert engine.gather("was rutland's adoption service criticised by ofsted?").refusal is None
    assert engine.gather("what did ofsted criticise about rutland's adoption service?").refusal is None


def test_a_criticism_taken_for_granted_stands_when_any_passage_finds_fault(tmp_path, embedder):
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-adoption-mixed.txt":
            "Rutland's adoption service has been inspected by Ofsted.\n\n"
            "Inspectors said children were matched with adopters swiftly.\n\n"
            "They found that support for families after adoption was too slow to start.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why was rutland's adoption service criticised by ofsted?")
    assert not answer.refused, answer.text


def test_a_judgement_presumed_of_one_area_is_weighed_against_what_is_said_of_that_area(tmp_path, embedder):
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-ofsted-mixed.txt":
            "Rutland's children's services have been inspected by Ofsted.\n\n"
            "Inspectors judged child protection in Rutland to be good.\n\n"
            "Support for care leavers was judged inadequate.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why was rutland's child protection rated inadequate?")
    assert answer.refused
    assert "do not say it was judged inadequate" in answer.text
    # The area the judgement was given to answers for it.
    assert engine.gather("why were rutland's care leaver services rated inadequate?").refusal is None


def test_a_downgrade_of_the_services_is_weighed_against_their_overall_grade(tmp_path, embedder):
    # Invented, in the shape of a council news story giving the overall grade and one area's.
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-top-grade.txt":
            "Inspectors judged the overall effectiveness of Rutland's children's services to be outstanding.\n\n"
            "The experiences and progress of children who need help and protection were judged good.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("What made inspectors lower Rutland's grade from outstanding this year?")
    assert answer.refused
    assert "do not say it was judged below outstanding (the passages below state: outstanding)" in answer.text
    # Asking whether anything was rated good takes nothing for granted, after a heading too.
    assert engine.gather("Rutland inspection - was anything rated good?").refusal is None


def test_grades_listed_clause_by_clause_go_to_the_areas_their_clauses_name(tmp_path, embedder):
    engine = engine_over({
        "rutland-panel-2023-05-09.txt":
            "Rutland County Council\n\nMinutes of the Corporate Parenting Panel held on 9 May 2023\n\n"
            "3. Inspection outcome\n\n"
            "(a) The Panel noted the judgements: children in care were judged good; help and protection and care "
            "leavers were each judged requires improvement to be good.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Rutland's children in care were judged requires improvement in 2023: what were the reasons?")
    assert answer.refused
    assert "do not say it was judged requires improvement" in answer.text
    assert engine.gather("Rutland's care leavers were judged requires improvement in 2023: what were the reasons?").refusal is None


def test_a_grade_given_beside_another_in_one_clause_goes_to_the_area_it_names(tmp_path, embedder):
    # Invented, in the shape of minutes reporting the overall grade and the leaders' grade together.
    engine = engine_over({
        "rutland-scrutiny-2024-02-06.txt":
            "Rutland County Council\n\nMinutes of the Children's Scrutiny Committee held on 6 February 2024\n\n"
            "6. Inspection of children's services\n\n"
            "(b) The Director welcomed the result: a judgement of requires improvement to be good overall, with the "
            "impact of leaders judged good, which she put down to the stability of the management team.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Why did Rutland's leadership only get requires improvement in the 2024 inspection?")
    assert answer.refused
    assert "do not say it was judged requires improvement (the passages below state: good)" in answer.text
    # The overall grade is the one the other clause gives.
    assert engine.gather("Why were Rutland's services judged requires improvement overall in 2024?").refusal is None
    assert engine.gather("Why was Rutland's leadership judged good in 2024?").refusal is None


def test_one_unnamed_areas_grade_does_not_gainsay_the_services_grade(tmp_path, embedder):
    # Invented, in the shape of a local paper's story on a focused visit to a council rated good.
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-visit.txt":
            "date 2019-03-04 Rutland's services still good after visit\n\n"
            "Rutland's children's services remain rated good, but inspectors listed things to improve.\n\n"
            "The council said the visit rightly looked at the one area of its services which was found to require "
            "improvement.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Why did Rutland lose its good rating after the 2019 visit?")
    assert answer.refused and "do not say it was judged below good" in answer.text


def test_a_dated_story_speaks_of_the_year_it_calls_last_year(tmp_path, embedder):
    # Invented, in the shape of a saved news page with its date stamp.
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-ofsted-due.txt":
            "date 2024-03-12 Rutland awaits its Ofsted verdict\n\n"
            "Inspectors sent Rutland a critical letter last summer, saying plans for children were too vague.\n\n"
            "Opposition councillors then called for an independent review of children's services.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("What did Rutland's opposition councillors call for after the critical letter in 2023?")
    assert found.refusal is None
    assert engine.gather("What did Rutland's opposition councillors call for in 2021?").refusal is not None


def test_something_said_to_go_on_is_a_false_premise_when_the_pages_say_it_stopped(tmp_path, embedder):
    # Invented, in the shape of a council press release.
    stopped = ("Rutland's care leavers are now housed in supported lodgings run by the council.\n\n"
               "Opening two new lodgings houses allowed the council to end its use of bed and breakfast rooms for care leavers "
               "in 2023, and it no longer places any care leaver in a hostel.\n")
    engine = engine_over({"www.rutland.gov.uk__news_2024_care-leavers.txt": stopped}, tmp_path / "stopped", embedder)
    answer = engine.ask("Why is Rutland still housing care leavers in hostels?")
    assert answer.refused
    assert "do not say it still goes on" in answer.text
    assert engine.gather("Why did Rutland stop housing care leavers in hostels?").refusal is None
    # A page saying it goes on answers the same question.
    going_on = stopped.replace("and it no longer places any care leaver in a hostel", "but it still places a few care leavers "
                               "in a hostel")
    engine = engine_over({"www.rutland.gov.uk__news_2024_care-leavers.txt": going_on}, tmp_path / "going-on", embedder)


def test_the_year_a_thing_began_does_not_hide_that_it_ended(tmp_path, embedder):
    # Invented, in the shape of a trade-press story on an inspection.
    engine = engine_over({
        "www.carework-weekly.co.uk__news_rutland-2022.txt":
            "date 2022-07-14 Rutland out of intervention after good ILACS grade\n\n"
            "Inspectors visited Rutland's children's services in May 2022 and judged them good overall.\n\n"
            "The minister said the improvement notice served on the council in 2016 is to be withdrawn.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Why is the minister keeping Rutland under its improvement notice after the 2022 inspection?")
    assert answer.refused and "do not say it still goes on" in answer.text
    assert engine.gather("Why is Rutland still housing care leavers in hostels?").refusal is None


def test_an_undated_passage_is_of_the_years_it_speaks_of_not_an_earlier_inspections(tmp_path, embedder):
    # Invented, in the shape of an undated meeting summary looking back to the last inspection.
    engine = engine_over({
        "meetings-summary-rutland.txt":
            "Rutland County Council meeting summary\n\n"
            "The council considered the recent Ofsted inspection of Rutland's children's services, which achieved "
            "an overall rating of outstanding. Leaders had acted on every finding since the last inspection in "
            "March 2021.\n\n"
            "Holding on to the grade would lower the risk of a later 'inadequate' or 'requires improvement' "
            "judgement, the report said.\n",
    }, tmp_path / "pages", embedder)
    assert engine.gather("Why was Rutland rated outstanding overall in 2025?").refusal is None
    # The grade it would lower the risk of was never given.
    answer = engine.ask("Why was Rutland rated inadequate in 2025?")
    assert answer.refused and "do not say it was judged inadequate (the passages below state: outstanding)" in answer.text


def test_a_rise_taken_for_granted_is_a_false_premise_when_the_number_fell(tmp_path, embedder):
    engine = engine_over({
        "rutland-panel-2022-11-15.txt":
            "Rutland County Council\n\nMinutes of the Corporate Parenting Panel held on 15 November 2022\n\n"
            "4. Children in care\n\n"
            "(a) The number of children Rutland looked after was 180 in November, down from 210 a year before.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why has the number of rutland's looked after children risen so sharply?")
    assert answer.refused
    assert "do not say it went up (the passages below say it went down)" in answer.text
    assert engine.gather("why has the number of rutland's looked after children fallen so sharply?").refusal is None
    assert engine.gather("has the number of rutland's looked after children risen?").refusal is None


def test_a_criticism_of_one_area_is_weighed_against_what_is_said_of_that_area(tmp_path, embedder):
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-mixed-verdict.txt":
            "Care leavers in Rutland receive a good service from a stable team of personal advisers.\n\n"
            "Services for children in Rutland have declined since the last inspection.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("what went wrong with support for rutland's care leavers?")
    assert answer.refused
    assert "do not say it was criticised" in answer.text


def test_a_thing_said_to_be_flagged_as_a_weakness_is_weighed_against_what_is_said_of_it(tmp_path, embedder):
    # Invented, in the shape of a council's news story on an inspection report.
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-exploitation-team.txt":
            "Ofsted has published its report on Rutland's children's services.\n\n"
            "Inspectors said the team working with children at risk of exploitation acts quickly and knows every child well.\n\n"
            "They found that some assessments of disabled children were out of date.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Why did Ofsted flag Rutland's exploitation team as a weakness?")
    assert answer.refused
    assert "do not say it was criticised" in answer.text
    # A fault the pages do find is answered.
    assert engine.gather("Why did Ofsted flag Rutland's assessments of disabled children as a weakness?").refusal is None


def test_a_fault_taken_for_granted_is_weighed_against_what_is_said_of_the_thing_found_wanting(tmp_path, embedder):
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-joint-inspection.txt":
            "A joint inspection of Rutland's safeguarding partners has been published.\n\n"
            "Inspectors said review meetings were timely and well attended by every agency.\n\n"
            "They found that some plans for older children lacked detail.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why did inspectors say rutland's review meetings were poorly run?")
    assert answer.refused
    assert "do not say it was criticised" in answer.text
    # A fault the pages do find is answered.
    assert engine.gather("why did inspectors say rutland's plans for older children were weak?").refusal is None


def test_a_share_of_councils_given_a_judgement_is_not_the_named_councils_judgement(tmp_path, embedder):
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-rated-good.txt":
            "Rutland's children's services have been rated good by Ofsted.\n\n"
            "Across England, 60 per cent of councils inspected so far have been judged inadequate or requires improvement.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why was rutland rated inadequate at its latest inspection?")
    assert answer.refused
    assert "do not say it was judged inadequate" in answer.text


def test_a_dated_story_naming_a_month_without_its_year_speaks_of_that_month(tmp_path, embedder):
    engine = engine_over({
        "www.anytown-telegraph.co.uk__2025_09_04_rutland-childrens-services-report.txt":
            "A new Ofsted report praises Rutland's children's services.\n\n"
            "The report, published after an inspection across three weeks in July, gives an overall good judgement.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("How was Rutland graded following the July 2025 inspection?")
    assert found.refusal is None
    assert any("overall good judgement" in h.passage.text for h in found.hits)


def test_an_undated_story_naming_a_year_only_as_the_last_inspections_speaks_of_a_later_time(tmp_path, embedder):
    # Invented, in the shape of a local news story on a new inspection report, with no date of its own.
    engine = engine_over({
        "www.barsetshire-echo.co.uk__news_childrens-services-outstanding.txt":
            "Barsetshire children's services rated outstanding\n\n"
            "Barsetshire County Council's services for children have been rated outstanding by Ofsted.\n\n"
            "Since the last inspection in 2018, leaders have strengthened practice across every team.\n\n"
            "Inspectors said care leavers are helped to find settled homes and stay in touch with advisers.\n",
    }, tmp_path / "pages", embedder)
    # The 2018 inspection is only the point the story counts from: what it said is not here.
    earlier = engine.ask("what did barsetshire's 2018 inspection say about care leavers?")
    assert earlier.refused, earlier.text
    later = engine.ask("what did barsetshire's 2024 inspection say about care leavers?")
    assert not later.refused and "settled homes" in later.text


def test_an_undated_story_naming_a_year_only_where_a_span_began_speaks_of_a_later_time(tmp_path, embedder):
    # Invented, in the shape of an undated local news story: "since 2020" only says when
    # something started, so the story was written later.
    engine = engine_over({
        "www.barsetshire-echo.co.uk__news_improvement-too-slow.txt":
            "Barsetshire children's services still require improvement\n\n"
            "An improvement board has overseen Barsetshire's children's services since 2020.\n\n"
            "The lead inspector said that plans for children leaving care were still too often out of date.\n",
    }, tmp_path / "pages", embedder)
    later = engine.ask("what did the lead inspector say about barsetshire's care leavers in 2023?")
    assert not later.refused and "out of date" in later.text
    assert engine.gather("what did the lead inspector say about barsetshire's care leavers in 2019?").refusal


def test_an_undated_story_of_an_inspection_in_a_month_without_its_year_speaks_of_that_month_later(tmp_path, embedder):
    # Invented, in the shape of an undated local news story giving the month of an inspection but
    # not its year, and the year of the one before ("the last inspection held in 2019").
    engine = engine_over({
        "www.barsetshire-echo.co.uk__news_childrens-services-good.txt":
            "Ofsted has rated Barsetshire's children's services good after an inspection in March.\n\n"
            "Services were also judged good during the last inspection held in 2019.\n\n"
            "Inspectors found that children in care live in stable homes close to their schools.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("how did ofsted rate barsetshire's children's services in march 2024?")
    assert not answer.refused and "rated Barsetshire's children's services good" in answer.text
    assert engine.gather("how did ofsted rate barsetshire's children's services in march 2018?").refusal


def test_a_story_written_soon_after_a_month_it_names_speaks_of_that_month_throughout(tmp_path, embedder):
    # Invented, in the shape of a council's dated press release on an inspection two months before.
    story = ("Barsetshire children's services inspection outcome\n\n"
             "Published: {published}\n\n"
             "Ofsted inspected Barsetshire County Council's children's services in November 2023.\n\n"
             "Inspectors found that social workers visit children regularly and know them well.\n\n"
             "The report said that the quality of assessments varies too much between teams.\n")
    soon = engine_over({"www.barsetshire.gov.uk__news_ofsted-outcome.txt": story.format(published="15 January 2024")},
                       tmp_path / "soon", embedder)
    answer = soon.ask("what did the november 2023 inspection of barsetshire say about assessments?")
    assert not answer.refused and "quality of assessments" in answer.text
    # Written years later, the same words name that inspection in passing: its other sentences
    # are of their own time.
    later = engine_over({"www.barsetshire.gov.uk__news_ofsted-outcome.txt": story.format(published="15 January 2027")},
                        tmp_path / "later", embedder)
    found = later.gather("what did the november 2023 inspection of barsetshire say about assessments?")
    assert not any("quality of assessments" in h.passage.text for h in found.hits)


def test_an_annual_assessments_scale_is_no_judgement_and_its_grades_can_be_presumed(tmp_path, embedder):
    # Invented, in the shape of a council press release on an annual performance assessment.
    engine = engine_over({
        "www.barsetshire.gov.uk__news_2011_annual-assessment.txt":
            "Barsetshire's children's services performing well, says Ofsted\n\n"
            "Published: 10 November 2011\n\n"
            "Ofsted's annual assessment rates councils as performing poorly, adequately, well or excellently. "
            "Barsetshire is judged to be performing well.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why did ofsted rate barsetshire as performing poorly in its 2011 annual assessment?")
    assert answer.refused
    assert "performing poorly" in answer.text and "performing well" in answer.text


def test_a_year_naming_a_law_does_not_date_an_undated_page(tmp_path, embedder):
    # Invented, in the shape of an undated local news story on a joint SEND inspection.
    engine = engine_over({
        "www.barsetshire-echo.co.uk__news_send-inspection-concerns.txt":
            "Inspectors raise concerns about SEND services in Barsetshire\n\n"
            "National reforms which came into force in 2014 gave councils a duty to join up education, health "
            "and care for children with special educational needs.\n\n"
            "Inspectors found significant weaknesses in how Barsetshire's partners jointly commission services.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("what weaknesses did the 2018 SEND inspection find in barsetshire?")
    assert not answer.refused, answer.text
    assert "jointly commission" in answer.text


def test_an_annual_assessments_grade_said_of_the_council_answers_a_presumed_grade(tmp_path, embedder):
    # Invented, in the shape of a councillor's blog quoting an annual assessment letter.
    engine = engine_over({
        "barsetshire-councillor.blogspot.com__2011_11_childrens-services.txt":
            "Children's services in Barsetshire performing well\n\n"
            "Posted 9 November 2011\n\n"
            "Ofsted has published its annual assessment of children's services. The inspectors concluded that "
            "Barsetshire County Council performs well and has built on last year's improvements.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why did ofsted say barsetshire's children's services were performing poorly in 2011?")
    assert answer.refused, answer.text
    assert "performing well" in answer.text


def test_things_asked_for_are_a_false_premise_when_the_passages_say_there_were_none(tmp_path, embedder):
    engine = engine_over({
        "rutland-scrutiny-2022-02-08.txt":
            "Rutland County Council\n\nMinutes of the Children's Scrutiny Panel held on 8 February 2022\n\n"
            "6. Ofsted focused visit\n\n"
            "(a) The Director said the focused visit in November 2021 had found no areas for priority action, "
            "but had asked for better recording of management decisions.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("what priority actions did rutland get from its focused visit?")
    assert answer.refused
    assert "they say there were no priority actions" in answer.text
    # Whether there were any takes nothing for granted.
    assert engine.gather("did rutland's focused visit set any priority actions?").refusal is None


def test_a_finding_asked_why_is_a_false_premise_when_the_passages_say_none_was_found(tmp_path, embedder):
    engine = engine_over({
        "rutland-news-2016-03-02.txt":
            "Rutland's children's services told to improve\n\n"
            "Rutland County Council's children's services were judged to require improvement this week.\n\n"
            "The report said no children were found to be unsafe during the inspection.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why did ofsted find children unsafe in rutland?")
    assert answer.refused
    assert "nothing of the kind was found" in answer.text
    # Asked what was found, nothing is taken for granted.
    assert engine.gather("what did ofsted find about unsafe children in rutland?").refusal is None


def test_things_asked_for_stand_when_any_passage_says_there_were_some(tmp_path, embedder):
    engine = engine_over({
        "rutland-scrutiny-2022-02-08.txt":
            "Rutland County Council\n\nMinutes of the Children's Scrutiny Panel held on 8 February 2022\n\n"
            "6. Ofsted focused visit\n\n"
            "(a) The Director said the earlier visit had found no areas for priority action.\n\n"
            "(b) Members noted the two priority actions set in November 2021: the timeliness of strategy "
            "meetings and the oversight of plans for children in need.\n",
    }, tmp_path / "pages", embedder)
    assert engine.gather("what priority actions did rutland get from its focused visit?").refusal is None


def test_a_decline_taken_for_granted_is_weighed_by_what_is_said_of_the_thing_asked_about(tmp_path, embedder):
    """Only the sentences naming the front door say how it changed: a fall elsewhere in the letter
    does not bear out a decline of the front door."""
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-front-door-letter.txt":
            "Rutland's children's services have been visited by Ofsted.\n\n"
            "Inspectors said the front door had improved significantly since the last inspection.\n\n"
            "They added that supervision records are less consistent than a year ago.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why did the focused visit find rutland's front door had got worse?")
    assert answer.refused
    assert "do not say it got worse" in answer.text


def test_an_undated_storys_month_without_its_year_is_of_a_year_the_story_names(tmp_path, embedder):
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-return-visit.txt":
            "Rutland's children's services have been praised after a second focused visit.\n\n"
            "The first visit, on 3 and 4 April 2019, found weak management oversight.\n\n"
            "In September, inspectors returned and found that every case had been reviewed.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("what did inspectors find when they returned to rutland in September 2019?")
    assert not answer.refused, answer.text
    assert "every case had been reviewed" in answer.text


def test_grades_asked_for_stand_when_a_passage_gives_them_by_name(tmp_path, embedder):
    """A story saying a later focused visit gives no grades still reports the grades of the
    inspection asked about, by their names."""
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-inspection-grades.txt":
            "Rutland's children's services have been judged inadequate by Ofsted.\n\n"
            "Help and protection for children was judged inadequate and care leavers' services requires improvement.\n\n"
            "A focused visit, which gives no grades, will follow next spring.\n",
    }, tmp_path / "pages", embedder)
    assert engine.gather("what grades did rutland get at its inspection?").refusal is None


def test_an_undated_story_looking_ahead_to_a_year_speaks_of_it_and_the_year_before(tmp_path, embedder):
    # Invented, in the shape of an undated trade-press story on a pilot inspection: it names an
    # earlier inspection's year and the year of a change still to come, never its own.
    engine = engine_over({
        "www.careworld.co.uk__news_barsetshire-good-in-pilot-inspection.txt":
            "Barsetshire rated good in pilot of new inspections\n\n"
            "Barsetshire County Council has kept its good rating after a pilot inspection under the new framework.\n\n"
            "The council is one of several used to try out the new framework ahead of its launch in April 2019.\n\n"
            "When Ofsted last looked at the council's services in 2015 it also rated them good.\n\n"
            "Inspectors praised the stability of the social work teams.\n",
    }, tmp_path / "pages", embedder)
    # Written before April 2019, after 2015: the pilot may be of 2018 (or 2019) ...
    found = engine.gather("What did Ofsted find about Barsetshire's social work teams in its 2018 pilot inspection?")
    assert found.refusal is None
    assert any("stability of the social work teams" in h.passage.text for h in found.hits)
    # ... but nothing says it speaks of 2016 or of 2021.
    assert engine.gather("What did Ofsted find about Barsetshire's social work teams in 2016?").refusal
    assert engine.gather("What did Ofsted find about Barsetshire's social work teams in 2021?").refusal


def test_undated_minutes_naming_a_month_only_as_still_to_come_do_not_say_what_happened_then(tmp_path, embedder):
    # Invented, in the shape of a ModernGov decision page with no date: it asks for a report to come
    # to a later meeting, which is not held.
    engine = engine_over({
        "democracy.rutland.gov.uk__ieDecisionDetails.aspx_Id=901.txt":
            "Response to the Ofsted focused visit\n\n"
            "Decision:\n\n"
            "1) Approved the action plan, which addresses the two areas for improvement found by inspectors.\n\n"
            "2) Requested that progress against the action plan be reported to the Scrutiny Board in October 2022.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Rutland scrutiny board October 2022: how far has the action plan got?")
    assert answer.refused
    assert "they say nothing about October 2022" in answer.text
    # What was planned for that month is theirs to say.
    assert engine.gather("What was due to be reported to Rutland's scrutiny board in October 2022?").refusal is None


def test_a_month_named_as_still_to_come_is_told_from_one_that_came():
    from ofsted_rag.query import months_besides_ahead
    assert months_besides_ahead("Progress is to be reported to the board in October 2022.") == ()
    assert months_besides_ahead("The annual conversation was scheduled for March 2019.") == ()
    assert months_besides_ahead("The board met in October 2022 and heard the report.") == ((2022, 10),)


def test_a_year_looked_ahead_to_is_not_ahead_when_the_story_names_a_later_year():
    from ofsted_rag.query import years_ahead

    assert years_ahead(["ahead of its formal introduction in January 2018"]) == {2018}
    assert years_ahead(["The report will go to Cabinet in 2024."]) == {2024}
    assert years_ahead(["The panel is due to meet by March 2023."]) == {2023}
    assert years_ahead(["Inspectors came in 2019 and rated it good."]) == set()


def test_an_area_send_outcome_presumed_is_a_false_premise_when_another_outcome_was_found(tmp_path, embedder):
    # Invented, in the shape of a council news story on a joint Ofsted and CQC inspection of its
    # area's SEND arrangements, which also recalls the council's children's services grade.
    engine = engine_over({
        "www.rutland.gov.uk__news_send-area-inspection-outcome.txt":
            "Joint inspection of SEND arrangements in Rutland\n\n"
            "Ofsted and the Care Quality Commission visited the area in the spring. Their letter says the local "
            "area partnership's arrangements lead to inconsistent experiences and outcomes for children and young "
            "people with special educational needs and disabilities.\n\n"
            "Children's services in Rutland were judged inadequate at their last inspection.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why did inspectors find widespread and systemic failings in rutland's SEND services?")
    assert answer.refused
    assert "do not say it was found to have widespread and/or systemic failings" in answer.text
    assert "inconsistent experiences and outcomes" in answer.text
    # The outcome the letter gives bears the question out; the council's own grade, on another
    # scale, neither bears out nor gainsays a SEND outcome.
    assert engine.gather("why did rutland's SEND inspection find inconsistent experiences and outcomes?").refusal is None
    assert engine.gather("why was rutland rated inadequate?").refusal is None


def test_a_count_stated_is_a_false_premise_when_the_pages_count_otherwise(tmp_path, embedder):
    # Invented, in the shape of a local news story on a council's short-break unit.
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_rutland-short-break-unit-inspected.txt":
            "Rutland's short-break unit keeps its good rating\n\n"
            "The unit, run by Rutland County Council, has six beds for children staying overnight.\n\n"
            "Inspectors praised the warmth of the staff and the activities on offer.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why does rutland's short-break unit have ten beds for overnight stays?")
    assert answer.refused
    assert "they count 6 beds, not 10" in answer.text
    # The count the story gives bears the question out; a bound takes none for granted.
    assert engine.gather("why does rutland's short-break unit have six beds for overnight stays?").refusal is None
    assert engine.gather("why does rutland's short-break unit have more than ten beds for overnight stays?").refusal is None


def test_a_frequency_taken_for_granted_is_a_false_premise_when_the_pages_give_another(tmp_path, embedder):
    # Invented, in the shape of a council news story on its fostering service.
    engine = engine_over({
        "www.rutland.gov.uk__news_fostering-panel-changes.txt":
            "Changes to how foster carers are approved\n\n"
            "Rutland County Council's fostering panel now sits monthly, so that new foster carers are approved "
            "sooner.\n\n"
            "The council wants to recruit ten more foster families this year.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why does rutland's fostering panel only sit every two months?")
    assert answer.refused
    assert "they say it happens monthly, not every two months" in answer.text
    # The frequency the story gives bears the question out; asking how often takes none for granted.
    assert engine.gather("why does rutland's fostering panel sit monthly?").refusal is None
    assert engine.gather("how often does rutland's fostering panel sit?").refusal is None


def test_a_post_taken_for_granted_is_a_false_premise_when_the_pages_name_another_holder(tmp_path, embedder):
    # Invented, in the shape of a council's meeting page: the chair announces who holds which post.
    engine = engine_over({
        "rutland.moderngov.co.uk__ieListDocuments.aspx_CId=12_MId=345.txt":
            "Children and Young People Scrutiny Panel\n\nTuesday, 7th June, 2022 7.00 pm\n\n"
            "Items\nNo. Item\n\n"
            "12.\n\nAnnouncements\n\nMinutes:\n\n"
            "The Chair said that Cllr Webb would step back from fostering and adoption, with Cllr Kemp taking on the "
            "role of Cabinet Member for Children and Families.\n\n"
            "13.\n\nFostering update\n\nMinutes:\n\n"
            "Cllr Kemp, Cabinet Member for Children and Families, said that 14 new foster carers had been approved.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Why did Cllr Webb take over as Rutland's Cabinet Member for Children and Families?")
    assert answer.refused
    assert "they name Kemp as Cabinet Member for Children and Families, not Webb" in answer.text
    # The holder the pages name bears the question out.
    assert engine.gather("What did Cllr Kemp, Rutland's Cabinet Member for Children and Families, say about foster carers?").refusal is None


def test_a_question_about_a_person_no_page_names_is_refused(tmp_path, embedder):
    # Invented, in the shape of a council press release quoting its cabinet member; another
    # council's story quotes someone else.
    engine = engine_over({
        "www.rutland.gov.uk__news_fostering-service-praised.txt":
            "Fostering service praised by inspectors\n\n"
            "Ofsted has rated Rutland County Council's fostering service good.\n\n"
            "Cllr Ann Fenwick, cabinet member for children, said: \"Our foster carers make this possible.\"\n",
        "www.leicestershire.gov.uk__news_adoption-visit.txt":
            "Adoption service visit\n\n"
            "Leicestershire County Council's adoption service was visited by Ofsted in March.\n\n"
            "Cllr Ray Hunt, lead member for children, said the council would act on every recommendation.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Why did Cllr Ray Hunt praise Rutland's fostering service?")
    assert answer.refused
    assert "they do not name Cllr Ray Hunt" in answer.text
    # Someone the council's pages do name is answered for.
    assert engine.gather("What did Cllr Fenwick say about Rutland's fostering service?").refusal is None


def test_a_decision_taken_for_granted_is_a_false_premise_when_the_pages_say_the_opposite(tmp_path, embedder):
    # Invented, in the shape of a council press release answering an inspection report.
    engine = engine_over({
        "www.rutland.gov.uk__news_council-responds-to-fostering-inspection.txt":
            "Council responds to fostering inspection\n\n"
            "Ofsted has published its report on Rutland's fostering service.\n\n"
            "The portfolio holder, Cllr Ann Fenwick, said: \"We accept the inspectors' recommendations in full and "
            "have already begun work on them.\"\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why did cllr fenwick reject the inspectors' recommendations for rutland's fostering service?")
    assert answer.refused
    assert "do not say it was rejected" in answer.text
    # Asking why they were accepted, or whether they were rejected, takes nothing false for granted.
    assert engine.gather("why did cllr fenwick accept the inspectors' recommendations for rutland's fostering service?").refusal is None
    assert engine.gather("did cllr fenwick reject the inspectors' recommendations for rutland?").refusal is None


def test_a_service_taken_for_granted_as_outsourced_is_a_false_premise_when_the_pages_say_it_came_in_house(tmp_path, embedder):
    # Invented, in the shape of a scrutiny panel's minutes on a service the council took back.
    engine = engine_over({
        "democracy.rutland.gov.uk__mgAi.aspx_ID=7001.txt":
            "Children and Young People Scrutiny Panel\n\n"
            "12. Independent visitor scheme\n\n"
            "The panel heard that the independent visitor scheme had been brought back in-house in April 2022, "
            "after the charity that ran it closed.\n\n"
            "Members asked how many children had been matched with a visitor since then.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Why did Rutland outsource its independent visitor scheme?")
    assert answer.refused
    assert "do not say it was handed to another body to run (the passages below say it was brought in-house)" in answer.text
    # Asking why it came back in-house takes nothing false for granted.
    assert engine.gather("Why did Rutland bring its independent visitor scheme back in-house?").refusal is None



def test_a_chair_taken_for_granted_is_a_false_premise_when_the_pages_name_another(tmp_path, embedder):
    # Invented, in the shape of a council news page on its improvement board.
    engine = engine_over({
        "www.eastmere.gov.uk__news_improvement-board.txt":
            "Eastmere's children's services improvement board, chaired by an independent adviser, Dr Sam Hart, "
            "meets every six weeks.\n\nThe board checks progress against the improvement plan.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Why does the lead member chair Eastmere's improvement board?")
    assert answer.refused
    assert "do not say the lead member chairs it (the passages below name an independent adviser, Dr Sam Hart)" in answer.text
    assert not engine.ask("Why does an independent adviser chair Eastmere's improvement board?").refused
    assert not engine.ask("What does Dr Hart do as chair of Eastmere's improvement board?").refused


def test_a_chair_named_in_an_attendance_list_gainsays_another_said_to_chair(tmp_path, embedder):
    # Invented, in the shape of a select committee's minutes page listing a task group's members.
    engine = engine_over({
        "democracy.eastmere.gov.uk__mgAi.aspx_ID=4410.txt":
            "Eastmere Council\n\nSelect Committee, 3 March 2022\n\n"
            "Cllr Joan Pike: Chairman of the Placements Task Group\n\n"
            "The Placements Task Group had met twice and would report to the Committee in June 2022. "
            "It had heard from Tom Bell, the head of the fostering service.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("What did Tom Bell report as chair of Eastmere's placements task group?")
    assert answer.refused
    assert "do not say Tom Bell chairs it" in answer.text
    assert not engine.ask("What did Cllr Pike say as chair of Eastmere's placements task group?").refused


def test_a_grade_denied_is_not_the_grade_stated(tmp_path, embedder):
    # Invented, in the shape of a scrutiny panel's minutes on an inspection.
    engine = engine_over({
        "www.eastmere.gov.uk__minutes_panel-2021.txt":
            "Eastmere Council - Children's Scrutiny Panel\n\nMinutes of the meeting held on 14 October 2021\n\n"
            "The overall judgement was that children's services require improvement to be good.\n\n"
            "There were no areas that were judged to be inadequate.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Why were Eastmere's children's services judged inadequate?")
    assert answer.refused
    assert "do not say it was judged inadequate" in answer.text


def test_a_sentence_naming_no_year_is_of_the_period_its_passage_reports_on(tmp_path, embedder):
    # Invented, in the shape of a corporate parenting panel's January minutes on the quarter to December.
    engine = engine_over({
        "democracy.eastmere.gov.uk__ieListDocuments.aspx_MId=5120.txt":
            "Eastmere Council - Corporate Parenting Panel\n\nMinutes of the meeting held on 21 January 2020\n\n"
            "12.1 At the end of December 2019 there were 410 children in care, two fewer than in September.\n\n"
            "12.2 The Panel heard that the number of care leavers in education had risen from 40 to 52 over the quarter, "
            "after two new apprenticeships opened.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("What caused the fall in care leavers in education in Eastmere in the last quarter of 2019?")
    assert answer.refused
    assert "do not say it went down (the passages below say it went up)" in answer.text


def test_a_sentence_using_a_short_form_its_item_defines_answers_for_the_name(tmp_path, embedder):
    # Invented, in the shape of a corporate parenting panel's minutes with a charity's report.
    engine = engine_over({
        "democracy.eastmere.gov.uk__ieListDocuments.aspx_MId=6120.txt":
            "Eastmere Council - Corporate Parenting Panel\n\nMinutes of the meeting held on 9 May 2023\n\n"
            "14. CARERS' CHARITY\n\n"
            "14.1 The Panel considered a report by the Eastmere Foster Carers Association (EFCA) on its work over the year.\n\n"
            "14.2 Welcome packs: EFCA have handed out 120 welcome packs to children arriving at a new home.\n\n"
            "14.3 The Panel thanked the volunteers.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("How many welcome packs has the Eastmere Foster Carers Association given out?")
    assert not answer.refused
    assert "120 welcome packs" in answer.text


def test_a_grade_denied_answers_whether_it_was_given(tmp_path, embedder):
    engine = engine_over({
        "www.eastmere.gov.uk__minutes_panel-2021-b.txt":
            "Eastmere Council - Children's Scrutiny Panel\n\nMinutes of the meeting held on 14 October 2021\n\n"
            "The overall judgement was that children's services require improvement to be good.\n\n"
            "There were no areas that were judged to be inadequate.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("Was any part of Eastmere's children's services judged inadequate at the last inspection?")
    assert not answer.refused
    assert "no areas that were judged to be inadequate" in answer.text


def test_a_count_of_things_named_only_by_their_count_is_a_false_premise_when_the_pages_count_otherwise(tmp_path, embedder):
    # Invented, in the shape of a council news story on its plans for family hubs.
    engine = engine_over({
        "www.rutland.gov.uk__news_family-hubs-plan.txt":
            "New way of supporting families agreed\n\n"
            "Rutland County Council will turn three of its children's centres into five designated family hubs, "
            "with one family hub in each area of the county.\n\n"
            "The hubs will offer health visiting, parenting groups and advice on money.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("where will rutland's seven new family hubs be?")
    assert answer.refused
    # "One family hub in each area" is so many of each, not a total.
    assert "they count 5 new family hubs, not 7" in answer.text
    assert engine.gather("where will rutland's five new family hubs be?").refusal is None


def test_a_share_named_only_by_its_figure_is_what_a_question_says_went_up(tmp_path, embedder):
    # Invented, in the shape of a corporate parenting panel's minutes.
    engine = engine_over({
        "rutland.moderngov.co.uk__mgAi.aspx_ID=4321.txt":
            "Corporate Parenting Panel\n\n"
            "4. Children missing from care\n\n"
            "The Service Manager reported that 9% of children looked after had been reported missing in the year, "
            "down from 14% the year before, which was below the national average.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("why has the proportion of rutland's looked after children going missing gone up to 9%?")
    assert answer.refused
    assert "do not say it went up (the passages below say it went down)" in answer.text
    assert engine.gather("why has the proportion of rutland's looked after children going missing gone down to 9%?").refusal is None


def test_a_post_taken_for_granted_is_a_false_premise_when_the_pages_know_the_person_by_another(tmp_path, embedder):
    # Invented, in the shape of a council's press release on an inspection.
    page = ("Inspectors praise children's services\n\n"
            "Rutland County Council's children's services have been rated good by Ofsted.\n\n"
            "The Cabinet Member for Children's Services, Cllr Ann Hale, said the result reflected the hard work of "
            "staff and partners.\n")
    engine = engine_over({"www.rutland.gov.uk__news_inspection-result.txt": page}, tmp_path / "pages", embedder)
    answer = engine.ask("What did Cllr Ann Hale, leader of Rutland council, say about the Ofsted result?")
    assert answer.refused
    assert "they name Hale as Cabinet Member for Children's Services, not leader" in answer.text
    assert engine.gather("What did Cllr Ann Hale, Cabinet Member for Children's Services, say about the Ofsted "
                         "result?").refusal is None
    # A page giving her the post too ("also the council's leader") bears the question out.
    both = engine_over({"www.rutland.gov.uk__news_inspection-result.txt": page.replace(
        "said the result", "who is also the council's leader, said the result")}, tmp_path / "both", embedder)
    assert both.gather("What did Cllr Ann Hale, leader of Rutland council, say about the Ofsted result?").refusal is None
