"""Question analysis, as a specification: what a question is read for (query.py), and which
sentences offer the kind of answer it asks for (answer.fits). The wording here is invented."""

import datetime as dt

import pytest

from ofsted_rag.answer import fits
from ofsted_rag.query import (QueryAnalyser, as_why, judgements_in, judgements_reached, months_in, months_of_dated, passage_words, years_named,
                              years_of_dated)
from ofsted_rag.retrieve import Vocabulary


@pytest.fixture(scope="module")
def analyse():
    return QueryAnalyser(Vocabulary.load()).analyse


def test_the_councils_a_question_names_are_read_from_the_gazetteer(analyse):
    assert [a.name for a in analyse("what did barnsley and york agree?").councils] == ["Barnsley", "York"]


def test_a_question_naming_no_council_has_none(analyse):
    assert analyse("what did inspectors say about the front door?").councils == ()


def test_years_named_in_a_question_are_kept_in_order(analyse):
    assert analyse("what changed in 2022 compared with 2019?").years == (2022, 2019)


def test_council_names_and_question_words_are_not_topic_words(analyse):
    topic = analyse("what did ofsted tell barnsley about fostering?").topic.describe()
    assert "foster" in topic and "barnsley" not in topic and "ofsted" not in topic


def test_a_council_named_by_an_abbreviation_is_searched_for_by_its_place_name(analyse):
    assert analyse("how long were inspectors in soton for?").search_text == "how long were inspectors in Southampton for?"
    assert analyse("what did WSCC's 2024 inspection find?").search_text == "what did West Sussex's 2024 inspection find?"
    assert analyse("what did West Sussex County Council's inspection find?").search_text == \
        "what did West Sussex County Council's inspection find?"


def test_a_street_named_after_a_place_names_no_council(analyse):
    assert analyse("did the panel chase up the repairs at the children's home on Rutland Road?").councils == ()
    assert [a.name for a in analyse("did Rutland's panel chase up the repairs?").councils] == ["Rutland"]


def test_a_short_form_that_is_also_an_ordinary_word_names_its_council_only_with_a_capital(analyse):
    assert [a.name for a in analyse("what did the 2021 visit to Bucks children's services find?").councils] == ["Buckinghamshire"]
    assert analyse("which service bucks the trend on agency staff?").councils == ()


def test_a_council_named_by_a_short_form_leaves_none_of_its_words_in_the_topic(analyse):
    # "Lincs" alone is another council's short form: the longer name is read whole.
    topic = analyse("how was adoption judged in north east lincs?").topic.describe()
    assert "adopt" in topic and not {"north", "east", "linc"} & set(topic.split("; "))


def test_the_particle_of_a_phrasal_verb_is_not_a_topic_word(analyse):
    topic = analyse("which managers did inspectors pick out for criticism?").topic.describe()
    assert "critic" in topic.split("; ") and "out" not in topic.split("; ")


def test_an_acronym_and_its_spelt_out_form_are_one_field_term(analyse):
    query = analyse("are CP plans reviewed on time?")
    assert query.topic.terms_covered(passage_words("Child protection plans are reviewed.")) == 1.0
    assert "child protection" in query.subject.lower()


def test_the_emergency_duty_team_is_one_field_term_with_its_initials(analyse):
    query = analyse("how is the council strengthening its EDT?")
    assert "emergency duty team" in query.expanded
    assert query.topic.terms_covered(passage_words("Two social workers will join the emergency duty team.")) == 1.0
    assert query.topic.terms_covered(passage_words("Two social workers will join the front door team.")) == 0.0


def test_initial_child_protection_conferences_are_one_field_term_with_their_initials(analyse):
    query = analyse("why have the borough's ICPCs got later?")
    assert "initial child protection conference" in query.expanded
    assert query.topic.terms_covered(passage_words("Initial child protection conferences were held within 15 days.")) == 1.0


def test_unaccompanied_asylum_seeking_children_are_one_field_term_with_their_initials(analyse):
    query = analyse("how many UASC does the borough look after?")
    assert "unaccompanied asylum-seeking children" in query.expanded
    assert query.topic.terms_covered(passage_words("The borough looks after 40 unaccompanied asylum-seeking children.")) == 1.0
    assert query.topic.terms_covered(passage_words("Children with three or more placements in a year: 8%.")) == 0.0


def test_weak_spots_search_for_areas_for_improvement_but_not_the_other_way():
    vocabulary = Vocabulary.load()
    assert "areas for improvement" in vocabulary.expand("what were the weak spots ofsted flagged?")
    assert "areas for improvement" in vocabulary.expand("what did inspectors say the council must improve?")
    assert "weak spots" not in vocabulary.expand("what were the areas for improvement?")


def test_when_asks_for_a_date(analyse):
    assert "date" in analyse("when did the panel last meet?").kinds


def test_and_when_at_the_end_asks_for_a_date(analyse):
    assert "date" in analyse("which councils had a monitoring visit and when?").kinds


def test_how_many_asks_for_a_count_and_so_a_number(analyse):
    assert {"count", "number"} <= analyse("how many children were on plans?").kinds


def test_how_much_with_spending_asks_for_money(analyse):
    assert "money" in analyse("how much did the service overspend?").kinds
    assert "money" in analyse("how much did the council put in after the inspection?").kinds
    assert "money" in analyse("how much was allocated to early help?").kinds
    assert "money" not in analyse("how much has the service improved?").kinds


def test_how_much_something_is_worth_asks_for_money(analyse):
    assert "money" in analyse("how much is the new mentoring contract worth?").kinds


def test_a_sum_named_as_what_did_something_is_not_a_sum_asked_for(analyse):
    assert "money" not in analyse("what has the county's extra spending on youth work bought so far?").kinds
    assert "money" in analyse("what did the county spend on agency staff last year?").kinds
    assert "money" in analyse("what did the independent review cost?").kinds


def test_a_grade_named_only_in_a_clause_saying_since_when_is_not_what_is_asked(analyse):
    assert "judgement" not in analyse("how has the county kept its foster carers since the inadequate judgement?").kinds
    assert "judgement" in analyse("what judgement did the county get?").kinds


def test_a_budget_a_question_is_about_is_its_topic_not_a_sum_it_asks_for(analyse):
    assert "money" not in analyse("what did the opposition say about the budget for social work?").kinds
    assert "money" in analyse("what is the budget for the new social work academy?").kinds


def test_who_is_the_head_of_an_organisation_noun_asks_for_a_body(analyse):
    assert "organisation" in analyse("who is the partner agency for the pilot?").kinds


def test_who_is_a_role_asks_for_a_person(analyse):
    query = analyse("who is the lead member for children?")
    assert "who" in query.kinds and "organisation" not in query.kinds


def test_which_before_a_noun_for_a_person_asks_for_a_person(analyse):
    for question in ("which inspector signed the letter?", "which Barsetshire cabinet member spoke?",
                     "which HMI led the visit?"):
        query = analyse(question)
        assert {"who", "person"} <= query.kinds, question
    assert "who" not in analyse("which areas did inspectors praise?").kinds
    assert "person" not in analyse("who is the partner agency for the pilot?").kinds


def test_which_before_a_short_form_holding_an_ampersand_and_a_person_asks_for_a_person(analyse):
    # "B&A": an invented council's initials, written as people write "H&F".
    assert {"who", "person"} <= analyse("Which B&A councillor announced the new offer?").kinds
    assert {"who", "organisation"} <= analyse("which B&A charity runs the advocacy service?").kinds


def test_a_question_about_a_work_programme_asks_about_procedure(analyse):
    assert analyse("what is on the panel's work programme for next year?").asks_procedure
    assert not analyse("what is in the youth justice plan?").asks_procedure


def test_which_before_a_kind_of_body_asks_for_a_body_by_its_name(analyse):
    assert {"who", "organisation"} <= analyse("which university runs the council's social work academy?").kinds
    assert {"who", "organisation"} <= analyse("which charity won the advocacy contract?").kinds
    assert "person" not in analyse("which charity won the advocacy contract?").kinds
    assert "who" not in analyse("which areas of the trust's work were good?").kinds


def test_a_sentence_naming_no_body_does_not_answer_which_body(analyse):
    query = analyse("which university runs the council's social work academy?")
    assert not fits(query, "The council runs its social work academy with a local university.")
    assert fits(query, "The council runs its social work academy with Barchester University.")


def test_a_which_person_question_is_answered_by_a_name_not_any_capital(analyse):
    query = analyse("which inspectors carried out the visit?")
    assert fits(query, "Inspectors Ann Cole and Ravi Shah found plans were strong.")
    assert not fits(query, "Ofsted carried out a focused inspection of Children's Social Care in March.")


def test_which_councils_asks_across_councils(analyse):
    assert analyse("which councils struggled to recruit foster carers?").across_councils


def test_which_councils_asks_across_councils_though_it_names_one_they_relate_to(analyse):
    query = analyse("which northern councils shared an adoption agency with Wigan?")
    assert query.across_councils
    assert [a.name for a in query.councils] == ["Wigan"]


