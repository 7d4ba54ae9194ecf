"""credibly: how trustworthy is a document as a source?

>>> import credibly
>>> r = credibly.score("Text of an article ...")          # doctest: +SKIP
>>> r.trust, r.families["translation"], r.top_signals()    # doctest: +SKIP
"""

from __future__ import annotations

import logging
import sys as _sys

from .api import Result, Signal, score, score_frame, score_many
from .errors import (
    BinaryInputError,
    CrediblyError,
    EmptyDocumentError,
    InputError,
    LexiconFormatError,
    ModelFormatError,
    UnsupportedLanguageError,
)
from .extractors import FAMILIES, Evidence
from .model import TrustModel, load_model
from .source_prior import SourceRatings, SourceRatingsError

__version__ = "0.1.0"

__all__ = [
    "score",
    "score_many",
    "score_frame",
    "Result",
    "Signal",
    "Evidence",
    "FAMILIES",
    "TrustModel",
    "load_model",
    "SourceRatings",
    "SourceRatingsError",
    "CrediblyError",
    "InputError",
    "EmptyDocumentError",
    "BinaryInputError",
    "UnsupportedLanguageError",
    "ModelFormatError",
    "LexiconFormatError",
    "register_accessor",
    "__version__",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())

def register_accessor() -> None:
    """Register ``df.credibly`` (imports pandas). Done automatically when pandas was
    imported before credibly, and by :func:`score_frame`; pandas is not imported at
    ``import credibly`` otherwise (it costs about 80 MB a process)."""
    from . import accessor  # noqa: F401


if "pandas" in _sys.modules:
    register_accessor()
