"""Which documents a question naming a council may be answered from (engine.Engine.scope).

The documents are invented for these tests, in the shapes of real pages: a ModernGov agenda-item
page that names no council (its council is in its file name only), a local paper's article whose
site is named after the county, and one council's minutes that mention another council in passing.
"""

from __future__ import annotations

import pytest

from conftest import engine_over
from ofsted_rag.engine import Engine

FILES = {
    # The council is named by the host in the file name alone.
    "rutland.moderngov.co.uk__mgAi.aspx_ID=501.txt": """\
Agenda item

Ofsted focused visit outcome

Minutes:

The Head of Service reported that inspectors had found that return home interviews for children
who go missing were completed within 72 hours in nine cases out of ten.
""",
    # A paper named after the county; the article says only "the council".
    "www.shropshirestar.com__news_2024_03_22_improvement-board.txt": """\
The council has set up a children's improvement board to oversee its response to the Ofsted
inspection, which found that too many children waited too long for an assessment.
""",
    # Recorded as Wiltshire's; names Dorset only as a partner.
    "wiltshire-cyp-scrutiny-2023-02-08.txt": """\
Wiltshire Council
Minutes of the Children's Select Committee held on 8 February 2023
4. Fostering recruitment
Members heard that the fostering service had approved 14 new households this year, and that a
joint recruitment campaign with Dorset Council had been discussed but not agreed.
""",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory, embedder) -> Engine:
    return engine_over(FILES, tmp_path_factory.mktemp("scope") / "pages", embedder)


def test_a_council_named_only_in_a_file_name_is_answered_from_that_file(engine):
    answer = engine.ask("What did Rutland's report say about return home interviews?")
    assert not answer.refused, answer.text
    assert "return home interviews" in answer.text


def test_a_site_named_after_the_county_names_that_council(engine):
    found = engine.gather("What board did Shropshire set up after the Ofsted inspection?")
    assert found.refusal is None
    assert any("improvement board" in h.passage.text for h in found.hits)


def test_a_council_nothing_in_the_store_names_is_refused_as_not_covered(engine):
    answer = engine.ask("What did Ofsted say about Cumbria's fostering service?")
    assert answer.refused
    assert "do not cover Cumbria" in answer.text


def test_another_councils_minutes_naming_a_council_in_passing_do_not_speak_for_it(engine):
    found = engine.gather("How many fostering households did Dorset approve?")
    assert {h.standing for h in found.hits if "14 new households" in h.passage.text} == {0.0}
    assert engine.ask("How many fostering households did Dorset approve?").refused


def test_asked_which_councils_stand_in_relation_to_a_named_council_its_partners_minutes_answer(engine):
    found = engine.gather("Which councils talked about a joint fostering campaign with Dorset?")
    assert found.query.across_councils
    assert {h.standing for h in found.hits if "14 new households" in h.passage.text} == {1.0}
    answer = engine.ask("Which councils talked about a joint fostering campaign with Dorset?")
    assert not answer.refused
    assert any("Wiltshire" in (c.passage.council or "") for c in answer.citations)


def test_a_council_misspelt_in_the_question_is_answered_from_its_documents(engine):
    question = "What did Rutlnd's report say about return home interviews?"
    assert [a.name for a in engine.analyse(question).councils] == ["Rutland"]
    answer = engine.ask(question)
    assert not answer.refused, answer.text
    assert {c.passage.file_name for c in answer.citations} == {"rutland.moderngov.co.uk__mgAi.aspx_ID=501.txt"}


def test_a_council_misspelt_into_its_own_stem_is_read_as_that_council(tmp_path, embedder):
    """A stemmer drops the double l of "Sandwell": "sandwel" is its stem, not a word the pages use."""
    engine = engine_over({
        "sandwell-scrutiny-2023-03-13.txt":
            "Sandwell Metropolitan Borough Council\n\nMinutes of the Children's Scrutiny Board held on 13 March 2023\n\n"
            "4. Fostering\n\nThe Board noted that the fostering service had recruited 12 new carers.\n",
    }, tmp_path / "pages", embedder)
    assert [a.name for a in engine.analyse("how many foster carers did sandwel's service recruit?").councils] == ["Sandwell"]


