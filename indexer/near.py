"""Near matches: pages that differ from the query by one character (an OCR misread).

A scanned page read with one wrong character ("审核车束后" for 审核结束后, "效衔接的铬底" for
效衔接的兜底) no longer holds the query's words, and the vocabulary correction
(indexer.vocab) only knows a few confusions.  When a query finds no page at all, search tries
once more allowing exactly one character of one of its words to be different, missing or extra;
the other words must still match exactly and the filters still apply.  Such hits are marked
(``SearchResult.approximate``) and said to be near, never mixed with exact ones.

Only plain queries are loosened: Chinese words and phrases joined by AND, with filters; the
word allowed a slip has at least 4 characters (3 when another word of 3 or more matches
exactly), so that what is left still says something.  Candidates come from the engine (the
other words exactly, and any bigram or character of the loosened word, best first); each is checked against
the page's text with separators removed (indexer.textnorm.match_key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer import analysis as an
from indexer.engine import Bool, Term, or_
from indexer.query import AndQ, Field, PhraseQ, Word
from indexer.textnorm import match_key

CANDIDATES = 200   # pages checked per loosened word
MAX_WORDS = 4


@dataclass(frozen=True)
class Plan:
    words: tuple[str, ...]      # the query's words and phrases, as match keys
    nodes: tuple               # their AST nodes (compiled exactly when not loosened)
    fields: tuple              # filter Fields


def plan(ast) -> Plan | None:
    """The words of a query that may be loosened, or None (see the module docstring)."""
    items, flat = [ast], []
    while items:   # filters given apart from the query make an AND of ANDs
        item = items.pop(0)
        if isinstance(item, AndQ):
            items[:0] = item.items
        else:
            flat.append(item)
    words, nodes, fields = [], [], []
    for item in flat:
        if isinstance(item, Field):
            fields.append(item)
        elif isinstance(item, (Word, PhraseQ)):
            key = match_key(item.text)
            if not key or not an.is_cjk(key):
                return None
            words.append(key)
            nodes.append(item)
        else:
            return None
    if not words or len(words) > MAX_WORDS:
        return None
    return Plan(tuple(words), tuple(nodes), tuple(fields))


def loosenable(p: Plan, j: int) -> bool:
    w = p.words[j]
    others = [x for k, x in enumerate(p.words) if k != j]
    return len(w) >= 4 or (len(w) == 3 and any(len(x) >= 3 for x in others))


def slip_pattern(word: str) -> re.Pattern:
    """The word with one character different, missing (inside it) or extra (inside it)."""
    alts = set()
    for i in range(len(word)):
        alts.add(re.escape(word[:i]) + "." + re.escape(word[i + 1:]))
        if 0 < i < len(word) - 1:
            alts.add(re.escape(word[:i]) + re.escape(word[i + 1:]))
        if 0 < i:
            alts.add(re.escape(word[:i]) + "." + re.escape(word[i:]))
    return re.compile("|".join(sorted(alts)))


def highlight(word: str) -> str:
    """A snippet pattern for the word with one character different (page text keeps separators)."""
    sep = r"[\W_]*"
    return "|".join(sep.join(re.escape(c) if k != i else r"\w" for k, c in enumerate(word))
                    for i in range(len(word)))


def candidate_query(p: Plan, j: int, compile_node):
    """Engine query: the other words exactly, the filters, and any bigram or character of word j."""
    w = p.words[j]
    grams = [Term("seq", w[i:i + 2]) for i in range(len(w) - 1)]
    grams += [Term("words", c) for c in dict.fromkeys(w)]   # a slip inside a 3-character word leaves no bigram
    must = [compile_node(n) for k, n in enumerate(p.nodes) if k != j]
    must += [compile_node(f) for f in p.fields]
    return Bool(must=(*must, or_(*grams)))


def holds(text: str, p: Plan, j: int, pattern: re.Pattern) -> bool:
    key = match_key(text)
    return bool(pattern.search(key)) and all(x in key for k, x in enumerate(p.words) if k != j)
