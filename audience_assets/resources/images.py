"""Where image sources come from and how politely they are crawled."""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from audience_assets import settings
from audience_assets.paths import DEFAULT_IMAGES_SOURCES


class ImagesResource(dg.ConfigurableResource):
    """Image sources file, crawl politeness and the optional vision model."""

    sources_file: str = Field(
        default=str(DEFAULT_IMAGES_SOURCES),
        description="Client-edited sources and default pictures (env AUDIENCE_IMAGES_CONFIG).")
    delay_s: float = Field(default=settings.default("AUDIENCE_IMAGES_DELAY_S"),
        ge=0, description="Seconds between two requests to "
                           "the same host (env AUDIENCE_IMAGES_DELAY_S).")
    timeout_s: float = Field(default=settings.default("AUDIENCE_IMAGES_TIMEOUT_S"),
        gt=0, description="Connect and read timeout "
                             "(env AUDIENCE_IMAGES_TIMEOUT_S).")
    max_bytes: int = Field(default=settings.default("AUDIENCE_IMAGES_MAX_BYTES"),
        gt=0, description="Largest page or picture "
                           "downloaded (env AUDIENCE_IMAGES_MAX_BYTES).")
    user_agent: str = Field(default=settings.DEFAULT_USER_AGENT,
                            description="env AUDIENCE_IMAGES_USER_AGENT")
    vision_model: str = Field(
        default="", description="Ollama vision model (llava, gemma3, qwen2.5vl) that ranks the "
        "pictures when the server has it (env OLLAMA_VISION_MODEL); empty: offline ranker.")
    ollama_host: str = Field(default="", description="env OLLAMA_HOST")
