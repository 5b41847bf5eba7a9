"""The vocabulary the pipeline recognises: sector taxonomy plus company directory.

Building it also teaches jieba every topic term and unambiguous company name, so
that they come out of segmentation as single tokens and can be matched exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from digests.companies import Company, CompanyDirectory
from digests.directory_sources import build_directory
from digests.taxonomy import Taxonomy, load_taxonomy
from digests.textproc import add_words, fetch_words, general_word_freq, when_segmenter_loads


class _GeneralWords(dict[str, int]):
    """Read-only view of jieba's general word frequencies for ambiguity checks."""

    never_rises = True
    """A count only falls (to 0, when the word is taught: ``general_word_freq``), so
    ``CompanyDirectory.mark_ambiguous`` need not look up again an alias it found
    unambiguous."""

    def get(self, key: str, default: int = 0) -> int:  # type: ignore[override]
        return general_word_freq(key) or default


@dataclass(frozen=True)
class Lexicon:
    taxonomy: Taxonomy
    directory: CompanyDirectory

    def learn(self, companies: Iterable[Company]) -> None:
        """Add companies or aliases learned from articles (and teach the segmenter)."""
        for company in companies:
            self.directory.add(company)
        self.directory.mark_ambiguous(_GeneralWords())
        add_words(self.directory.vocabulary)


def build_lexicon(extra_companies: Iterable[Company] = ()) -> Lexicon:
    taxonomy = load_taxonomy()
    directory = build_directory(extra_companies, known_words=_GeneralWords())
    add_words(frozenset(taxonomy.vocabulary) | directory.vocabulary)
    return Lexicon(taxonomy, directory)


def lexicon_for_queries(directory: CompanyDirectory) -> Lexicon:
    """A lexicon over a directory loaded from a store, for answering questions.

    Nothing is taught to the segmenter until something segments (a search, a long
    sector word): then the directory's ambiguous names are marked and the same words
    as :func:`build_lexicon` teaches are taught, so queries segment as articles did.
    """
    lexicon = Lexicon(load_taxonomy(), directory)

    def teach() -> None:
        # Only the aliases mark_ambiguous looks up (it passes over Latin ones, and
        # add_words never teaches them): a quarter of the directory's aliases are Latin,
        # and reading their buckets served nothing (0.6 ms of a fresh ingest).
        fetch_words([alias for alias in directory.by_alias if not alias.isascii()])
        directory.mark_ambiguous(_GeneralWords())
        add_words(frozenset(lexicon.taxonomy.vocabulary) | directory.vocabulary)

    when_segmenter_loads(teach)
    return lexicon


@cache
def default_lexicon() -> Lexicon:
    """Data files only, no aliases learned from a store."""
    return build_lexicon()
