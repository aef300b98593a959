"""Polish-aware search over service cards, on PostgreSQL full-text search.

PostgreSQL ships no Polish stemmer, and the Polish ispell dictionaries must be installed into the server's
own directory, which managed databases and the embedded one do not allow. So, by hand and on purpose:
- text is folded in Python (lower case, no diacritics, ł→l) both when a card is indexed and when a query is
  read, so `zaswiadczenie` finds "zaświadczenie";
- each query word becomes a prefix of itself shortened by its likely inflectional ending, so `podatku`
  (podat:*) finds "podatek" and `drzewa` (drzew:*) finds "drzew";
- the cards' keywords carry the forms a prefix cannot reach (pies/psa, samochód for "pojazd").
All words must match; when none does, any word may, ranked by how much of the query a card covers.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Value

SEARCH_CONFIG = "simple"
# Short function words carry no meaning in a query ("zaświadczenie o niezaleganiu w podatkach").
_STOP_WORDS = {"a", "i", "o", "u", "w", "we", "z", "ze", "na", "do", "od", "dla", "po", "za", "sie", "jak",
               "to", "czy", "the", "of", "for", "and", "in", "to", "a", "an"}
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower case without diacritics; ł has no decomposition, so it is mapped by hand."""
    text = text.lower().replace("ł", "l")
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _stem_prefix(word: str) -> str:
    """The part of a Polish word that its inflected forms share, most of the time."""
    if len(word) >= 6:
        return word[:-2]
    if len(word) == 5:
        return word[:-1]
    return word


def query_words(text: str) -> list[str]:
    words = _WORD.findall(fold(text))
    meaningful = [word for word in words if word not in _STOP_WORDS]
    return meaningful or words


def search_query(text: str, *, every_word: bool = True) -> SearchQuery | None:
    """A tsquery for what a person typed, or None when nothing searchable is left."""
    words = query_words(text)
    if not words:
        return None
    joiner = " & " if every_word else " | "
    raw = joiner.join(f"{_stem_prefix(word)}:*" for word in dict.fromkeys(words))
    return SearchQuery(raw, search_type="raw", config=SEARCH_CONFIG)


def search_vector(*weighted_texts: tuple[str, str]) -> SearchVector:
    """A document vector from (text, weight) pairs, weights A (most telling) to D."""
    vector = None
    for text, weight in weighted_texts:
        part = SearchVector(Value(fold(text or "")), weight=weight, config=SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    return vector