def test_a_later_part_asking_whether_a_grade_was_given_takes_none_for_granted(analyse):
    assert analyse("what grade did the fostering service get, and was any part of it rated outstanding?"
                   ).presumed_judgement is None
    assert analyse("why was the fostering service rated inadequate, and did the manager resign?"
                   ).presumed_judgement == "inadequate"


def test_concerns_still_outstanding_are_unresolved_not_graded(analyse):
    assert "judgement" not in analyse("which worries about the fostering service were still outstanding in May?").kinds
    assert "judgement" not in analyse("what outstanding actions did the panel list?").kinds
    assert "judgement" in analyse("is the fostering service outstanding?").kinds


def test_a_question_about_one_council_does_not_ask_across_councils(analyse):
    assert not analyse("did both reviews in york find drift?").across_councils


def test_rated_inadequate_presumes_that_judgement(analyse):
    assert analyse("why was the service rated inadequate?").presumed_judgement == "inadequate"


def test_a_judgement_given_to_a_long_named_area_is_presumed(analyse):
    # What is judged may take many words to name ("the council's work with disabled children and
    # their families"): the grade after it is still the one the question takes for granted.
    query = analyse("why did inspectors rate the council's work with disabled children and their families inadequate?")
    assert query.presumed_judgement == "inadequate"


def test_a_region_named_with_no_council_is_asked_across_its_councils(analyse):
    query = analyse("Which authorities in the north-west were told to improve care leavers' services?")
    assert query.regions == ("North West",) and query.across_councils and not query.councils
    assert "north" not in query.topic.describe()


def test_a_council_shortened_to_its_compass_initial_is_named(analyse):
    assert [a.name for a in analyse("N Yorks fostering - what did Ofsted say?").councils] == ["North Yorkshire"]
    assert [a.name for a in analyse("what did w berks agree?").councils] == ["West Berkshire"]
    assert analyse("what did they agree in the west?").councils == ()


def test_a_council_named_inside_an_areas_name_is_not_named(analyse):
    assert analyse("Which councils in Greater Manchester improved?").councils == ()
    assert analyse("Which councils in Greater Manchester improved?").regions == ("Greater Manchester",)
    assert [a.name for a in analyse("What did North East Lincolnshire say about fostering?").councils] == ["North East Lincolnshire"]
    assert analyse("What did North East Lincolnshire say about fostering?").regions == ()


def test_a_region_the_question_excludes_is_not_asked_across(analyse):
    query = analyse("Beyond London, which authorities were told to improve fostering?")
    assert query.regions == () and query.across_councils


def test_a_compass_point_before_london_names_london(analyse):
    assert analyse("Which south-east London boroughs discussed fostering?").regions == ("London",)


def test_a_region_named_beside_a_council_leaves_the_question_about_the_council(analyse):
    query = analyse("What did Leeds say about the Yorkshire adoption agency?")
    assert [a.name for a in query.councils] == ["Leeds"] and query.regions == ()


def test_the_councils_of_a_region_are_those_the_gazetteer_places_in_it():
    from ofsted_rag.places import councils_in
    assert {a.name for a in councils_in(("Merseyside",))} == {"Knowsley", "Liverpool", "St Helens", "Sefton", "Wirral"}
    midlands = {a.name for a in councils_in(("Midlands",))}
    assert {"Derby", "Birmingham"} <= midlands and "Leeds" not in midlands


def test_years_between_two_years_or_from_one_to_another_are_each_named(analyse):
    assert analyse("what did the panel hear between 2016 and 2019?").years == (2016, 2017, 2018, 2019)
    assert analyse("what did the panel hear from 2016 to 2019?").years == (2016, 2017, 2018, 2019)
    assert analyse("what did the panel hear from 2016 onwards?").years == ()


def test_a_plain_question_presumes_no_judgement(analyse):
    assert analyse("what was the service's overall judgement?").presumed_judgement is None


def test_requires_improvement_to_be_good_states_requires_improvement_not_good():
    assert judgements_in("Overall effectiveness: requires improvement to be good.") == {"requires_improvement"}


def test_a_sentence_without_a_date_does_not_answer_when(analyse):
    query = analyse("when was the visit?")
    assert not fits(query, "The visit looked at neglect.")
    assert fits(query, "The visit took place in March 2021.")


def test_a_word_asking_for_a_sum_of_money_is_said_by_any_sum(analyse):
    with_sum = passage_words("The cabinet approved £1.5 million for fostering.")
    without = passage_words("The cabinet approved a plan for fostering.")
    query = analyse("how much extra money did the council find for fostering?")
    assert query.topic.coverage(with_sum) > query.topic.coverage(without)
    # Money's own words are said by a sum only when the question asks for one.
    plain = analyse("what did members say about the money for fostering?")
    assert plain.topic.coverage(with_sum) == plain.topic.coverage(without)


def test_a_share_or_a_year_does_not_say_how_many_there_were(analyse):
    query = analyse("how many foster carers were approved last year?")
    assert not fits(query, "Approvals rose by 12% in 2022, one of the best results in the region.")
    assert fits(query, "Forty foster carers were approved in 2022.")
    assert fits(analyse("what percentage of foster carers were approved?"), "Approvals rose by 12% in 2022.")


def test_grades_given_as_shares_of_cases_do_not_answer_what_a_council_was_rated(analyse):
    query = analyse("what grade did the council get from Ofsted?")
    assert not fits(query, "Of the files audited, 12% were graded outstanding, 60% good and 28% requires improvement.")
    assert fits(query, "Ofsted graded the council good, and 60% of files audited were good.")


def test_a_word_asking_for_a_judgement_is_said_by_any_grade_or_word_for_one(analyse):
    query = analyse("what rating did the council get in May?")
    assert query.topic.coverage(passage_words("Inspectors judged overall effectiveness to be inadequate.")) == 1.0
    assert query.topic.coverage(passage_words("The panel received the report in May.")) == 0.0
    # Asking for a date, "rating" is what the question is about: a judgement says nothing of it.
    asked = analyse("when was the rating published?")
    assert asked.topic.coverage(passage_words("The inadequate judgement was published in May.")) < 1.0


def test_a_sentence_without_a_figure_does_not_answer_how_many(analyse):
    query = analyse("how many audits were done?")
    assert not fits(query, "Audits were completed by managers.")
    assert fits(query, "Managers completed 140 audits.")


def test_a_body_named_answers_who_is_the_partner_authority(analyse):
    sentence = "Support is coming from Kent County Council."
    assert fits(analyse("who is the partner authority for the pilot?"), sentence)
    assert not fits(analyse("who is the head of service?"), sentence)


def test_who_as_the_object_of_a_last_preposition_asks_for_a_person_or_a_body(analyse):
    assert "person" not in analyse("who was the review of the hub carried out with?").kinds
    assert "person" in analyse("who was the director that the letter went to?").kinds
    assert "person" in analyse("who is the lead member for children?").kinds


def test_who_is_doing_something_asks_for_a_person_or_a_body(analyse):
    assert "person" not in analyse("who was managing the fostering service during the review?").kinds
    assert "person" in analyse("who was the manager of the fostering service?").kinds
    assert "person" in analyse("who was reading's lead member then?").kinds


def test_a_passive_agent_answers_who_did_it_unless_a_name_is_asked_for(analyse):
    sentence = "Inspectors found that referrals were mostly screened by duty social workers."
    assert fits(analyse("who screened referrals at the front door?"), sentence)
    assert not fits(analyse("who is the head of service?"), sentence)
    assert not fits(analyse("who screened referrals at the front door?"), "Referrals were screened by the end of the week.")


def test_names_listed_with_and_answer_who_were(analyse):
    query = analyse("who were the inspectors?")
    assert fits(query, "The inspectors were Ann Cole and Ravi Shah.")
    assert fits(query, "The visit was led by Ann Cole.")
    assert not fits(query, "Inspectors reviewed plans for children in need.")


def test_names_after_a_plural_title_answer_who_sent_apologies(analyse):
    query = analyse("which members sent apologies to the panel?")
    assert fits(query, "Apologies were received from Councillors Hale and Okafor.")
    assert not fits(query, "Apologies were received from two members of the panel.")


def test_a_name_before_a_reporting_verb_answers_who_was(analyse):
    query = analyse("who was the director when the letter came?")
    assert fits(query, "The letter to the director, Lena Brook, found drift in planning.")
    assert fits(query, "A letter to the director Lena Brook states that plans drift.")
    assert not fits(query, "A letter to the director states that plans drift.")


def test_a_name_after_its_role_or_before_has_answers_who_was(analyse):
    query = analyse("who was the director when the letter came?")
    assert fits(query, "The letter went to head of service Lena Brook last week.")
    assert fits(query, "Lena Brook has been named the new director.")
    assert not fits(query, "The letter went to the head of service last week.")


def test_a_month_and_year_named_ask_about_that_month(analyse):
    query = analyse("what did the panel hear in March 2022 and in june 2023?")
    assert query.months == ((2022, 3), (2023, 6)) and query.years == (2022, 2023)


