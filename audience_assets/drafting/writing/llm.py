"""One chat call to an Ollama-compatible client, with timing, retries and errors
that say what to do.

The client is anything with the `chat()` of the official `ollama.Client`; the
errors of that client are translated here so callers handle three cases only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import httpx
import ollama


class ChatClient(Protocol):
    """The part of `ollama.Client` the writers use."""

    def chat(
        self,
        model: str = "",
        messages: Sequence[Mapping[str, Any]] | None = None,
        *,
        format: Literal["", "json"] | dict[str, Any] | None = None,
        options: Mapping[str, Any] | None = None,
        keep_alive: float | str | None = None,
    ) -> Any: ...


class LLMError(RuntimeError):
    """Base of the failures a drafting run reports to the operator."""


class LLMUnavailable(LLMError):
    """The server does not answer."""


class ModelMissing(LLMError):
    """The server answers but does not have the model."""


class LLMTimeout(LLMError):
    """The server did not answer in time, even after the retries."""


@dataclass(frozen=True, slots=True)
class LLMSettings:
    model: str
    host: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    keep_alive: str | float | None = None
    timeout_retries: int = 2
    backoff_s: float = 2.0


@dataclass(frozen=True, slots=True)
class LLMReply:
    text: str
    latency_s: float
    eval_count: int = 0
    eval_duration_ns: int = 0
    prompt_eval_count: int = 0
    prompt_eval_duration_ns: int = 0
    load_duration_ns: int = 0
    total_duration_ns: int = 0
    done_reason: str = ""

    @property
    def tokens_per_s(self) -> float:
        return self.eval_count / (self.eval_duration_ns / 1e9) if self.eval_duration_ns else 0.0


def _field(response: Any, name: str) -> Any:
    if isinstance(response, Mapping):
        return response.get(name)
    return getattr(response, name, None)


def _content(response: Any) -> str:
    message = _field(response, "message")
    if message is None:
        return str(_field(response, "response") or "")
    if isinstance(message, Mapping):
        return str(message.get("content") or "")
    return str(getattr(message, "content", "") or "")


def unavailable_message(host: str) -> str:
    where = host or "OLLAMA_HOST (default 127.0.0.1:11434)"
    return (
        f"Ollama at {where} does not answer. Start the project's server with "
        "`scripts/ollama start` and set OLLAMA_HOST to the URL it prints, or point "
        "OLLAMA_HOST at a running Ollama host."
    )


def missing_model_message(model: str, host: str) -> str:
    return (
        f"model {model!r} is not available on Ollama at {host or 'OLLAMA_HOST'}. "
        "The bundled models are registered by `scripts/ollama start` "
        "(infra/ollama/models.json); on another host run `ollama pull "
        f"{model}` there, or set OLLAMA_MODEL to a model it has (`ollama list`)."
    )


def chat(
    client: ChatClient,
    settings: LLMSettings,
    messages: Sequence[Mapping[str, str]],
    *,
    format: dict[str, Any] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> LLMReply:
    """Send `messages`; timeouts are retried with exponential backoff."""
    kwargs: dict[str, Any] = {"options": dict(settings.options)}
    if format is not None:
        kwargs["format"] = format
    if settings.keep_alive is not None:
        kwargs["keep_alive"] = settings.keep_alive
    for attempt in range(settings.timeout_retries + 1):
        started = time.perf_counter()
        try:
            response = client.chat(settings.model, list(messages), **kwargs)
        except httpx.TimeoutException as exc:
            if attempt == settings.timeout_retries:
                raise LLMTimeout(
                    f"Ollama at {settings.host or 'OLLAMA_HOST'} did not answer within the "
                    f"timeout, {attempt + 1} times; raise the resource's timeout or lower "
                    "num_predict"
                ) from exc
            sleep(settings.backoff_s * 2**attempt)
            continue
        except (ConnectionError, httpx.ConnectError, httpx.TransportError) as exc:
            raise LLMUnavailable(unavailable_message(settings.host)) from exc
        except ollama.ResponseError as exc:
            if exc.status_code == 404 and "not found" in str(exc.error).lower():
                raise ModelMissing(missing_model_message(settings.model, settings.host)) from exc
            raise LLMError(f"Ollama refused the request: {exc.error}") from exc
        return LLMReply(
            text=_content(response),
            latency_s=time.perf_counter() - started,
            eval_count=int(_field(response, "eval_count") or 0),
            eval_duration_ns=int(_field(response, "eval_duration") or 0),
            prompt_eval_count=int(_field(response, "prompt_eval_count") or 0),
            prompt_eval_duration_ns=int(_field(response, "prompt_eval_duration") or 0),
            load_duration_ns=int(_field(response, "load_duration") or 0),
            total_duration_ns=int(_field(response, "total_duration") or 0),
            done_reason=str(_field(response, "done_reason") or ""),
        )
    raise AssertionError("unreachable")
