"""Dutch search text: the same normalisation of an action's text and tags when the catalogue's
search index is built (pipeline/store/load.py) and of the words a reader types
(pipeline/catalogue/plugins/search.py).

A text becomes tokens: lowercase words without accents, each stemmed by Snowball's Dutch stemmer
(so "tiener" and "tieners" are one token), and for every vocabulary term found in it (a label or
one of its synonyms in schemas/vocabularies.yml, also of more words, such as "social media") one
concept token that stands for the term's label. A tag (doel, doelgroep, kanaal ...) gives its
label's concept token as well, so "tieners", "jongeren" and the tag "Jongeren (12-18)" find the
same actions. A reader's words become an FTS5 query: every word must match, a vocabulary term by
its concept (which the term's words in a text give too), a compound that the index does not hold
by its first part. The vocabularies are those of schemas/ on both sides (a label that a workbook
adds is found by its words)."""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from functools import cache, lru_cache
from typing import Iterable

import snowballstemmer

from pipeline.contract.config import ACTIES, load_fields, load_vocabularies, match_key

CONCEPT_PREFIX = "kb"  # concept tokens: "kb" + the label's match key, e.g. kbjongeren1218
_WORD = re.compile(r"[^\W_]+")
_STEMMER = threading.local()  # a Snowball stemmer keeps state: one per thread


def fold(text: str) -> str:
    """Lowercase, without accents (é -> e, ë -> e)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def folded_words(text: str) -> list[str]:
    """The words of a text, folded."""
    if text.isascii():
        return _WORD.findall(text.lower())
    return [fold(w) for w in _WORD.findall(unicodedata.normalize("NFC", text).casefold())]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball's Dutch stem of one folded word."""
    stemmer = getattr(_STEMMER, "dutch", None)
    if stemmer is None:
        stemmer = _STEMMER.dutch = snowballstemmer.stemmer("dutch")
    return stemmer.stemWord(word)


@lru_cache(maxsize=65536)
def _stem_and_tail(word: str) -> tuple[str, str]:
    root = stem(word)
    shared = len(os.path.commonprefix([word, root]))
    return root, word[shared:shared + 1]


def analyse(text: str) -> tuple[list[str], list[str]]:
    """The stems of a text's words, and per word the letter that follows the part it shares
    with its stem ("" when none): "tieners" s, "tiener" "", "ouders" s, "ouderen" e. Snowball
    gives "ouders" (parents) and "ouderen" (elderly) one stem; a vocabulary term matches a word
    only where both tails agree or one is empty, so "ouders" is not the synonym "ouderen" of
    Senioren."""
    pairs = [_stem_and_tail(w) for w in folded_words(text)]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def stems(text: str) -> list[str]:
    """The stemmed words of a text, in order."""
    return analyse(text)[0]


def concept(label: str) -> str:
    """The token that stands for a vocabulary label and all its synonyms."""
    return CONCEPT_PREFIX + match_key(label)


@cache
def terms() -> dict[tuple[str, ...], dict[tuple[str, ...], frozenset[str]]]:
    """Every vocabulary term (label or synonym) as stems -> its tails -> the concepts it stands
    for. A term of digits only ("65+", "0-4") is left out: in running text it is a number."""
    found: dict[tuple[str, ...], dict[tuple[str, ...], set[str]]] = {}
    for vocab in load_vocabularies().values():
        for label in vocab.labels:
            for term in [label, *vocab.synonyms.get(label, [])]:
                key, ends = map(tuple, analyse(term))
                if key and not all(s.isdigit() for s in key):
                    found.setdefault(key, {}).setdefault(ends, set()).add(concept(label))
    return {key: {t: frozenset(c) for t, c in forms.items()} for key, forms in found.items()}


def _agree(tails: Iterable[str], others: Iterable[str]) -> bool:
    return all(a == b or not a or not b for a, b in zip(tails, others))


