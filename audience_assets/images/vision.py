"""The vision ranker: asks a multimodal model served by Ollama (llava, gemma3, qwen2.5vl)
how well each picture fits the post, through Ollama's /api/chat with `images`.

No vision model ships on any registry this project's machines reach, so this ranker is
tested only at its boundary: the request it builds, how it reads an answer, and what it
does when the server lacks the model (VisionUnavailable, and the caller falls back to
the offline ranker). Enable it with OLLAMA_VISION_MODEL on a host that serves one.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from audience_assets.images.crawl import Candidate, Post
from audience_assets.images.rank import VISION_EVIDENCE, OfflineRanker, Ranker

PROMPT_PATH = Path(__file__).resolve().parents[2] / "prompts" / "images" / "vision.v1.md"
DEFAULT_HOST = "http://127.0.0.1:11434"
ANSWER_SCHEMA = {"type": "object", "required": ["score", "reason"],
                 "properties": {"score": {"type": "number"}, "reason": {"type": "string"}}}


class VisionUnavailable(RuntimeError):
    """The server does not answer or does not serve the model (or it cannot see)."""


def build_request(model: str, post: Post, image_bytes: bytes,
                  prompt_template: str | None = None) -> dict[str, Any]:
    template = prompt_template or PROMPT_PATH.read_text(encoding="utf-8")
    prompt = template.format(post=post.text or "(sin texto)", programme=post.programme,
                             channel=post.channel, date=post.date)
    return {"model": model, "stream": False, "format": ANSWER_SCHEMA,
            "options": {"temperature": 0},
            "messages": [{"role": "user", "content": prompt,
                          "images": [base64.b64encode(image_bytes).decode("ascii")]}]}


def parse_answer(body: dict[str, Any]) -> tuple[float, str]:
    """(score 0-1, reason) from an /api/chat answer; (0, why) when it is not usable."""
    content = str((body.get("message") or {}).get("content") or "")
    try:
        data = json.loads(content)
        score = float(data["score"])
    except (ValueError, KeyError, TypeError):
        return 0.0, f"vision: unreadable answer {content[:60]!r}"
    return min(max(score, 0.0), 10.0) / 10.0, f"vision: {str(data.get('reason', ''))[:120]}"


@dataclass
class VisionRanker:
    model: str
    host: str = DEFAULT_HOST
    timeout_s: float = 120.0
    name: str = "vision"
    checks_evidence: bool = True

    def score(self, post: Post, candidates: Sequence[Candidate]
              ) -> list[tuple[float, list[str]]]:
        out = []
        for cand in candidates:
            request = build_request(self.model, post, Path(cand.path).read_bytes())
            try:
                response = requests.post(f"{self.host}/api/chat", json=request,
                                         timeout=self.timeout_s)
                response.raise_for_status()
                score, reason = parse_answer(response.json())
            except (requests.RequestException, ValueError) as exc:
                score, reason = 0.0, f"vision: no answer ({exc.__class__.__name__})"
            reasons = [reason]
            if score >= VISION_EVIDENCE:
                reasons.append(f"vision: shows the programme (score {score:.2f})")
            out.append((score, reasons))
        return out


def ollama_vision_ranker(model: str, host: str = "", timeout_s: float = 120.0) -> VisionRanker:
    """A VisionRanker once the server says it serves `model` and the model sees images."""
    host = (host or DEFAULT_HOST).rstrip("/")
    if "://" not in host:
        host = f"http://{host}"
    try:
        response = requests.post(f"{host}/api/show", json={"model": model}, timeout=10)
    except requests.RequestException as exc:
        raise VisionUnavailable(f"Ollama at {host} does not answer ({exc})") from None
    if response.status_code == 404:
        raise VisionUnavailable(f"Ollama at {host} does not serve {model}")
    if response.status_code != 200:
        raise VisionUnavailable(f"Ollama at {host}: HTTP {response.status_code}")
    capabilities = response.json().get("capabilities")
    if capabilities is not None and "vision" not in capabilities:
        raise VisionUnavailable(f"{model} cannot see images (capabilities: {capabilities})")
    return VisionRanker(model, host, timeout_s)


def choose_ranker(vision_model: str = "", ollama_host: str = "") -> tuple[Ranker, str]:
    """The vision ranker when `vision_model` is set and served, else the offline one; the
    second value says which and why (shown in metadata and logs)."""
    if vision_model:
        try:
            return ollama_vision_ranker(vision_model, ollama_host), f"vision ({vision_model})"
        except VisionUnavailable as exc:
            return OfflineRanker(), f"offline (vision model unavailable: {exc})"
    return OfflineRanker(), "offline"
