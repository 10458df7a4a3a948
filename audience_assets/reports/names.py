"""Display names in reports: the profile's own names first, else the names the posts use
(analysis configuration: channel names; `programme_name`'s configured name or casing
rule). This is the report's one call into the shared resolver, so pointing reports at a
new resolver is a change here only."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from audience_assets.analysis.config import AnalysisConfig, normalise_title
from audience_assets.analysis.plan import programme_name
from audience_assets.records import FactSheet

from .profiles import Profile


@dataclass(frozen=True)
class Names:
    profile: Profile
    config: AnalysisConfig

    def channel(self, code: str) -> str:
        return _lookup(self.profile.channel_names, code) or self.config.channel_name(code)

    def programme(self, title: str, description: str = "", genre: str = "") -> str:
        """Description and genre help the posts' resolver name a fixture or a final."""
        return (_lookup(self.profile.programme_names, title)
                or programme_name(FactSheet(title=title, channel="", unique_viewers=0,
                                            avg_audience=0, share=0.0,
                                            description=description, genre=genre),
                                  self.config))


@lru_cache(maxsize=4096)
def _index(items: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {normalise_title(k): v for k, v in items}


def _lookup(names: dict[str, str], key: str) -> str:
    return _index(tuple(names.items())).get(normalise_title(key), "")


def display_names(profile: Profile, config: AnalysisConfig) -> Names:
    return Names(profile, config)
