"""The attempt loop, feedback and fallback, with a fake client (control flow and
error paths only; the real model is exercised in test_ollama_drafting.py)."""

from __future__ import annotations

import json
import socket

import httpx
import ollama
import pytest

from audience_assets.drafting.writing import FreeWriter, GuidedWriter, TemplateWriter, draft_post
from audience_assets.drafting.writing.llm import (
    LLMSettings,
    LLMTimeout,
    LLMUnavailable,
    ModelMissing,
    chat,
)
from audience_assets.records import FactSheet
from audience_assets_tests.drafting.fakes import FakeOllamaClient, fake_judge

SHEET = FactSheet(
    title="@laruletasuerte", channel="@antena3com", unique_viewers=2_620_000,
    avg_audience=1_206_000, share=15.7,
    event="Máximo histórico de espectadores únicos del programa",
)
SETTINGS = LLMSettings(model="fake-model", host="http://127.0.0.1:1",
                       options={"temperature": 0, "seed": 7, "num_predict": 64},
                       timeout_retries=2, backoff_s=0.5)


def figures(sheet: FactSheet) -> list[str]:
    return ["2.620.000", "1.206.000", "15.7%"]


JUDGE = fake_judge(figures)
GOOD = "@laruletasuerte consiguió 2.620.000 espectadores únicos, 1.206.000 y 15.7%."
BAD = "@laruletasuerte consiguió 2.620.000 espectadores únicos."


def test_first_valid_attempt_ends_the_loop_with_timing_fields() -> None:
    client = FakeOllamaClient([GOOD])
    draft = draft_post(SHEET, FreeWriter(client, SETTINGS), JUDGE, fallback=TemplateWriter())
    assert (draft.valid, draft.writer, draft.fell_back, draft.attempt_count) == (
        True, "free", False, 1)
    assert draft.text == GOOD
    attempt = draft.attempts[0]
    assert attempt.eval_count == 10 + len(GOOD)
    assert attempt.eval_duration_ns == 200_000_000
    assert attempt.latency_s >= 0
    assert draft.prompt_name == "drafting/free.v1" and len(draft.prompt_sha256) == 64
    assert client.calls[0]["options"]["seed"] == 7


def test_violations_are_fed_back_and_each_attempt_gets_a_new_seed() -> None:
    client = FakeOllamaClient([BAD, GOOD])
    draft = draft_post(SHEET, FreeWriter(client, SETTINGS), JUDGE, fallback=TemplateWriter())
    assert draft.valid and draft.attempt_count == 2
    assert [a.valid for a in draft.attempts] == [False, True]
    assert {v["rule"] for v in draft.attempts[0].violations} == {"data.missing"}
    second = client.calls[1]["messages"]
    assert second[-2] == {"role": "assistant", "content": BAD}
    assert "falta «1.206.000»" in second[-1]["content"]
    assert "falta «15.7%»" in second[-1]["content"]
    assert client.calls[1]["options"]["seed"] == 8


def test_without_feedback_the_messages_do_not_change() -> None:
    client = FakeOllamaClient([BAD, GOOD])
    draft_post(SHEET, FreeWriter(client, SETTINGS), JUDGE, use_feedback=False)
    assert client.calls[0]["messages"] == client.calls[1]["messages"]


def test_exhausted_attempts_fall_back_to_the_template_and_say_so() -> None:
    client = FakeOllamaClient([BAD])
    draft = draft_post(SHEET, FreeWriter(client, SETTINGS), JUDGE, max_attempts=3,
                       fallback=TemplateWriter())
    assert len(client.calls) == 3
    assert draft.fell_back and draft.writer == "template" and draft.mode == "free"
    assert draft.attempt_count == 3 and len(draft.attempts) == 4
    assert draft.valid and draft.text == TemplateWriter().write(SHEET, network="x").text
    assert draft.model == "fake-model"


def test_without_fallback_the_last_invalid_text_is_kept_and_marked() -> None:
    draft = draft_post(SHEET, FreeWriter(FakeOllamaClient([BAD]), SETTINGS), JUDGE,
                       max_attempts=2, fallback=None)
    assert not draft.valid and draft.status == "invalid" and draft.text == BAD
    assert not draft.fell_back


