"""Polish-aware search over service cards, on PostgreSQL full-text search.

PostgreSQL ships no Polish stemmer, and the Polish ispell dictionaries must be installed into the server's
own directory, which managed databases and the embedded one do not allow. So, by hand and on purpose:
- text is folded in Python (lower case, no diacritics, ł→l) both when a card is indexed and when a query is
  read, so `zaswiadczenie` finds "zaświadczenie";
- each query word becomes a prefix of itself without its likely inflectional ending, so `podatku`
  (podat:*) finds "podatek", `rolnego` (roln:*) finds "rolny" and `drzewa` (drzew:*) finds "drzew";
- the cards' keywords carry the words a prefix cannot reach ("samochód" for "Rejestracja pojazdu").
Search goes in tiers (SEARCH_TIERS), the first that finds anything answers:
1. every word in a card's name or keywords, cards whose name holds them all first, shorter names before
   longer ones ("Wymeldowanie" before "Wymeldowanie w drodze decyzji");
2. forgiving typing mistakes: the name and keywords most similar to the query by trigrams (pg_trgm strict
   word similarity ≥ 0.5, the server's default: whole words, so "pies" does not find "pierwszy"), so
   "zameldowanei" finds "Zameldowanie na pobyt stały" rather than a card whose description happens to say
   "zameldowane";
3. every word anywhere in the card;
4. any word, ranked by how much of the query a card covers.
"""

import re
import unicodedata
from functools import lru_cache

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    TrigramStrictWordSimilarity,
)
from django.db.models import F, Value
from django.db.models.functions import Length

SEARCH_CONFIG = "simple"
# Short function words carry no meaning in a query ("zaświadczenie o niezaleganiu w podatkach").
_STOP_WORDS = {
    "a",
    "i",
    "o",
    "u",
    "w",
    "we",
    "z",
    "ze",
    "na",
    "do",
    "od",
    "dla",
    "po",
    "za",
    "sie",
    "jak",
    "to",
    "czy",
    "the",
    "of",
    "for",
    "and",
    "in",
    "an",
}
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=8192)  # cards' keywords are folded again on every search that finds them
def fold(text: str) -> str:
    """Lower case without diacritics; ł has no decomposition, so it is mapped by hand."""
    text = text.lower().replace("ł", "l")
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


# Inflectional endings of Polish nouns and adjectives, folded (ą→a, ę→e, ó→o), longest first.
_ENDINGS = (
    "owie",
    "ami",
    "ach",
    "ego",
    "emu",
    "ych",
    "ymi",
    "ich",
    "imi",
    "owi",
    "iem",
    "iu",
    "om",
    "ow",
    "em",
    "ym",
    "im",
    "ej",
    "ie",
    "a",
    "e",
    "i",
    "o",
    "u",
    "y",
)
_SHORTEST_STEM = 3


_VOWELS = set("aeiouy")


def _stem_prefix(word: str) -> str:
    """The part of a Polish word that its inflected forms share, most of the time: the word without its
    ending; a stem ending in consonant + k also loses the k, for the e that drops out (podatek/podatku)."""
    if len(word) <= 4:
        return word
    stem = next(
        (
            word[: -len(ending)]
            for ending in _ENDINGS
            if word.endswith(ending) and len(word) - len(ending) >= _SHORTEST_STEM
        ),
        word,
    )
    if len(stem) > _SHORTEST_STEM + 1 and stem.endswith("k") and stem[-2] not in _VOWELS:
        stem = stem[:-1]
    return stem


def query_words(text: str) -> list[str]:
    words = _WORD.findall(fold(text))
    meaningful = [word for word in words if word not in _STOP_WORDS]
    return meaningful or words


NAME_OR_KEYWORDS, SIMILAR, EVERY_WORD, ANY_WORD = "name_or_keywords", "similar", "every_word", "any_word"
SEARCH_TIERS = (NAME_OR_KEYWORDS, SIMILAR, EVERY_WORD, ANY_WORD)