def test_a_page_whose_address_names_a_council_speaks_for_it_though_its_text_names_another_formally(tmp_path, embedder):
    """A local site's story about its island names the neighbouring county council, which took over
    its services, in full; the island only in everyday words and in the page's address."""
    engine = engine_over({
        "www.islandnews.co.uk__isle-of-wight-child-protection-ofsted.txt":
            "Ofsted names the Isle of Wight among the weakest areas for child protection\n\n"
            "Earlier this year Hampshire County Council took over running the island's child protection "
            "services under a partnership agreement.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("Who is responsible for child protection services on the Isle of Wight now?")
    assert found.refusal is None
    # It opens on the island and names the county only further down, so the county is not
    # recorded as its council: a page of unrecorded council naming the island is the island's.
    assert {h.standing for h in found.hits if "took over" in h.passage.text} == {1.0}


def test_a_successor_councils_document_speaks_for_the_council_it_took_over_from(tmp_path, embedder):
    """Cumberland took over Cumbria's children's services in 2023: its press release recalling
    'the former Cumbria County Council' is no passing mention of Cumbria."""
    engine = engine_over({
        "cumberland-news-ofsted-2025.txt":
            "Cumberland Council\n\nCumberland Council has been rated good in its first inspection of children's services.\n\n"
            "Children's services at the former Cumbria County Council were judged inadequate in 2015 and "
            "requires improvement to be good in 2017.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("How had Ofsted judged Cumbria's children's services before the new councils?")
    assert found.refusal is None
    assert {h.standing for h in found.hits if "former Cumbria" in h.passage.text} == {0.5}



def test_a_story_recorded_as_one_council_whose_lead_names_another_speaks_for_both(tmp_path, embedder):
    """A council's story on a board it shares is recorded as its own; its lead reports the other
    council's inspection, which is no passing mention."""
    engine = engine_over({
        "www.anytown-gazette.co.uk__news_shared-board-praised.txt":
            "Rutland County Council\n\nRutland safeguarding board praised by inspectors\n\n"
            "The Rutland safeguarding board has been praised after an Ofsted inspection of children's services in "
            "Leicestershire, whose council runs them for both areas.\n\n"
            "Inspectors rated the county's services good, with outstanding leadership.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("How did Ofsted rate Leicestershire's children's services?")
    assert found.refusal is None
    assert {h.standing for h in found.hits if "rated the county" in h.passage.text} == {0.5}


def test_across_councils_each_councils_passages_naming_more_of_the_asked_thing_come_first(tmp_path, embedder):
    # Invented minutes of two councils: many points name contacts or the front door, two name a
    # backlog, one names a judgement.
    engine = engine_over({
        "rutland-minutes-2023.txt": (
            "Rutland County Council\nChildren's Scrutiny Panel, 12 March 2023\n\n"
            "1. The Head of Service described how the front door team works with partners.\n\n"
            "2. Members heard that a backlog of contacts had built up at the front door over the summer.\n\n"
            "3. Contacts from schools made up a third of all contacts.\n\n"
            "4. Inspectors judged the early help offer to be good.\n"),
        "torbay-minutes-2023.txt": (
            "Torbay Council\nChildren's Overview and Scrutiny Board, 4 May 2023\n\n"
            "1. Officers reported that contacts at the front door were screened within a day.\n\n"
            "2. A backlog of assessments had been cleared by April.\n\n"
            "3. Police contacts were the largest share of contacts.\n\n"
            "4. Partners praised the front door.\n"),
    }, tmp_path / "pages", embedder)
    passages = {p.text[:12]: p for p in engine.retriever.passages}
    order = engine._by_rarity(engine.analyse("which councils had backlogs of contacts at the front door?"))
    # The point naming the backlog, the contacts and the front door comes before those naming less.
    assert order(passages["2. Members h"]) < order(passages["1. The Head "]) < order(passages["4. Inspector"])
    assert order(passages["2. Members h"]) < order(passages["3. Contacts "])
    # "judged" is how a grade is given, not what is asked about; nor is a thing only one passage names.
    judged = engine._by_rarity(engine.analyse("which councils were judged on their contacts?"))
    assert judged(passages["4. Inspector"]) == judged(passages["1. The Head "])
    assert engine._by_rarity(engine.analyse("which councils were judged good for early help?")) is None


REGION_FILES = {
    "knowsley-childrens-scrutiny-2022-06-14.txt":
        "Knowsley Metropolitan Borough Council\nChildren's Scrutiny Committee, 14 June 2022\n\n"
        "5. Fostering sufficiency\n\nMembers heard that the fostering service had approved nine new households "
        "and that a campaign for carers of teenagers would start in the autumn.\n",
    "kent-cabinet-committee-2022-07-05.txt":
        "Kent County Council\nChildren's Cabinet Committee, 5 July 2022\n\n"
        "6. Fostering sufficiency\n\nThe committee heard that the fostering service had approved thirty new "
        "households and that carers of teenagers would receive a higher allowance.\n",
}


@pytest.fixture(scope="module")
def region_engine(tmp_path_factory, embedder) -> Engine:
    return engine_over(REGION_FILES, tmp_path_factory.mktemp("regions") / "pages", embedder)


def test_a_question_across_a_region_is_answered_from_that_regions_councils_only(region_engine):
    question = "Which councils in Merseyside approved new fostering households?"
    assert region_engine.analyse(question).regions == ("Merseyside",)
    answer = region_engine.ask(question)
    assert not answer.refused, answer.text
    assert {c.passage.council for c in answer.citations} == {"Knowsley Metropolitan Borough Council"}


def test_a_region_with_no_council_in_the_store_is_refused_as_not_covered(region_engine):
    answer = region_engine.ask("Which councils in the South West approved new fostering households?")
    assert answer.refused
    assert "do not cover any council in South West" in answer.text


def test_a_sentence_naming_the_council_speaks_for_it_in_another_councils_story(tmp_path, embedder):
    """A council's press release on two councils' ratings is recorded as its own; a sentence of
    it naming the other council says how that council was judged."""
    engine = engine_over({
        "www.rutland.gov.uk__news_ofsted-ratings-for-both-councils.txt":
            "Rutland children's services rated good\n\n"
            "Rutland County Council's children's services have been rated good by Ofsted, the council announced today.\n\n"
            "The council shares a fostering team with its neighbour.\n\n"
            "Leicestershire County Council was judged to give its care leavers exceptional help into training and work.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("What did Ofsted say Leicestershire does for its care leavers?")
    assert not answer.refused
    assert "exceptional help into training" in answer.text


def test_a_local_papers_story_naming_no_council_speaks_for_the_council_of_its_town(tmp_path, embedder):
    """A paper named after a town ("the Hexham Courier") says "the county" and never names it:
    its host's town is in the council asked about."""
    engine = engine_over({
        "www.hexhamcourier.co.uk__news_county-fostering-praised.txt":
            "Fostering service praised by inspectors\n\n"
            "The county's fostering service has been praised by Ofsted, which found that carers are well trained and "
            "supported by their supervising social workers.\n",
    }, tmp_path / "pages", embedder)
    found = engine.gather("What did Ofsted say about Northumberland's foster carers?")
    assert found.refusal is None
    assert {h.standing for h in found.hits} == {1.0}