def test_guided_fills_the_exact_values_and_rejects_bad_placeholders() -> None:
    bad = json.dumps({"frase": "{programa} logró 2.620.000 espectadores.",
                      "hashtags": ["#Ruleta", "#Audiencias"], "emojis": ["📺", "📊"]})
    good = json.dumps({
        "frase": "{evento}: {programa} en {cadena} reunió a {espectadores} espectadores "
                 "únicos, con una audiencia media de {audiencia} y un {cuota} de cuota.",
        "hashtags": ["Audiencias", "#audiencias", "#LaRuletaSuerte"],
        "emojis": ["🎡", "📊📊"]})
    client = FakeOllamaClient([bad, good])
    draft = draft_post(SHEET, GuidedWriter(client, SETTINGS), JUDGE, fallback=TemplateWriter())
    assert draft.valid and draft.attempt_count == 2
    assert draft.attempts[0].violations[0]["rule"] == "writer.output"
    assert "{cadena}" in client.calls[1]["messages"][-1]["content"]
    assert client.calls[0]["format"]["required"] == ["frase", "hashtags", "emojis"]
    assert draft.text == (
        "Máximo histórico de espectadores únicos del programa: @laruletasuerte en @antena3com "
        "reunió a 2.620.000 espectadores únicos, con una audiencia media de 1.206.000 y un "
        "15.7% de cuota. 🎡 📊\n#laruletasuerte #Audiencias")


def test_guided_answer_that_is_not_json_is_an_attempt_with_a_reason() -> None:
    client = FakeOllamaClient(["no es json"])
    draft = draft_post(SHEET, GuidedWriter(client, SETTINGS), JUDGE, max_attempts=1,
                       fallback=TemplateWriter())
    assert draft.fell_back
    assert "JSON" in draft.attempts[0].violations[0]["message"]


def test_server_down_names_ollama_host_and_the_start_script() -> None:
    # The real client against a port nobody listens on: no fake needed here.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        host = f"http://127.0.0.1:{probe.getsockname()[1]}"
    client = ollama.Client(host=host, timeout=5)
    settings = LLMSettings(model="any", host=host)
    with pytest.raises(LLMUnavailable) as caught:
        draft_post(SHEET, FreeWriter(client, settings), JUDGE, fallback=TemplateWriter())
    assert host in str(caught.value)
    assert "OLLAMA_HOST" in str(caught.value) and "scripts/ollama start" in str(caught.value)


def test_model_missing_names_the_model_and_how_to_register_it() -> None:
    client = FakeOllamaClient([ollama.ResponseError("model 'fake-model' not found", 404)])
    with pytest.raises(ModelMissing, match=r"'fake-model'.*scripts/ollama start.*ollama pull"):
        draft_post(SHEET, GuidedWriter(client, SETTINGS), JUDGE)


def test_timeouts_are_retried_with_exponential_backoff() -> None:
    waits: list[float] = []
    client = FakeOllamaClient([httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow"), GOOD])
    reply = chat(client, SETTINGS, [{"role": "user", "content": "x"}], sleep=waits.append)
    assert reply.text == GOOD and waits == [0.5, 1.0]


def test_a_timeout_after_the_retries_costs_one_attempt_then_the_loop_goes_on() -> None:
    timeout = httpx.ReadTimeout("slow")
    client = FakeOllamaClient([timeout, timeout, timeout, GOOD])
    settings = LLMSettings(model="fake-model", timeout_retries=2, backoff_s=0.0)
    draft = draft_post(SHEET, FreeWriter(client, settings), JUDGE, fallback=TemplateWriter())
    assert draft.valid and draft.attempt_count == 2
    assert "timeout" in draft.attempts[0].error
    with pytest.raises(LLMTimeout):
        chat(FakeOllamaClient([timeout]), settings, [], sleep=lambda s: None)


class FakeClock:
    """Each reading advances 10 s: the budget runs out after a known number of attempts."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 10.0
        return self.now


def test_a_spent_budget_stops_the_attempts_and_falls_back_flagged() -> None:
    client = FakeOllamaClient([BAD])
    draft = draft_post(SHEET, FreeWriter(client, SETTINGS), JUDGE, max_attempts=10,
                       fallback=TemplateWriter(), deadline=25.0, clock=FakeClock())
    assert len(client.calls) == 2  # readings at 10 and 20 s start attempts; 30 s does not
    assert draft.fell_back and draft.valid and draft.attempt_count == 2
    assert draft.attempts[-1].error == "time budget spent after 2 of 10 attempt(s)"


def test_a_spent_budget_without_fallback_marks_the_draft_invalid() -> None:
    draft = draft_post(SHEET, FreeWriter(FakeOllamaClient([BAD]), SETTINGS), JUDGE,
                       max_attempts=10, fallback=None, deadline=15.0, clock=FakeClock())
    assert not draft.valid and draft.attempt_count == 1
    assert draft.violations[-1]["rule"] == "time_budget"