def search_query(text: str, *, every_word: bool = True, name_or_keywords: bool = False) -> SearchQuery | None:
    """A tsquery for what a person typed, or None when nothing searchable is left. With `name_or_keywords`,
    the words must be in the part of the card weighted A (its name and keywords)."""
    words = query_words(text)
    if not words:
        return None
    joiner = " & " if every_word else " | "
    weight = "A" if name_or_keywords else ""
    raw = joiner.join(f"{_stem_prefix(word)}:*{weight}" for word in dict.fromkeys(words))
    return SearchQuery(raw, search_type="raw", config=SEARCH_CONFIG)


def tier_query(text: str, tier: str) -> SearchQuery | None:
    """The full-text query of a tier other than SIMILAR."""
    return search_query(text, every_word=tier != ANY_WORD, name_or_keywords=tier == NAME_OR_KEYWORDS)


def similarity_words(name: str, keywords: list[str]) -> str:
    """What trigram similarity compares a query with: the card's name and keywords, folded."""
    return fold(" ".join([name, *keywords]))


def similar_filter(*, words: str, text: str) -> dict:
    """Cards whose words hold something similar to the whole query (pg_trgm's %>> operator, index-backed)."""
    return {f"{words}__trigram_strict_word_similar": " ".join(query_words(text))}


def similar_annotations(*, words: str, name: str, text: str) -> dict:
    """How similar the query is to the card's words plus how similar to its name alone, so the name counts
    twice (the keyword "osoba jest zameldowana" must not put a removal from the register before registering
    residence for "zameldowanei"), and the name's length, shorter first."""
    typed = Value(" ".join(query_words(text)))
    return {
        "similarity": TrigramStrictWordSimilarity(typed, F(words)) + TrigramStrictWordSimilarity(typed, F(name)),
        "name_length": Length(name),
    }


SIMILAR_ORDERING = ["-similarity", "name_length"]


def most_similar_first(item) -> tuple:
    """Sort key of SIMILAR results, the same order as SIMILAR_ORDERING."""
    return (-item.similarity, item.name_length)


def rank_annotations(*, vector: str, name_vector: str, query: SearchQuery) -> dict:
    """How well each card matches: whether its name holds the query, how closely (shorter names rank
    higher: normalization 1 divides by the name's length), and the rank over the whole card."""
    return {
        "name_match": SearchVectorExact(F(name_vector), query),
        "name_rank": SearchRank(F(name_vector), query, normalization=Value(1)),
        "card_rank": SearchRank(F(vector), query, weights=[0.05, 0.1, 0.3, 1.0]),
    }


def best_first(item, *, keywords: list[str], text: str, every_word: bool):
    """Sort key for annotated results. A card whose curated keywords include exactly what was typed comes
    first ("meldunek" is what people call registering residence); then, with every word required, a match in
    the name counts most; with any word, the card covering most of the query comes first."""
    typed = fold(text.strip())
    typed_a_keyword = any(fold(keyword) == typed for keyword in keywords)
    if every_word:
        return (not typed_a_keyword, not item.name_match, -item.name_rank, -item.card_rank)
    return (not typed_a_keyword, -item.card_rank)


def keyword_list(text: str) -> list[str]:
    """Keywords typed by people, separated by commas."""
    return [keyword.strip() for keyword in text.split(",") if keyword.strip()]


def ordering(every_word: bool) -> list[str]:
    """The same order as best_first, minus keywords, for the database to pick the candidates."""
    return ["-name_match", "-name_rank", "-card_rank"] if every_word else ["-card_rank"]


def search_vectors(*, name: str, weighted_texts) -> dict:
    """The two stored vectors of a card: of its name alone, and of all its text ((text, weight) pairs,
    weights A, most telling, to D)."""
    return {"search_name": search_vector((name, "A")), "search_vector": search_vector(*weighted_texts)}


def search_vector(*weighted_texts: tuple[str, str]) -> SearchVector:
    """A document vector from (text, weight) pairs, weights A (most telling) to D."""
    vector = None
    for text, weight in weighted_texts:
        part = SearchVector(Value(fold(text or "")), weight=weight, config=SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    return vector