def test_a_form_the_documents_also_write_names_the_term_but_is_not_searched_for(analyse):
    vocabulary = Vocabulary.load()
    assert "focused inspection" not in vocabulary.expand("what did the focused visit find?")
    query = analyse("what did the focused visit find?")
    assert query.topic.terms_covered(passage_words("A focused inspection found drift in plans.")) == 1.0
    assert query.topic.terms_covered(passage_words("An inspection found drift in plans.")) == 0.0
    assert "protection of children" not in vocabulary.expand("when was child protection inspected?")
    query = analyse("when was child protection inspected?")
    assert query.topic.terms_covered(passage_words("The inspection of arrangements for the protection of children ended in March.")) == 1.0


def test_a_joint_targeted_inspection_by_its_initials_searches_its_name_but_need_not_be_named(analyse):
    assert "joint targeted area inspection" in Vocabulary.load().expand("what did the jtai on neglect find?")
    query = analyse("what did the jtai on neglect find?")
    assert query.topic.terms_covered(passage_words("A joint inspection by four inspectorates found neglect was missed.")) == 1.0


def test_older_inspections_and_duties_by_their_initials_search_their_names(analyse):
    vocabulary = Vocabulary.load()
    assert "annual performance assessment" in vocabulary.expand("what did the 2007 apa say about adoption?")
    assert "WSOA" in vocabulary.expand("was a written statement of action needed?")
    assert "joint area review" not in vocabulary.expand("what was in the jar on the table?")
    query = analyse("what did the 2007 apa say about adoption?")
    assert query.topic.terms_covered(passage_words("The assessment found adoption was timely.")) == 1.0


def test_a_clause_setting_the_scene_holds_its_terms_to_the_item_not_the_sentence(analyse):
    query = analyse("who was the DCS when ofsted said the council requires improvement?")
    assert [sorted(t[0]) for t in query.topic.setting_terms] == [["improv", "requir"]]
    answer = passage_words("Jane Example, the director of children's services, said the changes were already made.")
    item = passage_words("Ofsted rated the council requires improvement. " + "Jane Example, the director of children's services, said so.")
    assert query.topic.terms_covered(answer) == 0.5
    assert query.topic.terms_covered(answer, item_words=item) == 1.0
    # The asked term itself must still be in the sentence.
    assert query.topic.terms_covered(passage_words("The council requires improvement."), item_words=item) == 0.5
    # A question opening with "when", or ending "and when?", sets no scene.
    assert analyse("when did ofsted inspect child protection?").topic.setting_terms == ()
    assert analyse("which councils had a CP inspection and when?").topic.setting_terms == ()


def test_an_ordinal_is_held_to_like_a_field_term(analyse):
    query = analyse("what did the third monitoring visit find?")
    assert query.topic.terms_covered(passage_words("The third monitoring visit found drift.")) == 1.0
    assert query.topic.terms_covered(passage_words("The second monitoring visit found drift.")) == 0.0


def test_first_is_an_ordinal_only_before_a_visit_or_inspection(analyse):
    query = analyse("what did the first monitoring visit find?")
    assert query.topic.terms_covered(passage_words("The first monitoring visit found drift.")) == 1.0
    assert query.topic.terms_covered(passage_words("The fourth monitoring visit found drift.")) == 0.0
    # "For the first time" is no visit of a series.
    assert analyse("what did the panel hear for the first time?").topic.terms == ()


def test_an_ordinal_may_be_named_by_the_sentences_item_instead(analyse):
    query = analyse("what did the second monitoring visit look at?")
    item = passage_words("Second monitoring visit. The June visit looked at children in need.")
    assert query.topic.terms_covered(passage_words("The June visit looked at children in need."), item_words=item) == 1.0
    other = passage_words("Third monitoring visit. The June visit looked at children in need.")
    assert query.topic.terms_covered(passage_words("The June visit looked at children in need."), item_words=other) == 0.0


def test_failed_its_inspection_presumes_inadequate(analyse):
    assert analyse("what happened after the service failed its inspection?").presumed_judgement == "inadequate"


def test_a_judgement_is_read_only_where_it_is_given_as_one():
    assert judgements_in("Leaders were judged to be good at every level.") == {"good"}
    assert judgements_in("Inspectors rated the council's services outstanding.") == {"outstanding"}
    assert judgements_in("Staff made good progress; some housing was inadequate.") == set()


def test_a_judgement_may_follow_its_cue_through_to_be():
    assert judgements_in("Ofsted judged the overall effectiveness of services in the borough to be good.") == {"good"}


def test_a_grade_naming_a_rating_states_it():
    assert judgements_in("The borough became the first in its region to receive an Outstanding rating.") == {"outstanding"}
    assert judgements_in("Its 'inadequate' judgement stood for two years.") == {"inadequate"}
    assert judgements_in("The school gave pupils good grades in the mock exams.") == set()


def test_a_question_about_what_will_happen_asks_what_was_planned(analyse):
    assert analyse("when will the improvement plan come back to the panel?").prospective


def test_a_question_about_what_someone_was_to_do_asks_what_was_arranged(analyse):
    assert analyse("which council was to carry out the review visit in April 2019?").prospective
    assert not analyse("which council carried out the review visit in April 2019?").prospective


def test_a_question_about_what_a_report_said_does_not_ask_what_was_planned(analyse):
    assert not analyse("what did the improvement plan report say in June 2021?").prospective


def test_a_grading_followed_by_which_is_states_a_judgement():
    assert judgements_in("its wider Ofsted grading, which is 'good' overall, was unchanged") == {"good"}


def test_a_month_is_read_with_a_comma_before_its_year_and_from_a_date_in_figures():
    assert months_in("data to the end of July, 2018; decision made on 24/09/2021") == ((2018, 7), (2021, 9))


def test_a_question_saying_a_grade_was_got_from_ofsted_presumes_it(analyse):
    assert analyse("why did rutland's fostering service receive outstanding from the inspectors?").presumed_judgement == "outstanding"
    assert analyse("how did rutland get good at recruiting social workers?").presumed_judgement is None


def test_a_grade_given_by_a_verb_phrase_straight_before_it_is_a_judgement():
    assert judgements_in("its services were found to require improvement overall") == {"requires_improvement"}
    assert judgements_in("care leavers' services were marked as good") == {"good"}
    assert judgements_in("inspectors found to their surprise good links with schools") == set()


def test_services_said_to_require_improvement_state_that_judgement():
    assert judgements_in("Members heard that, although the services required improvement, morale was high.") == {
        "requires_improvement"}
    assert judgements_in("The panel agreed the plan required improvement before it went to cabinet.") == set()


def test_the_grade_below_good_before_2013_said_of_what_ofsted_judges_is_a_judgement():
    assert judgements_in("Safeguarding services in the borough are now adequate.") == {"adequate"}
    assert judgements_in("Staffing levels in the team were adequate.") == set()


def test_a_list_of_judgements_after_dashes_states_each():
    assert judgements_in("Ofsted rated: help and protection – Good; leadership – Requires improvement to be good") == {
        "good", "requires_improvement"}
    assert judgements_in("the news was shared with staff - Good news travels fast") == set()


def test_a_move_to_a_judgement_is_presumed_however_much_it_names_on_the_way(analyse):
    query = analyse("why did ofsted downgrade rutland's help and protection for older children to inadequate?")
    assert query.presumed_judgement == "inadequate"


def test_an_inspection_before_one_named_by_its_date_asks_about_no_period(analyse):
    assert analyse("how was rutland graded before its March 2021 inspection?").months == ()
    assert analyse("what did rutland need to improve after its 2019 focused visit?").years == (2019,)


def test_a_grade_quoted_as_a_word_describing_what_follows_is_no_judgement():
    assert judgements_in("rated 'good', and praised for 'outstanding' work with care leavers") == {"good"}
    assert judgements_in("the council's 'inadequate' children's services") == {"inadequate"}


def test_a_grade_named_as_a_rating_after_a_count_of_them_is_a_judgement():
    assert judgements_in("Ofsted gave the council a third successive outstanding rating") == {"outstanding"}
    assert judgements_in("it was given a second successive 'good' judgement") == {"good"}
    assert judgements_in("three good reasons to visit") == set()


def test_the_end_of_a_scale_named_by_its_rank_is_a_judgement():
    assert judgements_in("the partnership was given the highest possible inspection outcome") == {"outstanding"}
    assert judgements_in("the council has held top ratings since 2016") == {"outstanding"}
    assert judgements_in("the service was given the lowest possible grade") == {"inadequate"}
    assert judgements_in("working to secure the best possible outcomes for children") == set()


def test_a_move_between_judgements_reports_the_one_it_reaches():
    assert judgements_reached("the grade moved up from 'requires improvement' to 'good'") == {"good"}
    assert judgements_reached("now judged inadequate, down from good") == {"inadequate"}
    assert judgements_reached("the service was judged good") == {"good"}
    assert judgements_reached("now rated good, following a previous rating of 'inadequate' in 2019") == {"good"}


def test_a_move_told_by_its_verb_reports_the_one_it_reaches():
    assert judgements_reached("services moved from an overall grade of 'inadequate' to 'requires improvement'") == {"requires_improvement"}
    assert judgements_reached("services, rated 'inadequate' in 2020, have moved up to a grade of 'good'") == {"good"}
    assert judgements_reached("the service, judged good in 2018, has slipped to requires improvement") == {"requires_improvement"}
    # A grade beside a move of something else is still the grade given.
    assert judgements_reached("services were judged good, and two managers have moved to new posts") == {"good"}


