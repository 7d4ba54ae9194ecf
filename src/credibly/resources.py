"""Locating and loading the data shipped with credibly (lexicons, patterns, models).

Nothing here is read at import time: every loader is lazy and cached.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from importlib import resources as _ires
from pathlib import Path

from .errors import LexiconFormatError, UnsupportedLanguageError

__all__ = [
    "data_path",
    "supported_languages",
    "load_lexicon",
    "load_patterns",
    "Pattern",
    "frequency_table",
    "FORMAT_VERSION",
]

FORMAT_VERSION = 1
_HEADER = re.compile(
    r"#\s*credibly-lexicon\s+format=(\d+)\s+language=([a-z]{2})\s+family=([a-z_]+)\s*$"
)


@functools.lru_cache(maxsize=None)
def data_path(name: str) -> Path:
    """Return the folder ``features``, ``models`` or ``demo``.

    An installed wheel carries them inside the package; a source checkout or an
    editable install has them at the repository root.
    """
    try:
        packaged = Path(str(_ires.files("credibly") / name))
        if packaged.is_dir():
            return packaged
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - odd loaders
        pass
    root = Path(__file__).resolve().parents[2]
    local = root / ("seeds/demo" if name == "demo" else name)
    if local.is_dir():
        return local
    raise FileNotFoundError(f"credibly data folder {name!r} not found (looked in the package and {root})")


@functools.lru_cache(maxsize=None)
def supported_languages() -> frozenset[str]:
    """Languages with a ``features/language/<lang>.txt`` file."""
    folder = data_path("features") / "language"
    return frozenset(p.stem for p in folder.glob("*.txt") if len(p.stem) == 2)


def _read_lines(path: Path, family: str, language: str) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines:
        raise LexiconFormatError(f"{path}: empty file")
    m = _HEADER.match(lines[0].strip())
    if not m:
        raise LexiconFormatError(
            f"{path}: first line must be '# credibly-lexicon format=1 language=<xx> family=<name>'"
        )
    fmt, lang, fam = int(m.group(1)), m.group(2), m.group(3)
    if fmt != FORMAT_VERSION:
        raise LexiconFormatError(f"{path}: format {fmt} is not supported (expected {FORMAT_VERSION})")
    if lang != language or fam != family:
        raise LexiconFormatError(f"{path}: header says language={lang} family={fam}, expected {language}/{family}")
    return lines[1:]


@functools.lru_cache(maxsize=64)
def load_lexicon(family: str, language: str) -> dict[str, tuple[str, ...]]:
    """Read ``features/<family>/<language>.txt`` into ``{section: entries}``.

    Raises :class:`UnsupportedLanguageError` when there is no such file.
    """
    path = data_path("features") / family / f"{language}.txt"
    if not path.is_file():
        raise UnsupportedLanguageError(
            f"no {family} lexicon for language {language!r}; available: "
            + ", ".join(sorted(p.stem for p in path.parent.glob("*.txt")))
        )
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for n, raw in enumerate(_read_lines(path, family, language), start=2):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip(), [])
            continue
        if current is None:
            raise LexiconFormatError(f"{path}:{n}: entry before any [section]")
        current.append(line)
    return {k: tuple(v) for k, v in sections.items()}


@dataclass(frozen=True, slots=True)
class Pattern:
    """One pattern of a ``.patterns`` file: its regex and an optional *prefilter*, a short
    regex that every match of the pattern contains. The prefilter is searched first (one
    fast scan with a literal start); a text without it cannot match, and the full pattern,
    whose start may be a common character, is not run at all."""

    name: str
    regex: re.Pattern[str]
    prefilter: re.Pattern[str] | None = None

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize):
        """``regex.finditer(text, pos, endpos)``; empty when the prefilter is absent there."""
        if self.prefilter is not None and self.prefilter.search(text, pos, endpos) is None:
            return iter(())
        return self.regex.finditer(text, pos, endpos)


@functools.lru_cache(maxsize=64)
def load_patterns(family: str, language: str) -> dict[str, Pattern]:
    """Read ``features/<family>/<language>.patterns``: ``name<TAB>regex`` lines, optionally
    followed by ``<TAB>prefilter`` (see :class:`Pattern`).

    A missing file gives an empty mapping: patterns are optional per language.
    """
    path = data_path("features") / family / f"{language}.patterns"
    if not path.is_file():
        return {}
    out: dict[str, Pattern] = {}
    for n, raw in enumerate(_read_lines(path, family, language), start=2):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in raw.rstrip("\r\n").split("\t")]
        if len(fields) not in (2, 3) or not all(fields):
            raise LexiconFormatError(f"{path}:{n}: expected 'name<TAB>pattern[<TAB>prefilter]'")
        name = fields[0]
        try:
            compiled = [re.compile(f) for f in fields[1:]]
        except re.error as exc:
            raise LexiconFormatError(f"{path}:{n}: bad pattern {name!r}: {exc}") from exc
        out[name] = Pattern(name, compiled[0], compiled[1] if len(compiled) == 2 else None)
    return out


@functools.lru_cache(maxsize=8)
def frequency_table(language: str, top_n: int = 200_000) -> dict[str, float]:
    """Zipf frequencies of the ``top_n`` most frequent words of ``language`` (from wordfreq).

    Only the top of the list is kept so that the table stays small in memory.
    Raises :class:`UnsupportedLanguageError` if wordfreq has no list for it.
    """
    import wordfreq

    if language not in wordfreq.available_languages():
        raise UnsupportedLanguageError(f"wordfreq has no word list for {language!r}")
    # get_frequency_list gives bins of words; bin i holds the words at -i centibels,
    # most frequent first, so the table can be filled without the full dictionary.
    bins = wordfreq.get_frequency_list(language, wordlist="best")
    table: dict[str, float] = {}
    for cb, words in enumerate(bins):
        zipf = round(9.0 - cb / 100.0, 2)
        for word in words:
            table[word] = zipf
        if len(table) >= top_n:
            break
    for fn in (wordfreq.get_frequency_list, wordfreq.get_frequency_dict):
        fn.cache_clear()  # keep only our table, not wordfreq's full lists
    return table


def feature_fingerprint() -> str:
    """SHA-256 over everything that defines the features: the lexicon and pattern files and
    the parsing and extractor code. Feature caches (training, evaluation) are reused only
    when it matches, so an edited lexicon or extractor never trains on stale features."""
    import hashlib

    here = Path(__file__).resolve().parent
    files = sorted(p for p in data_path("features").rglob("*") if p.is_file())
    files += sorted((here / "extractors").glob("*.py")) + [here / "document.py", here / "lexicon.py", here / "pipeline.py"]
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode("utf-8") + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()
