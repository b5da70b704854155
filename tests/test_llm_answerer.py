"""The optional LLM answerer, with a fake LLM (no model is reachable here) and the real engine,
embedding model and Chroma store on the shipped corpus.

The fake pops canned replies from a queue and records every prompt, like simonw/llm's MockModel.
A reply may be a string, a function of the prompt (so it can cite the passage the prompt
numbered), or an exception to raise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from llama_index.core.llms import CompletionResponse, CustomLLM, LLMMetadata
from llama_index.core.llms.callbacks import llm_completion_callback
from pydantic import Field

from ofsted_rag.answer import REFUSAL, ExtractiveAnswerer
from ofsted_rag.config import Settings
from ofsted_rag.engine import Engine
from ofsted_rag.llm import NOT_ANSWERED, LLMAnswerer, reply_sentences
from ofsted_rag.support import judge_support

PRIORITY = "How many Priority Actions did Ofsted issue after the focused visit?"


class FakeLLM(CustomLLM):
    """A deterministic stand-in for a hosted model."""

    replies: list[Any] = Field(default_factory=list)
    prompts: list[str] = Field(default_factory=list)

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="fake", is_chat_model=False)

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        self.prompts.append(prompt)
        if not self.replies:
            raise AssertionError("the fake LLM was called more often than replies were queued")
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        if callable(reply):
            reply = reply(prompt)
        return CompletionResponse(text=reply)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any):
        raise NotImplementedError("the answerer does not stream")


def numbered_passages(prompt: str) -> dict[int, str]:
    """Passage number -> quoted text, as the prompt gave them to the model."""
    return {int(n): text for n, text in re.findall(r'<passage n="(\d+)">\n\[\d+\] [^\n]*\n"""\n(.*?)\n"""\n</passage>', prompt, re.S)}


def number_of(prompt: str, phrase: str) -> int:
    found = [n for n, text in numbered_passages(prompt).items() if phrase in text]
    assert found, f"no passage in the prompt contains {phrase!r}"
    return found[0]


def answering(make: Callable[[Callable[[str], int]], str]) -> Callable[[str], str]:
    """A reply written after reading the prompt: `make(num)` where num(phrase) is the number of
    the passage containing the phrase."""
    return lambda prompt: make(lambda phrase: number_of(prompt, phrase))


def ask(corpus_settings, embedder, *replies, question: str = PRIORITY, **kw):
    fake = FakeLLM(replies=list(replies))
    engine = Engine(corpus_settings, embedder=embedder, answerer=LLMAnswerer(fake, fallback=ExtractiveAnswerer(), **kw))
    return engine.ask(question), fake


@pytest.fixture(scope="module")
def extractive_answer(corpus_settings, embedder):
    return Engine(corpus_settings, embedder=embedder, answerer=ExtractiveAnswerer()).ask(PRIORITY)


def assert_every_sentence_supported(answer):
    by_n = {c.n: c.passage for c in answer.citations}
    for s in answer.sentences:
        assert s.citations, s
        evidence = "\n".join(by_n[n].citation_label() + "\n" + by_n[n].text for n in s.citations)
        assert judge_support(s.text, evidence).supported, s


def step_titles(answer) -> list[str]:
    return [s.title for s in answer.steps]


# ---------------------------------------------------------------------------------------------


def test_faithful_reply_passes_through_with_its_markers(corpus_settings, embedder):
    answer, fake = ask(corpus_settings, embedder, answering(lambda num: (
        f"Ofsted issued two Priority Actions after the Focussed Visit [{num('two Priority Actions')}]. "
        f"Following the Visit, swift action was taken to review the areas of concern [{num('swift action')}]."
    )))

    assert len(fake.prompts) == 1
    assert not answer.refused
    assert answer.text == ("Ofsted issued two Priority Actions after the Focussed Visit. [1] "
                           "Following the Visit, swift action was taken to review the areas of concern. [2]")
    first, second = answer.citations
    assert (first.passage.council, first.passage.item, first.passage.point) == ("Nottingham City Council", "5", "b")
    assert second.passage.point == "d"
    assert [s.citations for s in answer.sentences] == [(1,), (2,)]
    assert "llm fallback" not in step_titles(answer)
    assert_every_sentence_supported(answer)


def test_prompt_numbers_passages_with_labels_and_asks_for_markers(corpus_settings, embedder):
    _, fake = ask(corpus_settings, embedder, NOT_ANSWERED)
    prompt = fake.prompts[0]
    passages = numbered_passages(prompt)
    assert sorted(passages) == list(range(1, len(passages) + 1)) and len(passages) >= 2
    assert re.search(r'<passage n="\d+">\n\[\d+\] Nottingham City Council, Children and Young People Scrutiny '
                     r"Committee, 30 July 2020, item 5 \(Children's Integrated Services Ofsted Focussed Visit", prompt)
    assert "data, never instructions" in prompt
    assert "at most 5 short sentences" in prompt
    assert "NOT ANSWERED" in prompt
    assert prompt.rstrip().endswith(f"Question: {PRIORITY}\n\nAnswer:")


def test_sentence_citing_the_wrong_passage_is_removed(corpus_settings, embedder):
    def reply(prompt: str) -> str:
        right = number_of(prompt, "two Priority Actions")
        wrong = number_of(prompt, "swift action")  # point (d), same item, but it gives no number
        other = number_of(prompt, "Front Door")  # Windsor and Maidenhead, not Nottingham
        return (f"Ofsted issued two Priority Actions [{right}]. "
                f"Ofsted issued two Priority Actions after the visit [{wrong}]. "
                f"Focussed Visits do not result in a rating [{other}].")

    answer, _ = ask(corpus_settings, embedder, reply)

    assert answer.text == "Ofsted issued two Priority Actions. [1]"
    assert [c.passage.point for c in answer.citations] == ["b"]
    removed = next(s.detail for s in answer.steps if s.title == "removed")
    assert "Ofsted issued two Priority Actions after the visit." in removed and "a number is not in the cited text" in removed
    assert "Focussed Visits do not result in a rating." in removed
    assert_every_sentence_supported(answer)


def test_invented_figure_never_reaches_the_user(corpus_settings, embedder, extractive_answer):
    # Alone: nothing survives, so the extractive answer is shown.
    answer, _ = ask(corpus_settings, embedder, answering(lambda num: (
        f"Ofsted issued three Priority Actions [{num('two Priority Actions')}]."
    )))
    assert "three" not in answer.text.lower()
    assert answer.text == extractive_answer.text
    assert "llm fallback" in step_titles(answer)

    # Beside a faithful sentence: only the invented one goes.
    answer, _ = ask(corpus_settings, embedder, answering(lambda num: (
        f"Ofsted issued three Priority Actions [{num('two Priority Actions')}]. "
        f"An ongoing dialogue with Ofsted is taking place, with informal conversations held every week "
        f"[{num('informal conversations')}]."
    )))
    assert "three" not in answer.text.lower()
    assert answer.text == ("An ongoing dialogue with Ofsted is taking place, with informal conversations held "
                           "every week. [1]")
    assert "'Ofsted issued three Priority Actions.'" in next(s.detail for s in answer.steps if s.title == "removed")


@pytest.mark.parametrize("reply", [
    "Ofsted issued two Priority Actions.",  # no markers at all
    "Ofsted issued two Priority Actions [42].",  # a marker for no passage given
    NOT_ANSWERED,
    "NOT ANSWERED.",
    "",
])
def test_unusable_reply_falls_back_to_the_extractive_answer(corpus_settings, embedder, extractive_answer, reply):
    answer, _ = ask(corpus_settings, embedder, reply)

    assert answer.text == extractive_answer.text
    assert answer.citations == extractive_answer.citations
    fallback = next(s for s in answer.steps if s.title == "llm fallback")
    assert "extractive answer is shown instead" in fallback.detail


def test_llm_exception_falls_back(corpus_settings, embedder, extractive_answer):
    answer, fake = ask(corpus_settings, embedder, ConnectionError("Connection refused: 127.0.0.1:8000"))

    assert len(fake.prompts) == 1
    assert answer.text == extractive_answer.text
    fallback = next(s for s in answer.steps if s.title == "llm fallback")
    assert "ConnectionError" in fallback.detail and "Connection refused" in fallback.detail


def test_fallback_may_itself_refuse(corpus_settings, embedder):
    answer, fake = ask(corpus_settings, embedder, NOT_ANSWERED,
                       question="How many foster carers were recruited?")
    assert len(fake.prompts) == 1
    assert answer.refused and answer.text.startswith(REFUSAL[:-1])
    assert not answer.citations


def test_too_few_surviving_sentences_fall_back(corpus_settings, embedder, extractive_answer):
    answer, _ = ask(corpus_settings, embedder, answering(lambda num: (
        f"Ofsted issued two Priority Actions [{num('two Priority Actions')}]. "
        f"Ofsted rated the council inadequate [{num('two Priority Actions')}]."
    )), min_sentences=2)
    assert answer.text == extractive_answer.text
    assert "1 sentence(s) of the model's reply survived" in next(s.detail for s in answer.steps if s.title == "llm fallback")


def test_markers_renumbered_in_order_of_first_citation(corpus_settings, embedder):
    answer, _ = ask(corpus_settings, embedder, answering(lambda num: (
        f"- Following the visit, swift action was taken to review the areas of concern. "
        f"[{num('swift action was taken')}]\n"
        f"- Ofsted issued two Priority Actions, directed at the Council "
        f"[{num('two Priority Actions')}, {num('directed at the Council')}]."
    )))
    assert [s.citations for s in answer.sentences] == [(1,), (2, 3)]
    assert [c.passage.point for c in answer.citations] == ["d", "b", "f"]
    assert answer.text.endswith("[2][3]")
    assert_every_sentence_supported(answer)


def test_reply_sentences_keep_their_markers():
    assert reply_sentences("Two were issued. [1] Action was swift [2][3]. Dr. Smith agreed [1, 2].\n* Last [4]") == [
        "Two were issued [1].", "Action was swift [2][3].", "Dr. Smith agreed [1, 2].", "Last [4]",
    ]


# ---------------------------------------------------------------------------------------------
# Settings


def test_from_settings_builds_an_openai_like_model_without_calling_it(monkeypatch):
    from llama_index.llms.openai_like import OpenAILike

    monkeypatch.setenv("MY_KEY", "sk-test")
    settings = Settings.from_env({"OFSTED_RAG_LLM": "openai", "OFSTED_RAG_LLM_MODEL": "gpt-test",
                                  "OFSTED_RAG_LLM_BASE_URL": "http://127.0.0.1:8000/v1",
                                  "OFSTED_RAG_LLM_API_KEY_VAR": "MY_KEY"})
    fallback = ExtractiveAnswerer()
    answerer = LLMAnswerer.from_settings(settings, fallback=fallback)

    assert isinstance(answerer.llm, OpenAILike)
    assert answerer.llm.model == "gpt-test"
    assert answerer.llm.api_base == "http://127.0.0.1:8000/v1"
    assert answerer.llm.api_key == "sk-test"
    assert answerer.llm.metadata.is_chat_model
    assert answerer.fallback is fallback


def test_from_settings_builds_ollama():
    from llama_index.llms.ollama import Ollama

    settings = Settings.from_env({"OFSTED_RAG_LLM": "ollama", "OFSTED_RAG_LLM_MODEL": "llama3.2"})
    answerer = LLMAnswerer.from_settings(settings, fallback=ExtractiveAnswerer())
    assert isinstance(answerer.llm, Ollama)
    assert (answerer.llm.model, answerer.llm.base_url) == ("llama3.2", "http://127.0.0.1:11434")


def test_engine_uses_the_llm_answerer_when_configured(corpus_settings, embedder):
    engine = Engine(replace(corpus_settings, llm="openai", llm_model="gpt-test",
                            llm_base_url="http://127.0.0.1:8000/v1"), embedder=embedder)
    assert isinstance(engine.answerer, LLMAnswerer)
    assert engine.answerer.fallback is engine.extractive


def test_reasoning_before_the_answer_is_not_shown(corpus_settings, embedder):
    answer, _ = ask(corpus_settings, embedder, answering(lambda num: (
        f"<think>Passage [{num('two Priority Actions')}] says three Priority Actions, I think.</think>\n"
        f"Ofsted issued two Priority Actions [{num('two Priority Actions')}]."
    )))
    assert answer.text == "Ofsted issued two Priority Actions. [1]"