def test_a_grade_given_a_span_of_time_before_is_not_the_one_reported():
    assert judgements_reached("now rated good, two years after the borough was rated 'inadequate'") == {"good"}
    assert judgements_reached("judged good, a big change since it was judged inadequate") == {"good"}
    assert judgements_reached("the borough was rated inadequate in 2021") == {"inadequate"}


def test_a_dated_text_names_the_year_before_by_last_year_or_last_season():
    assert years_of_dated("A critical letter was sent last summer.", dt.date(2023, 4, 2)) == {2022}
    assert years_of_dated("A critical letter was sent last summer.", dt.date(2023, 10, 2)) == {2023}
    assert years_of_dated("Spending rose last year.", dt.date(2023, 4, 2)) == {2022}
    assert years_of_dated("The visit came last winter.", dt.date(2023, 4, 2)) == {2022, 2023}
    assert years_of_dated("The visit came this spring.", dt.date(2023, 4, 2)) == set()


def test_grades_named_as_alternatives_each_bear_out_the_presumption(analyse):
    query = analyse("Which boroughs judged outstanding in 2016 or requires improvement in 2022 were visited again?")
    assert query.presumed_judgements >= {"outstanding", "requires_improvement"}
    assert analyse("Which boroughs were judged good or outstanding?").sought_judgements == {"good", "outstanding"}
    # A second question asking whether is no alternative.
    assert analyse("Why was Rutland rated good, and was anything inadequate?").sought_judgements == {"good"}


def test_a_stop_denied_is_no_stop():
    from ofsted_rag.reading import goes_on
    assert goes_on("The order will be lifted next month.") == "ended"
    assert goes_on("The council has not yet stopped using agency staff.") == "ongoing"
    assert goes_on("Agency staff are still used in two teams.") == "ongoing"
    assert goes_on("The panel noted the report.") is None


def test_a_why_question_on_something_still_going_on_presumes_it_goes_on(analyse):
    assert analyse("Why is Rutland still housing care leavers in hostels?").continued
    assert not analyse("Is Rutland still housing care leavers in hostels?").continued
    assert not analyse("Why did Rutland stop housing care leavers in hostels?").continued


def test_a_span_of_months_names_every_month_in_it():
    assert months_in("the work programme for March to June 2021") == ((2021, 3), (2021, 4), (2021, 5), (2021, 6))
    assert months_in("inspected 28 November to 9 December 2022") == ((2022, 11), (2022, 12))
    assert months_in("between December and February 2024") == ((2023, 12), (2024, 1), (2024, 2))


def test_a_date_written_month_first_names_its_month():
    assert months_in("Published: Wednesday, January 24, 2024; Sept. 5th 2019") == ((2024, 1), (2019, 9))
    assert months_in("in May 12 councillors met") == ()


def test_a_span_of_years_asks_about_each_year_in_it(analyse):
    assert analyse("which scores came out of the 2007/08 annual assessment?").years == (2007, 2008)
    assert analyse("what did the 2019 to 2021 plan promise?").years == (2019, 2020, 2021)


def test_a_date_in_figures_is_not_a_span_of_years():
    assert years_named("agreed on 2011-12-05") == [2011]
    assert years_named("the annual report 2020-21") == [2020, 2021]


def test_a_year_named_as_a_bound_does_not_narrow_the_question(analyse):
    query = analyse("what was the council's judgement before 2023?")
    assert query.years == () and query.months == ()


def test_what_followed_or_succeeded_a_years_event_is_not_of_that_year(analyse):
    assert analyse("what grade did barset get at the visit which succeeded its 2019 one?").years == ()
    assert analyse("what did the review which followed their 2020 letter find in barset?").years == ()
    assert analyse("what did ofsted find after its 2018 visit to barset?").years == (2018,)


def test_a_month_cut_short_named_as_a_bound_does_not_narrow_the_question(analyse):
    query = analyse("how many more monitoring visits were planned after dec 2021?")
    assert query.years == () and query.months == ()


def test_a_year_asked_about_still_narrows_the_question_beside_a_bound(analyse):
    assert analyse("what changed in 2021 since March 2020?").years == (2021,)


def test_a_season_with_its_year_begins_at_the_seasons_first_month(analyse):
    assert analyse("what was the outcome of the autumn 2020 visit?").starts == (2020, 9)


def _analyser_holding(*held: str) -> QueryAnalyser:
    return QueryAnalyser(Vocabulary.load(), is_word=lambda word: word in {"report", "panel", "said", "button"},
                         held=lambda authority: authority.name in held)


def test_a_council_misspelt_by_one_letter_is_read_when_the_store_holds_it():
    query = _analyser_holding("Bradford").analyse("what did the panel say about bradfrod's front door?")
    assert [a.name for a in query.councils] == ["Bradford"] and query.misread == ("bradfrod's",)
    assert "bradfrod" not in query.topic.describe()


def test_a_misspelt_council_is_read_as_the_nearer_of_two_names_it_is_close_to():
    # One letter short of Hertfordshire, two edits from Herefordshire.
    held = _analyser_holding("Hertfordshire", "Herefordshire")
    assert [a.name for a in held.analyse("what did hertfrdshire's panel decide?").councils] == ["Hertfordshire"]
    # As near to both, it is read as neither.
    assert held.analyse("what did herfordshire's panel decide?").councils == ()


def test_a_council_ending_in_borough_is_read_when_written_boro():
    held = _analyser_holding("Middlesbrough", "Peterborough")
    assert [a.name for a in held.analyse("what did middlesboro's panel decide?").councils] == ["Middlesbrough"]
    assert [a.name for a in held.analyse("has peterboro left intervention?").councils] == ["Peterborough"]


def test_a_slip_is_held_to_each_word_of_a_council_named_in_several():
    # "boro council" is two edits from "york council", both in one short word: no slip of its name.
    held = _analyser_holding("York", "Windsor and Maidenhead")
    assert held.analyse("what did the boro council decide about school transport?").councils == ()
    assert [a.name for a in held.analyse("what did windsor and maidenhed decide?").councils] == ["Windsor and Maidenhead"]


def test_a_near_miss_of_a_council_the_store_does_not_hold_is_not_read_as_it():
    assert _analyser_holding("Bradford").analyse("what did Councillor Newman say about the report?").councils == ()


def test_a_word_the_documents_use_is_never_read_as_a_misspelt_council():
    # "button" is one letter from "Sutton", but the documents use it as a word.
    assert _analyser_holding("Sutton").analyse("what did the report say the button does?").councils == ()
    assert [a.name for a in _analyser_holding("Sutton").analyse("what did the report say about sutten?").councils] == ["Sutton"]


def test_a_council_with_a_letter_dropped_is_read_though_five_letters_are_left():
    query = _analyser_holding("Oldham").analyse("oldam ILACS 2024 - what grade did it get?")
    assert [a.name for a in query.councils] == ["Oldham"] and query.misread == ("oldam",)
    # A word the documents use stays a word, however near a council's name.
    assert _analyser_holding("Oldham").analyse("what did the panel say about the report?").councils == ()


def test_a_who_question_naming_a_judgement_asks_for_a_person(analyse):
    query = analyse("who is the cabinet member quoted on the outstanding rating?")
    assert "who" in query.kinds and "judgement" not in query.kinds


def test_a_name_with_initials_or_beside_its_role_answers_who(analyse):
    query = analyse("who was the director of children's services?")
    assert fits(query, "Mr P Lewis Director of Children's Services London Borough of Barsetshire")
    assert fits(analyse("who was the reporting inspector?"), "Reporting inspector Jane Marlow HMI Age group: All")
    assert not fits(query, "The Director of Children's Services wrote to the panel.")


def test_a_quoted_judgement_and_inadequate_said_of_services_are_judgements():
    assert judgements_in("County Council's Children's Services 'Inadequate'") == {"inadequate"}
    assert judgements_in("Its services for children who need help and protection are inadequate.") == {"inadequate"}
    assert judgements_in("The age assessments that were outstanding were reviewed.") == set()


def test_a_sentence_saying_no_judgement_was_made_answers_what_it_was_rated(analyse):
    query = analyse("what grade did the council get from the joint inspection?")
    assert fits(query, "The inspectorates did not make a judgement, but wrote a letter setting out their findings.")
    assert not fits(query, "There was no change to the membership of the panel.")


def test_adequate_is_read_as_the_grade_before_requires_improvement():
    assert judgements_in("In 2013 the council's services were rated 'adequate'.") == {"adequate"}


def test_getting_a_judgement_presumes_it(analyse):
    assert analyse("after the council was given an inadequate rating, what changed?").presumed_judgement == "inadequate"


def test_failing_an_inspection_named_by_its_year_presumes_inadequate(analyse):
    assert analyse("what went wrong when the service failed its 2016 inspection?").presumed_judgement == "inadequate"


def test_naming_a_judgement_without_saying_it_was_given_presumes_nothing(analyse):
    assert analyse("did any service avoid an inadequate grade?").presumed_judgement is None


