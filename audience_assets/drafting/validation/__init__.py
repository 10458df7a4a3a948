"""The strict post validator: the product's quality gate (no Dagster import).

    validate(text, fact_sheet, network="x") -> ValidationResult(valid, violations)

One module per rule family (data, event, style, tense, tone, spelling, hashtags,
emojis, length, words); word lists and tables are client files in
data/config/validator/. The language rules read lexicons shipped inside their
packages (lexicon.py: wordfreq, simplemma, pyspellchecker; rapidfuzz for names);
they load on first use, or up front with warm_up() (a server at start-up).
"""

from .config import ValidatorConfig, ValidatorConfigError, load_config
from .context import Facts
from .figures import format_figure, format_share, format_viewers
from .length import measure
from .lexicon import warm_up
from .model import RULE_IDS, ValidationResult, Violation
from .validator import validate

__all__ = [
    "RULE_IDS",
    "Facts",
    "ValidationResult",
    "ValidatorConfig",
    "ValidatorConfigError",
    "Violation",
    "format_figure",
    "format_share",
    "format_viewers",
    "load_config",
    "measure",
    "validate",
    "warm_up",
]
