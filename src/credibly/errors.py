"""Exceptions raised by credibly. All subclass :class:`CrediblyError` and a built-in."""

from __future__ import annotations

__all__ = [
    "CrediblyError",
    "InputError",
    "EmptyDocumentError",
    "BinaryInputError",
    "UnsupportedLanguageError",
    "ModelFormatError",
    "LexiconFormatError",
]


class CrediblyError(Exception):
    """Base class of every error credibly raises on purpose."""


class InputError(CrediblyError, ValueError):
    """The input cannot be scored (empty, binary, undecodable...)."""

    #: short machine-readable reason, used in the ``error`` column of batch output
    reason = "invalid_input"


class EmptyDocumentError(InputError):
    reason = "empty"


class BinaryInputError(InputError):
    reason = "binary"


class UnsupportedLanguageError(CrediblyError, LookupError):
    """A language-dependent resource was asked for a language credibly has no data for."""


class ModelFormatError(CrediblyError, ValueError):
    """A model file is missing, tampered with, of a foreign format or of another version."""


class LexiconFormatError(CrediblyError, ValueError):
    """A lexicon or pattern file under ``features/`` is malformed."""