def test_a_name_with_a_prefixed_surname_answers_who(analyse):
    query = analyse("who was the director of children's services?")
    assert fits(query, "Responding to the report, the Director of Children's Services, Sarah O’Brien, said the plan was on track.")


def test_two_places_sharing_their_last_word_are_both_named(analyse):
    query = analyse("what did ofsted say about fostering in north and west northamptonshire?")
    assert [a.name for a in query.councils] == ["North Northamptonshire", "West Northamptonshire"]
    assert "north" not in query.topic.describe()


def test_a_compass_point_shortened_to_its_consonants_still_names_the_place(analyse):
    assert [a.name for a in analyse("how is sth glos doing on EHC plans?").councils] == ["South Gloucestershire"]
    assert [a.name for a in analyse("what did ofsted say about nth tyneside?").councils] == ["North Tyneside"]


def test_a_place_in_a_newspapers_title_names_the_paper_not_a_council(analyse):
    assert [a.name for a in analyse("what did the york press say about the rutland visit?").councils] == ["Rutland"]
    assert [a.name for a in analyse("what did the york press release say about the visit?").councils] == ["York"]
    assert [a.name for a in analyse("what did york council news say about the visit?").councils] == ["York"]


def test_across_teams_does_not_ask_across_councils(analyse):
    assert not analyse("do workers share caseload data across teams?").across_councils
    assert analyse("what have inspections found across councils?").across_councils


def test_a_council_named_like_a_word_is_read_in_lower_case_when_the_documents_only_write_it_as_a_name():
    from ofsted_rag import places
    bury = next(a for a in places.authorities() if a.name == "Bury")
    analyser = QueryAnalyser(Vocabulary.load(), is_word=lambda w: True, held=lambda a: a is bury,
                             written_as_name=lambda word: word == "bury")
    assert [a.name for a in analyser.analyse("what is bury doing about caseloads?").councils] == ["Bury"]
    # Where the documents also use the word as a word, lower case is the word.
    analyser = QueryAnalyser(Vocabulary.load(), is_word=lambda w: True, held=lambda a: a is bury,
                             written_as_name=lambda word: False)
    assert analyser.analyse("what is bury doing about caseloads?").councils == ()


def test_deemed_to_require_improvement_states_requires_improvement():
    assert judgements_in("The council was deemed to ‘require improvement to be good’ across all areas.") == {"requires_improvement"}


def test_several_days_answers_how_long(analyse):
    assert fits(analyse("how long were contacts left waiting for a decision?"),
                "Inspectors found referrals were not looked at for several days.")


def test_a_month_without_its_year_in_a_dated_text_is_the_last_such_month_before_it():
    months = months_of_dated("The report followed an inspection across three weeks in July. The council may act "
                             "on it; the panel met in December.", dt.date(2025, 9, 4))
    assert months == ((2025, 7), (2024, 12))


def test_asking_what_someone_said_about_a_rating_asks_for_their_words_not_the_judgement(analyse):
    query = analyse("what did the cabinet member say once the inadequate rating was published?")
    assert "judgement" not in query.kinds
    assert fits(query, "The cabinet member said she was sorry that services had fallen short.")


def test_a_question_asking_two_things_is_read_as_two_parts_about_the_same_council_and_year(analyse):
    query = analyse("rutland's 2019 monitoring visit - which visit was it, and what did it find?")
    assert [p.text for p in query.parts] == ["which visit was it", "what did it find?"]
    assert all([a.name for a in p.councils] == ["Rutland"] and p.years == (2019,) for p in query.parts)


def test_a_part_asking_only_when_is_about_what_the_words_before_it_name(analyse):
    query = analyse("rutland ILACS - what grade and when?")
    grade, when = query.parts
    assert "judgement" in grade.kinds and when.kinds == {"date"}
    assert when.topic == analyse("rutland ILACS").topic != query.topic


def test_a_part_asking_only_when_with_nothing_before_it_keeps_the_questions_topic(analyse):
    query = analyse("what grade did rutland get at its ILACS, and when?")
    assert query.parts[-1].kinds == {"date"} and query.parts[-1].topic == query.topic


def test_a_question_opening_on_a_when_clause_asks_what_follows_it_not_for_a_date(analyse):
    query = analyse("when rutland was rated requires improvement, what did the panel ask officers to do?")
    assert query.parts == () and "date" not in query.kinds
    # The clause's field term and its plain word ("rated") set the scene.
    assert [sorted(t[0]) for t in query.topic.setting_terms] == [["improv", "requir"], ["rate"]]
    # "when" straight before an auxiliary asks for a date, and starts a part of its own.
    asked = analyse("when was the rutland visit, and what did it find?")
    assert [p.text for p in asked.parts] == ["when was the rutland visit", "what did it find?"]
    assert asked.parts[0].kinds == {"date"}


def test_who_a_question_quotes_is_named_by_the_item_not_the_answering_sentence(analyse):
    query = analyse("according to the DCS, what did the budget cuts do to early help?")
    assert len(query.topic.setting_terms) == 1 and frozenset({"dcs"}) in query.topic.setting_terms[0]
    assert "accord" not in {w for alts in query.topic.concepts for alt in alts for w in alt}
    later = analyse("what did the budget cuts do to early help, according to the DCS?")
    assert later.topic.setting_terms == query.topic.setting_terms


def test_a_question_asking_why_something_was_found_takes_the_finding_for_granted(analyse):
    assert analyse("why did inspectors find children unsafe in rutland?").found == "children unsafe"
    assert analyse("why did ofsted find delays in planning?").found == "delays"
    assert analyse("what did ofsted find in rutland?").found is None


def test_a_question_asking_one_thing_has_no_parts(analyse):
    assert analyse("in rutland, when did the focused visit on the front door take place?").parts == ()


def test_how_much_of_a_whole_asks_for_a_share_not_a_sum(analyse):
    query = analyse("how much of the council's budget goes on children's social care?")
    assert "money" not in query.kinds
    assert fits(query, "Spending on the service rose from 20 per cent of the budget to 31 per cent.")


def test_the_scale_of_grades_gives_no_judgement():
    assert judgements_in("There are now four possible ratings – outstanding, good, requires improvement or inadequate.") == set()
    assert judgements_in("Ofsted has four levels: Outstanding, Good, Requires Improvement and Inadequate.") == set()
    assert judgements_in("It was judged good and outstanding for care leavers.") == {"good", "outstanding"}


def test_a_judgement_said_of_services_in_a_place_is_given():
    assert judgements_in("Ofsted noted that 'Children's Services in Barsetshire are good';") == {"good"}
    assert judgements_in("The services in the borough are good at engaging families.") == set()


def test_a_judgement_beside_requires_improvement_is_still_given():
    assert judgements_in("The county joins its neighbour in moving from ‘requires improvement’ to ‘good’.") == {
        "requires_improvement", "good"}
    assert judgements_in("The council was judged requires improvement to be good overall.") == {"requires_improvement"}


def test_a_judgement_listed_after_its_label_and_a_colon_states_its_grade():
    assert judgements_in("Help and protection of children: Requires improvement to be good") == {"requires_improvement"}
    assert judgements_in("Experiences and progress of care leavers: Outstanding") == {"outstanding"}


def test_a_judgement_table_row_run_into_one_line_states_its_grades():
    assert judgements_in("Help and protection of children Requires improvement 1.2 Children in care Good") == {
        "requires_improvement", "good"}
    assert judgements_in("She presented an Outstanding Contribution award to the team.") == set()


def test_rating_a_named_service_a_judgement_presumes_it(analyse):
    assert analyse("why did ofsted rate the county's fostering service inadequate?").presumed_judgement == "inadequate"
    assert analyse("how did ofsted rate the county's fostering service?").presumed_judgement is None


def test_not_being_given_a_judgement_presumes_no_judgement(analyse):
    assert analyse("why was the family centre not judged outstanding?").presumed_judgement is None
    assert analyse("why wasn't the fostering service rated good?").presumed_judgement is None


def test_a_judgement_said_to_have_changed_presumes_where_it_moved(analyse):
    to = analyse("why was the county downgraded to requires improvement in 2024?")
    assert (to.presumed_judgement, to.presumed_judgements) == ("requires_improvement", {"requires_improvement"})
    below = analyse("why did ofsted downgrade the borough from outstanding at its june inspection?")
    assert below.presumed == "below outstanding" and below.presumed_judgements >= {"good", "inadequate"}
    assert "outstanding" not in below.presumed_judgements
    assert analyse("why did the city lose its good ofsted rating?").presumed == "below good"
    above = analyse("how has the service improved from inadequate?")
    assert above.presumed == "above inadequate" and "inadequate" not in above.presumed_judgements
    assert analyse("why was it downgraded from outstanding to good?").presumed_judgements == {"good"}
    for verb in ("slip", "sink", "revert"):
        assert analyse(f"why did the borough {verb} to inadequate last spring?").presumed_judgement == "inadequate"


def test_asking_which_part_was_given_a_grade_presumes_nothing_of_the_overall_judgement(analyse):
    assert analyse("barsetshire ILACS 2022 - overall grade and which judgement was only good?").presumed_judgement is None
    assert analyse("which area was rated outstanding at the 2022 inspection?").presumed_judgement is None
    assert analyse("why was the area rated outstanding?").presumed_judgement == "outstanding"