@cache
def _by_first_stem() -> dict[str, list[tuple[str, ...]]]:
    """The terms by their first stem, longest first."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for key in sorted(terms(), key=len, reverse=True):
        found.setdefault(key[0], []).append(key)
    return found


@lru_cache(maxsize=65536)
def _concepts(key: tuple[str, ...], here: tuple[str, ...]) -> frozenset[str]:
    return frozenset().union(*(c for t, c in terms()[key].items() if _agree(t, here)))


def matches(words: list[str], ends: list[str], start: int) -> list[tuple[int, frozenset[str]]]:
    """The vocabulary terms that begin at words[start] (stems, with their tails in ends):
    (length, concepts), longest first."""
    found: list[tuple[int, frozenset[str]]] = []
    for key in _by_first_stem().get(words[start], ()):
        length = len(key)
        if tuple(words[start:start + length]) != key:
            continue
        concepts = _concepts(key, tuple(ends[start:start + length]))
        if concepts:
            found.append((length, concepts))
    return found


def index_tokens(texts: str | Iterable[str], tags: Iterable[str] = ()) -> str:
    """The search index's text for one or more texts and the tags: the stems, then the concept
    tokens (a vocabulary term is found within one text, not across two)."""
    words: list[str] = []
    concepts: list[str] = []
    for text in [texts] if isinstance(texts, str) else texts:
        stemmed, found = _text_tokens(text)
        words.append(stemmed)
        concepts.extend(found)
    concepts.extend(concept(tag) for tag in tags)
    return " ".join(w for w in [*words, *dict.fromkeys(concepts)] if w)


@lru_cache(maxsize=16384)  # texts repeat across actions (a campaign's, a library's)
def _text_tokens(text: str) -> tuple[str, tuple[str, ...]]:
    words, ends = analyse(text)
    starts = _by_first_stem()
    concepts: list[str] = []
    for start, word in enumerate(words):
        if word in starts:
            for _, found in matches(words, ends, start):
                concepts.extend(sorted(found))
    return " ".join(words), tuple(concepts)


def query(text: str, lexicon: frozenset[str] = frozenset()) -> str:
    """An FTS5 query for the words a reader typed: every word must match; a vocabulary term by
    its concept (which its words in a text also give). With the index's stems (`lexicon`), a
    compound that is not in it, such as "voorleesactie", is searched by its first part when both
    parts are ("voorlees", as in "voorlezen"). '""' when nothing is searchable."""
    words, ends = analyse(text)
    folded = folded_words(text)
    whole = matches(words, ends, 0) if words else []
    if whole and whole[0][0] == len(words) and whole[0][1] <= tag_concepts():
        # The reader typed a vocabulary term and nothing else (a goal, an audience, a channel,
        # a campaign, or one of their synonyms): the actions tagged with it, exactly the facet.
        return f"{TAG_COLUMN} : (" + " OR ".join(sorted(whole[0][1])) + ")"
    groups: list[str] = []
    start = 0
    while start < len(words):
        found = matches(words, ends, start)
        if not found:
            word = words[start]
            if lexicon and word not in lexicon:
                word = compound_head(folded[start], lexicon) or word
            groups.append(f'"{word}"')
            start += 1
            continue
        length, concepts = found[0]
        groups.append("(" + " OR ".join(sorted(concepts)) + ")")
        start += length
    return " AND ".join(groups) or '""'


# The action's fields whose values are the index's tags (pipeline/store/load.py, the column
# TAG_COLUMN): a term of their vocabularies typed alone is searched as the tag.
TAG_FIELDS = ["doelen", "doelgroepen", "kanalen", "landelijke_campagne", "bibliotheek",
              "functies", "aanbod"]


@cache
def tag_concepts() -> frozenset[str]:
    """The concept tokens of every label of the tag fields' vocabularies."""
    vocabularies = load_vocabularies()
    names = {f.keuzelijst for f in load_fields()[ACTIES] if f.veld in TAG_FIELDS and f.keuzelijst}
    return frozenset(concept(label) for name in names if name in vocabularies
                     for label in vocabularies[name].labels)


MIN_PART = 3  # letters of each part of a compound
TAG_COLUMN = "labels"  # the index's column of the tags (pipeline/store/load.py)


def compound_head(word: str, lexicon: frozenset[str]) -> str | None:
    """The stem of the first part of a compound whose parts are both in the lexicon (the
    longest first part that fits), or None."""
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        first, rest = stem(word[:cut]), word[cut:]
        if first in lexicon and (rest in lexicon or stem(rest) in lexicon):
            return first
    return None
