"""The social networks a post is written for, and their facts, stated once: the
validator (length.limit), the prompts (the limit the model is told), the review desk
(the counter beside the text) and the CLIs' --network choices read them here.

Limits are the networks' own published limits; the unit says what each counts:
X weighted characters (twitter-text: an emoji counts 2, a URL 23), Bluesky graphemes
(what a reader sees as one character), Threads Unicode code points. The validator's
settings.yaml may set a lower limit for a client; never a higher one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Network:
    key: str  # the value stored with a draft and passed as --network
    name: str  # as the client reads it
    limit: int  # longest post, in `unit`
    unit: str  # Spanish, as the editors and the model read it
    prompt_note: str = ""  # what the model must know about the count, in Spanish

    def prompt_rule(self) -> str:
        """The length rule as the drafting prompts state it."""
        rule = f"{self.name}: como máximo {self.limit} caracteres"
        return f"{rule}; {self.prompt_note}" if self.prompt_note else rule


X = Network("x", "X (Twitter)", 280, "caracteres ponderados", "cada emoji cuenta como 2")
BLUESKY = Network("bluesky", "Bluesky", 300, "grafemas")
THREADS = Network("threads", "Threads", 500, "caracteres")

NETWORKS: dict[str, Network] = {n.key: n for n in (X, BLUESKY, THREADS)}
NETWORK_KEYS: tuple[str, ...] = tuple(NETWORKS)


def network(key: str) -> Network:
    try:
        return NETWORKS[key]
    except KeyError:
        raise ValueError(f"unknown network {key!r}: expected one of "
                         f"{', '.join(NETWORK_KEYS)}") from None