def test_a_grade_sorting_the_things_a_question_counts_presumes_no_judgement(analyse):
    assert analyse("what share of the county's children's homes are graded good?").presumed_judgement is None
    assert analyse("of the nurseries judged inadequate, how many have since closed?").presumed_judgement is None
    # A grade in another clause still does.
    assert analyse("how many visits were there after the county was judged inadequate?").presumed_judgement == "inadequate"


def test_a_grade_word_said_of_something_else_presumes_no_judgement(analyse):
    assert analyse("why did referrals drop from good levels?").presumed_judgement is None
    assert analyse("why wasn't the service downgraded from good?").presumed_judgement is None


def test_a_month_cut_short_with_its_year_is_read_as_that_month(analyse):
    query = analyse("what did the nov 2023 inspection find?")
    assert query.months == ((2023, 11),)
    assert "nov" not in query.topic.describe()
    assert months_in("Visited on 6 Sept. 2019.") == ((2019, 9),)


def test_the_annual_assessment_grades_before_2013_are_judgements():
    assert judgements_in("The annual assessment gave the council a grade of 'performs well'.") == {"performs_well"}
    assert judgements_in("Staff said the team is performing well.") == set()


def test_good_or_outstanding_said_straight_of_what_ofsted_judges_is_a_judgement():
    assert judgements_in("The council's adoption agency is good and its fostering agency is outstanding.") == {
        "good", "outstanding"}
    assert judgements_in("The service is good at listening to children.") == set()


def test_this_may_in_a_dated_story_is_the_may_before_it():
    assert months_of_dated("A monitoring visit this May found further progress.", dt.date(2018, 6, 8)) == ((2018, 5),)
    assert months_of_dated("We may visit again.", dt.date(2018, 6, 8)) == ()


def test_a_question_joining_field_terms_is_asked_once_for_each(analyse):
    query = analyse("what did inspectors say about barsetshire's MASH and care leavers?")
    assert [p.text for p in query.parts] == ["what did inspectors say about barsetshire's MASH?",
                                             "what did inspectors say about barsetshire's care leavers?"]
    assert all(p.councils == query.councils for p in query.parts)
    listed = analyse("how did barsetshire do on CIN, CP and care plans?")
    assert [p.text for p in listed.parts] == ["how did barsetshire do on CIN and care plans?",
                                              "how did barsetshire do on CP and care plans?"]


def test_field_terms_not_joined_ask_one_thing(analyse):
    assert analyse("what did barsetshire's ILACS say about care leavers?").parts == ()
    assert analyse("what did ofsted say about care leavers in barsetshire?").parts == ()


def test_a_judgement_spoken_of_as_a_possibility_is_not_presumed(analyse):
    assert analyse("what did the cabinet member say losing a good judgement would cost barsetshire?").presumed_judgement is None
    assert analyse("what would happen if barsetshire were rated inadequate?").presumed_judgement is None
    assert analyse("why did barsetshire lose its good rating?").presumed_judgement == "good"


def test_a_year_naming_a_law_or_reform_is_no_period_asked_about(analyse):
    assert analyse("how quickly did barsetshire put the 2014 special needs reforms into practice?").years == ()
    assert analyse("what does the children act 1989 ask of barsetshire in 2019?").years == (2019,)
    assert analyse("what did barsetshire's 2019 inspection find?").years == (2019,)


def test_years_naming_laws_are_not_years_written_of():
    from ofsted_rag.query import years_written_of
    assert years_written_of(["the Children and Families Act 2014 placed new duties"]) == set()
    assert years_written_of(["reforms which came into force in 2014"]) == set()
    assert years_written_of(["the council was inspected in 2019 under the 2018 framework"]) == {2019}


def test_a_question_saying_something_got_worse_takes_the_decline_for_granted(analyse):
    assert analyse("why did the council's front door get worse after the visit?").presumes_decline
    assert analyse("why did the monitoring visit find no progress on care plans?").presumes_decline
    assert analyse("what caused the decline in support for care leavers?").presumes_decline
    assert analyse("why was the council's children's services downgraded?").presumes_decline
    # Asked as yes/no, across councils, as a possibility or as "decline to": nothing taken for granted.
    assert not analyse("did the front door get worse after the visit?").presumes_decline
    assert not analyse("which councils saw their services get worse?").presumes_decline
    assert not analyse("what would happen if placements got worse?").presumes_decline
    assert not analyse("why did the council decline to attend the meeting?").presumes_decline


def test_a_question_saying_something_got_slower_or_later_takes_the_decline_for_granted(analyse):
    assert analyse("why have the panel's reviews got slower this year?").presumes_decline
    assert analyse("why did the home visits get later after the restructure?").presumes_decline
    assert not analyse("have the panel's reviews got slower this year?").presumes_decline


def test_a_question_saying_a_council_did_not_improve_takes_the_decline_for_granted(analyse):
    assert analyse("why didn't the borough improve its return interviews after the visit?").presumes_decline
    assert analyse("why hasn't the panel improved the timeliness of its reviews?").presumes_decline
    assert not analyse("didn't the borough improve its return interviews after the visit?").presumes_decline


def test_a_question_asking_what_caused_something_is_read_as_the_why_question_it_stands_for():
    assert as_why("What led to the respite unit being closed?") == "why was the respite unit closed?"
    assert as_why("what caused the adoption panel to stop meeting?") == "why did the adoption panel stop meeting?"
    assert as_why("What made the borough's reviews slower last year?") == "why did the borough's reviews get slower last year?"
    assert as_why("what's behind the rise in referrals to the hub?") == "why the rise in referrals to the hub?"
    assert as_why("What was the reason for the delay to the new hub?") == "why the delay to the new hub?"
    assert as_why("the respite unit closed in May - why?") == "why the respite unit closed in May?"
    # A question already asking why, or asking for no cause, is itself.
    assert as_why("Why did the unit close?") == "Why did the unit close?"
    assert as_why("What caused concern at the panel?") == "What caused concern at the panel?"


def test_a_question_asking_what_caused_something_takes_it_for_granted_as_a_why_question_does(analyse):
    assert analyse("What caused adopter approvals in the borough to drop?").presumed_direction == "down"
    assert analyse("what made the panel's reviews later this year?").presumes_decline
    assert analyse("what led to the borough being judged inadequate in 2021?").presumed_judgement == "inadequate"
    assert analyse("what prompted the cabinet to reject the short breaks policy?").presumed_stance == "rejected"
    assert analyse("what's behind the increase in children waiting for a first visit?").presumed_direction == "up"


def test_the_words_asking_for_a_cause_are_no_part_of_what_a_question_is_about(analyse):
    words = {w for alts in analyse("What prompted the cabinet to close the youth hub?").topic.concepts for alt in alts for w in alt}
    assert "prompt" not in words and "prompted" not in words
    assert {"cabinet", "youth", "hub"} <= words


def test_a_grade_named_as_the_one_given_is_presumed(analyse):
    assert analyse("What was the reason for the borough's inadequate rating in 2021?").presumed_judgement == "inadequate"
    assert analyse("how did the council respond to its 2019 requires improvement judgement?").presumed_judgement == "requires_improvement"


def test_a_question_saying_a_grade_went_up_takes_the_upgrade_for_granted(analyse):
    assert analyse("Why was the borough's children's services upgraded by Ofsted?").presumes_upgrade
    assert analyse("why did the council's Ofsted rating improve in 2022?").presumes_upgrade
    assert not analyse("Was the borough upgraded at its last inspection?").presumes_upgrade
    assert not analyse("why did referrals to the hub improve?").presumes_upgrade


def test_a_question_saying_a_service_changed_hands_takes_the_move_for_granted(analyse):
    query = analyse("why did the borough outsource its independent visitor scheme?")
    assert query.presumed_transfer == "out"
    assert {w for alts in query.transferred for alt in alts for w in alt} >= {"independ", "visitor", "scheme"}
    assert analyse("what led the council to hand its fostering service over to a trust?").presumed_transfer == "out"
    assert analyse("why was the youth service brought back in-house?").presumed_transfer == "in"
    assert analyse("did the borough outsource its independent visitor scheme?").presumed_transfer is None


def test_a_grade_written_as_its_initials_is_presumed_by_its_name(analyse):
    assert analyse("Why were the borough's children in care judged RI in 2023?").presumed_judgement == "requires_improvement"


def test_an_inspection_said_to_rate_a_council_presumes_that_grade(analyse):
    assert analyse("how did the board react to the 2022 inspection rating the county good overall?").presumed_judgement == "good"


def test_a_question_saying_someone_brought_a_number_down_takes_the_fall_for_granted(analyse):
    query = analyse("How did the borough manage to bring social worker caseloads down last year?")
    assert query.presumed_direction == "down"
    assert not any(alt & {"bring"} for alts in query.moved for alt in alts)


