"""Prompt files under prompts/ and how a fact sheet is shown to a model.

Prompts are client-editable Spanish text with `$name` placeholders
(string.Template). Every draft records the prompt's name and the sha256 of the
file it was rendered from, so a change of wording is visible in the results.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from pathlib import Path

from audience_assets.drafting.validation.figures import format_share, format_viewers
from audience_assets.networks import NETWORKS
from audience_assets.paths import prompts_dir
from audience_assets.records import FactSheet

PROMPTS_DIR = prompts_dir()

# The length rule the model is told, per network (audience_assets/networks.py).
NETWORK_LIMITS: dict[str, str] = {key: n.prompt_rule() for key, n in NETWORKS.items()}


class PromptError(ValueError):
    """A prompt file is missing or does not fit the values it is rendered with."""


@dataclass(frozen=True, slots=True)
class Prompt:
    name: str  # e.g. "drafting/free.v1"
    path: Path
    text: str
    sha256: str

    def render(self, **values: str) -> str:
        try:
            return string.Template(self.text).substitute(values)
        except KeyError as exc:
            raise PromptError(
                f"{self.path}: placeholder ${exc.args[0]} has no value "
                f"(available: {', '.join(sorted(values))})"
            ) from exc
        except ValueError as exc:
            raise PromptError(f"{self.path}: {exc} (write a literal $ as $$)") from exc


def load_prompt(name: str, prompts_dir: Path | None = None) -> Prompt:
    """`name` is the path under prompts/ without the `.md` suffix."""
    path = (prompts_dir or PROMPTS_DIR) / f"{name}.md"
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise PromptError(f"prompt file {path} not found") from exc
    text = data.decode("utf-8").strip() + "\n"
    return Prompt(name=name, path=path, text=text, sha256=hashlib.sha256(data).hexdigest())


def network_limit(network: str) -> str:
    try:
        return NETWORK_LIMITS[network]
    except KeyError as exc:
        raise PromptError(
            f"unknown network {network!r}; expected one of {', '.join(NETWORK_LIMITS)}"
        ) from exc


def fact_block(sheet: FactSheet) -> str:
    """The fact sheet as a delimited data block, figures already in house style,
    so the model copies them instead of formatting them."""
    lines = [
        "<datos>",
        f"programa: {sheet.title}",
        f"cadena: {sheet.channel}",
        f"espectadores únicos: {format_viewers(sheet.unique_viewers)}",
        f"audiencia media: {format_viewers(sheet.avg_audience)}",
        f"cuota: {format_share(sheet.share)}",
        f"evento: {sheet.event or '(ninguno)'}",
    ]
    if sheet.genre:
        lines.append(f"género: {sheet.genre}")
    lines.append("</datos>")
    return "\n".join(lines)


def placeholder_block(sheet: FactSheet) -> str:
    """The fact sheet for the guided writer: placeholders instead of values, so
    the model has no figure or handle to copy (or miscopy); the names are only
    shown to choose hashtags and emojis."""
    lines = [
        "<datos>",
        f"programa: {{programa}}  (es {sheet.title})",
        f"cadena: {{cadena}}  (es {sheet.channel})",
        "espectadores únicos: {espectadores}",
        "audiencia media: {audiencia}",
        "cuota: {cuota}",
        f"evento: {{evento}}  (es «{sheet.event}»)" if sheet.event else "evento: (ninguno)",
    ]
    if sheet.genre:
        lines.append(f"género: {sheet.genre}")
    lines.append("</datos>")
    return "\n".join(lines)
