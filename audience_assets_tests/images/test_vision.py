"""The vision ranker at its boundary only: no vision model is available here (none ships
on a reachable registry). The request it builds, how it reads answers, and a real Ollama
server without the model."""

from __future__ import annotations

import base64
import json

import pytest

from audience_assets.images.crawl import Post
from audience_assets.images.rank import OfflineRanker
from audience_assets.images.vision import (
    VisionUnavailable,
    build_request,
    choose_ranker,
    ollama_vision_ranker,
    parse_answer,
)

POST = Post("2026-01-12", "@laruletasuerte", "@antena3com",
            "@laruletasuerte reunió 2.620.000 espectadores únicos en @antena3com.")


def test_request_carries_model_prompt_and_picture() -> None:
    request = build_request("llava:7b", POST, b"\xff\xd8jpeg")
    assert request["model"] == "llava:7b" and request["stream"] is False
    assert request["format"]["required"] == ["score", "reason"]
    message = request["messages"][0]
    assert base64.b64decode(message["images"][0]) == b"\xff\xd8jpeg"
    assert POST.text in message["content"] and "2026-01-12" in message["content"]
    assert "@antena3com" in message["content"]
    json.dumps(request)  # what goes on the wire


@pytest.mark.parametrize(("content", "score", "reason"), [
    ('{"score": 8, "reason": "muestra el plató"}', 0.8, "vision: muestra el plató"),
    ('{"score": 14, "reason": "x"}', 1.0, "vision: x"),
    ("la imagen es buena", 0.0, "vision: unreadable answer"),
    ('{"reason": "sin nota"}', 0.0, "vision: unreadable answer"),
])
def test_answers_are_read_or_scored_zero(content: str, score: float, reason: str) -> None:
    got_score, got_reason = parse_answer({"message": {"role": "assistant", "content": content}})
    assert got_score == score and got_reason.startswith(reason)


def test_no_server_falls_back_to_the_offline_ranker() -> None:
    ranker, why = choose_ranker("llava:7b", "http://127.0.0.1:9")
    assert isinstance(ranker, OfflineRanker) and why.startswith("offline (vision model")


@pytest.mark.integration
def test_a_server_without_the_model_is_unavailable(ollama_server) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(VisionUnavailable, match="does not serve llava-absent"):
        ollama_vision_ranker("llava-absent:7b", ollama_server.host)
    ranker, why = choose_ranker("llava-absent:7b", ollama_server.host)
    assert isinstance(ranker, OfflineRanker) and "does not serve" in why