def test_a_question_saying_a_number_went_up_or_down_takes_the_direction_for_granted(analyse):
    assert analyse("why has the number of families on the waiting list gone up?").presumed_direction == "up"
    assert analyse("why did referrals to the hub rise so sharply?").presumed_direction == "up"
    assert analyse("what caused the fall in adopter approvals?").presumed_direction == "down"
    assert analyse("why did the share of visits on time drop after the move?").presumed_direction == "down"
    assert analyse("why did the number of children waiting for a first visit go up?").presumed_direction == "up"
    # Moving to a figure says which way it moved.
    assert analyse("why did the share of rutland children with three or more placements rise to 12%?").presumed_direction == "up"
    assert analyse("why did rutland's agency spend fall to £2m last year?").presumed_direction == "down"
    # Asked as yes/no, as a possibility, or with a verb that is not the clause's: nothing taken for granted.
    assert analyse("has the number of families on the waiting list gone up?").presumed_direction is None
    assert analyse("what would happen if referrals rose?").presumed_direction is None
    assert analyse("why did the grow your own scheme start?").presumed_direction is None


def test_what_moved_leaves_out_the_words_of_moving(analyse):
    query = analyse("why has the number of families on the waiting list gone up?")
    assert {w for alts in query.moved for alt in alts for w in alt} == {"number", "famili", "wait", "list"}


def test_a_sentence_says_which_way_a_number_went_by_its_words_or_its_figures():
    from ofsted_rag.reading import direction
    assert direction("Visits within ten days had risen from 40% to 75%.") == "up"
    assert direction("The waiting list went from 90 families in May 2022 to 60.") == "down"
    assert direction("62% of reviews were held on time, compared with 48% a year earlier.") == "up"
    assert direction("Referrals rose in the spring and fell in the summer.") is None
    assert direction("The panel met in March 2022.") is None


def test_a_share_done_within_a_time_limit_going_up_says_things_got_better():
    from ofsted_rag.reading import change
    assert change("Reviews held within 20 working days rose to 88%, up from 70%.") == "better"
    assert change("71% of assessments were completed within timescale, compared with 80% a year before.") == "worse"
    # A share of things late, and a count that only grew, say nothing of timeliness.
    assert change("Visits not made within ten days went from 5% to 9% of all visits.") is None
    assert change("Referrals within the year rose from 900 to 1,100.") is None


def test_welcoming_the_improvement_in_something_says_it_got_better():
    from ofsted_rag.reading import change
    assert change("Members welcomed the improvement in the timeliness of reviews.") == "better"
    assert change("Members welcomed the improvement plan.") is None


def test_a_yes_no_question_after_a_heading_asks_yes_or_no():
    from ofsted_rag.query import cues
    assert cues().yes_no.search("Summer inspection - was anything rated good?")
    assert cues().yes_no.search("Care leavers: are they housed well?")
    assert not cues().yes_no.search("What did the summer inspection find?")


def test_a_why_question_whose_words_only_find_fault_takes_the_criticism_for_granted(analyse):
    query = analyse("why did inspectors say the review meetings were poorly run?")
    assert query.presumes_criticism and query.criticised == "the review meetings"
    assert analyse("why did the visit find the partnership's oversight ineffective?").criticised == "the partnership's oversight"
    assert not analyse("did inspectors say the review meetings were poorly run?").presumes_criticism
    assert not analyse("why did inspectors say the review meetings were praised?").presumes_criticism


def test_what_a_question_says_was_named_as_a_fault_is_what_was_criticised(analyse):
    query = analyse("why did Ofsted flag the borough's exploitation team as a weakness?")
    assert query.presumes_criticism
    assert query.criticised.endswith("exploitation team")
    assert analyse("how come inspectors rated work with the parent forum as weak?").criticised == "work with the parent forum"


def test_what_went_wrong_takes_a_criticism_for_granted(analyse):
    assert analyse("what went wrong with the fostering service at the last inspection?").presumes_criticism
    assert not analyse("did anything go wrong with the fostering service?").presumes_criticism


def test_help_and_protection_is_a_field_term_naming_the_area_of_a_presumed_judgement(analyse):
    query = analyse("why was help and protection rated requires improvement?")
    assert [any(alt <= passage_words("help and protection") for alt in alts) for alts in query.area_terms] == [True]


def test_a_question_taking_a_lower_grade_for_granted_presumes_a_downgrade(analyse):
    assert analyse("why was the council's children's services downgraded?").presumes_downgrade
    assert analyse("why did the fostering service's rating get worse?").presumes_downgrade
    assert not analyse("why did the council's front door get worse after the visit?").presumes_downgrade
    assert not analyse("was the council's children's services downgraded?").presumes_downgrade


def test_a_question_asking_why_something_was_criticised_takes_the_criticism_for_granted(analyse):
    assert analyse("why was the fostering service criticised in the letter?").presumes_criticism
    assert analyse("why did inspectors find the partnership's oversight ineffective?").presumes_criticism
    assert analyse("why did the area's SEND services fail their revisit?").presumes_criticism
    # Asking what was criticised, whether it was, or across councils: nothing taken for granted.
    assert not analyse("what did inspectors criticise about the fostering service?").presumes_criticism
    assert not analyse("was the fostering service criticised in the letter?").presumes_criticism
    assert not analyse("which councils were criticised for their fostering services?").presumes_criticism


def test_the_area_a_question_asks_about_leaves_out_the_inspection_the_judgement_and_the_scene(analyse):
    query = analyse("why was the ILACS grade requires improvement for child protection when care leavers were praised?")
    # One area term, child protection: not ILACS, "requires improvement" or the care leavers of the "when" clause.
    assert [any(alt <= passage_words("child protection") for alt in alts) for alts in query.area_terms] == [True]


def test_private_fostering_is_its_own_field_term_not_fostering(analyse):
    query = analyse("what did the report say about private fostering?")
    assert query.topic.terms_covered(passage_words("Most children in care live with the council's foster carers.")) == 0.0
    assert query.topic.terms_covered(passage_words("Privately fostered children are visited on time.")) == 1.0


def test_saying_a_grade_of_the_council_as_a_fact_presumes_it(analyse):
    asked = "why did ofsted say barsetshire's children's services were performing poorly in 2010?"
    assert analyse(asked).presumed_judgement == "performs_poorly"
    assert analyse("why are barsetshire's children's services inadequate?").presumed_judgement == "inadequate"
    # A move still presumes where it went, not the grade it names on the way.
    assert analyse("why was barsetshire downgraded from good?").presumed == "below good"
    # "Failing" with an object is a verb; "what did it say was good?" asks what.
    assert analyse("how long after the report did ofsted say it was still failing children?").presumed_judgement is None
    assert analyse("what did ofsted say was good?").presumed_judgement is None


def test_a_court_judgment_is_not_an_inspection_grade(analyse):
    assert "judgement" not in analyse("which family court judgment did the cabinet consider?").kinds
    assert "judgement" in analyse("what judgements did ofsted give the council?").kinds


def test_the_watchdog_names_ofsted_not_the_topic(analyse):
    assert "watchdog" not in analyse("where must barsetshire still do better on CSE, says the watchdog?").topic.describe()


def test_a_presumed_judgement_is_of_what_its_own_clause_names(analyse):
    query = analyse("how was fostering described in the inspection that rated the council inadequate?")
    assert query.presumed_judgement == "inadequate" and query.area_terms == ()
    query = analyse("why was adoption rated requires improvement when fostering was praised?")
    assert [any(alt <= passage_words("adoption") for alt in alts) for alts in query.area_terms] == [True]


def test_a_relative_clause_saying_which_report_sets_the_scene(analyse):
    query = analyse("what did ofsted say about fostering in the inspection that found the council requires improvement?")
    assert [sorted(t[0]) for t in query.topic.setting_terms] == [["improv", "requir"]]
    # A clause that is not about a report or visit sets none.
    assert analyse("which teams that were judged requires improvement got better?").topic.setting_terms == ()


def test_a_grade_described_is_a_grade_stated():
    assert judgements_in("Two of the areas were described as inadequate:") == {"inadequate"}
    assert judgements_in("Fostering was described as good.") == {"good"}


def test_the_top_and_bottom_grade_search_for_the_grades_name_and_not_the_other_way(analyse):
    assert "inadequate" in analyse("how long was the council stuck on the bottom grade?").expanded
    assert "outstanding" in analyse("which part of the service got the top grade?").expanded
    assert "grade" not in analyse("why was fostering judged inadequate?").expanded


def test_children_is_the_plural_of_child_for_field_terms(analyse):
    query = analyse("what did inspectors say about CSE?")
    assert query.topic.terms_covered(passage_words("Work with children at risk of sexual exploitation was weak.")) == 1.0
    assert query.topic.terms_covered(passage_words("Work with adults at risk was weak.")) == 0.0
@pytest.mark.parametrize("sentence, says", [
    ("The visit identified no areas for priority action.", True),
    ("Inspectors did not find any priority actions to set.", True),
    ("The letter set two priority actions for the front door.", False),
    # A negated verb takes the things for granted.
    ("The council has not yet addressed the priority actions.", False),
    # Each clause speaks for itself: none of one thing, some of another.
    ("There were no priority actions, but three areas for improvement were named.", True),
    ("Staff turnover remains high.", None),
])
def test_a_sentence_says_whether_there_were_none_of_a_thing(sentence, says):
    from ofsted_rag.reading import says_none
    from ofsted_rag.support import content_words

    assert says_none(sentence, frozenset(content_words("priority actions"))) is says


