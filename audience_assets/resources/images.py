"""Where image sources come from and how politely they are crawled."""

from __future__ import annotations

import dagster as dg

from audience_assets.paths import DEFAULT_IMAGES_SOURCES
from audience_assets.resources import setting_field


class ImagesResource(dg.ConfigurableResource):
    """Image sources file, crawl politeness and the optional vision model."""

    sources_file: str = setting_field("AUDIENCE_IMAGES_CONFIG",
                                      "Client-edited sources and default pictures",
                                      default=str(DEFAULT_IMAGES_SOURCES))
    delay_s: float = setting_field("AUDIENCE_IMAGES_DELAY_S",
                                   "Seconds between two requests to the same host", ge=0)
    timeout_s: float = setting_field("AUDIENCE_IMAGES_TIMEOUT_S", "Connect and read timeout",
                                     gt=0)
    max_bytes: int = setting_field("AUDIENCE_IMAGES_MAX_BYTES",
                                   "Largest page or picture downloaded", gt=0)
    user_agent: str = setting_field("AUDIENCE_IMAGES_USER_AGENT", "The crawler's User-Agent")
    vision_model: str = setting_field(
        "OLLAMA_VISION_MODEL", "Ollama vision model (llava, gemma3, qwen2.5vl) that ranks "
        "the pictures when the server has it; empty: offline ranker")
    ollama_host: str = setting_field("OLLAMA_HOST", "The Ollama server of the vision model")