def test_the_chairman_of_an_attendance_list_is_the_chair_a_question_asks_about():
    from ofsted_rag.support import content_words

    assert "chair" in content_words("Present: Councillors A Patel (Chairwoman), B Okafor")
    assert content_words("who chaired the panel?") & content_words("Cllr R Hughes (Chairman)") == {"chair"}


def test_the_doubled_s_of_focussed_is_the_same_word_as_focused():
    from ofsted_rag.support import content_words

    assert content_words("the focussed visit") == content_words("the focused visit")


def test_a_clause_opening_with_after_sets_the_scene_and_asks_for_no_judgement():
    """"After X was found inadequate, has the council set up ...?" asks whether something was
    done; the judgement is the time it was done after, not what is asked for."""
    from ofsted_rag.query import answer_kinds

    assert "judgement" not in answer_kinds("After care leavers' services were found inadequate, has Barsetshire set up a new team?")
    assert "judgement" not in answer_kinds("Following the inspection that rated it inadequate, what did the council change?")
    assert "judgement" in answer_kinds("What was Barsetshire rated after the 2019 inspection?")
    assert "judgement" not in answer_kinds("Were Barsetshire's care plans up to date by the time inspectors judged it inadequate?")


def test_a_plain_word_named_only_in_a_clause_setting_the_scene_sets_it(analyse):
    """"after Ofsted's March inspection" says which inspection is meant: its words are the
    scene, not what the question says declined."""
    query = analyse("why were barsetshire's services downgraded after ofsted's march inspection?")
    assert (frozenset({"inspect"}),) in query.topic.setting_terms
    assert (frozenset({"inspect"}),) not in query.declined


def test_a_clause_setting_the_scene_after_the_ask_asks_for_nothing():
    """"which partner was named after the inadequate judgement?" asks for a partner: the
    judgement only says when."""
    from ofsted_rag.query import answer_kinds

    assert "judgement" not in answer_kinds("Which organisation was named as Barsetshire's improvement partner after the inadequate judgement?")
    assert "judgement" in answer_kinds("What was Barsetshire rated after the 2019 inspection?")
    assert "judgement" not in answer_kinds("Had Barsetshire fixed the problems found in 2014 by the time it was rated inadequate?")


def test_special_needs_in_everyday_words_names_send(analyse):
    query = analyse("what did the SEND inspection find?")
    assert query.topic.terms_covered(passage_words("Support for children with special needs was patchy.")) == 1.0


def test_a_grade_the_judged_services_have_now_reached_is_stated_however_far_back_they_were_named():
    assert judgements_in("Eastmere's services, which inspectors judged good three years ago after a long climb, "
                         "are now outstanding.") == {"good", "outstanding"}
    assert judgements_in("Relationships with partners are now good.") == set()
    assert judgements_in("It is now good practice to ask children first.") == set()


def test_an_area_send_outcome_named_in_a_question_is_taken_as_found(analyse):
    query = analyse("Why did the joint inspection find systemic failings in Rutland's SEND support?")
    assert query.presumed_judgement == "send_failings"
    assert analyse("Why does Rutland's SEND system typically lead to positive outcomes?").presumed_judgement == "send_positive"


def test_an_area_send_outcome_named_under_a_denial_is_not_taken_as_found(analyse):
    assert analyse("Why were there no systemic failings found in Rutland's SEND services?").presumed_judgement is None


def test_an_area_send_outcome_in_its_set_words_is_a_judgement_stated(analyse):
    assert judgements_in("The partnership's arrangements lead to inconsistent experiences and outcomes for "
                         "children with SEND.") == {"send_inconsistent"}
    # The three outcomes listed name the scale, not one of them.
    assert judgements_in("An area may typically lead to positive experiences and outcomes, lead to inconsistent "
                         "experiences and outcomes, or show widespread and/or systemic failings.") == set()


def test_a_count_of_things_stated_in_a_question_is_taken_for_granted(analyse):
    assert analyse("why did ofsted give rutland three priority actions?").counted == ((3, "priority actions"),)


def test_a_count_given_as_a_bound_an_age_or_a_yes_no_question_is_not_taken_for_granted(analyse):
    assert analyse("why did more than ten children wait for a social worker in rutland?").counted == ()
    assert analyse("what help do rutland's homeless 16 and 17 year olds get?").counted == ()
    assert analyse("did ofsted give rutland three priority actions?").counted == ()


def test_how_often_a_why_question_says_something_happens_is_taken_for_granted(analyse):
    assert analyse("why does rutland's fostering panel sit only every two months?").frequency == (
        ("every two months", "every two months"),)
    assert analyse("why are rutland's placement reviews held twice a year?").frequency == (("twice a year", "twice a year"),)


def test_a_frequency_that_describes_what_is_asked_about_or_is_asked_for_is_not_taken_for_granted(analyse):
    assert analyse("what did rutland's yearly safeguarding report say about neglect?").frequency == ()
    assert analyse("how often does rutland's fostering panel sit?").frequency == ()
    assert analyse("why might rutland's panel sit monthly?").frequency == ()


def test_a_post_a_question_says_someone_holds_is_taken_for_granted(analyse):
    assert analyse("why did DCS Ann Lee leave rutland?").posts == (("Lee", "DCS"),)
    assert analyse("why did Cllr Kemp take over as Rutland's Cabinet Member for Children and Families?").posts == (
        ("Kemp", "Cabinet Member for Children and Families"),)


def test_a_post_placed_in_time_or_asked_about_is_not_taken_for_granted(analyse):
    assert analyse("why did former DCS Ann Lee leave rutland?").posts == ()
    assert analyse("was Ann Lee the DCS in rutland?").posts == ()
    assert analyse("who is the chair of Rutland's Children and Families Scrutiny Panel?").posts == ()


def test_the_people_a_question_names_are_read_with_their_titles(analyse):
    assert analyse("why did Cllr Ray Hunt praise rutland's fostering service?").people == ("Cllr Ray Hunt",)
    assert analyse("what did Dr Ann Lee tell the Children's Scrutiny Panel?").people == ("Dr Ann Lee",)
    assert analyse("what did the Scrutiny Panel say about fostering in the West Midlands?").people == ()


def test_a_grade_marked_down_to_is_the_grade_taken_for_granted(analyse):
    query = analyse("why did inspectors mark rutland's fostering service down to requires improvement?")
    assert (query.presumed_judgement, query.presumed_relation) == ("requires_improvement", "")


def test_a_question_asking_what_inspectors_rated_asks_for_a_judgement(analyse):
    assert "judgement" in analyse("what did inspectors rate rutland's help for care leavers?").kinds
    # The noun, and anyone else's view, ask for no grade.
    assert "judgement" not in analyse("did the rate of repeat referrals fall in rutland?").kinds
    assert "judgement" not in analyse("how do rutland's foster carers rate the training?").kinds


def test_a_why_question_saying_something_was_turned_down_takes_that_for_granted(analyse):
    query = analyse("why did rutland's cabinet turn down the new short breaks policy?")
    assert query.presumed_stance == "rejected"
    assert analyse("why did rutland's cabinet approve the new short breaks policy?").presumed_stance == "accepted"
    assert analyse("did rutland's cabinet turn down the new short breaks policy?").presumed_stance is None


def test_a_question_saying_who_chairs_a_body_takes_that_for_granted(analyse):
    assert analyse("why does the lead member chair the fostering panel?").chair == ("the lead member", "the fostering panel")
    assert analyse("why was the DCS made chair of Eastmere's safeguarding board?").chair == (
        "the DCS", "Eastmere's safeguarding board")
    assert analyse("what did Tom Bell report as chair of the review group?").chair == ("Tom Bell", "the review group")


def test_a_question_asking_who_chairs_a_body_takes_no_one_for_granted(analyse):
    assert analyse("who chairs the fostering panel?").chair is None
    assert analyse("does the lead member chair the fostering panel?").chair is None
    assert analyse("what did the conference chairs say about the new forms?").chair is None


def test_the_words_of_deciding_are_not_what_a_question_says_was_moved(analyse):
    query = analyse("why did the borough decide to outsource its youth service?")
    assert not {w for alts in query.transferred for alt in alts for w in alt} & {"decid", "decis"}


def test_a_grade_said_not_to_have_been_given_is_no_judgement():
    assert judgements_in("There were no areas that were judged to be inadequate.") == set()
    assert judgements_in("The fostering service was not rated outstanding this time.") == set()
    assert judgements_in("No service was judged inadequate, and the council was judged good.") == {"good"}


def test_an_inspection_named_by_its_grade_gives_that_grade():
    assert judgements_in("Services are now good, six years after an 'inadequate' inspection.") >= {"inadequate"}


def test_a_grade_found_by_a_named_inspectorate_or_given_to_the_whole_is_a_judgement():
    assert judgements_in("The youth justice service was found by the probation inspectorate to be good.") == {"good"}
    assert judgements_in("Inspectors rate the adoption agency outstanding overall, but want quicker matching.") == {"outstanding"}
    assert judgements_in("The picture is good overall.") == set()
    assert judgements_in("Pupils made good overall progress.") == set()
