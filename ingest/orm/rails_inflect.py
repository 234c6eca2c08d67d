"""Active Support's English inflections: the names Rails derives for references and join tables.

``t.references :author`` makes column ``author_id`` pointing at ``authors`` (plural);
``add_foreign_key :articles, :authors`` uses column ``author_id`` (singular). Active Support
applies the last matching rule of its list, after irregular words and before uncountable ones
(a word ending in ``news``/``equipment``/... stays as it is); the rules below are its own, in
its order. An application's ``config/initializers/inflections.rb`` may add
``inflect.irregular "a", "b"`` and ``inflect.uncountable %w[...]``: :func:`Inflector.learn`
reads those (literal words only).

>>> i = Inflector()
>>> [i.pluralize(w) for w in ("user", "category", "person", "address", "status", "news", "wolf", "index")]
['users', 'categories', 'people', 'addresses', 'statuses', 'news', 'wolves', 'indices']
>>> [i.singularize(w) for w in ("users", "categories", "people", "addresses", "statuses", "analyses")]
['user', 'category', 'person', 'address', 'status', 'analysis']
>>> i.learn([("irregular", ["cactus", "cacti"]), ("uncountable", ["sheep_data"])])
>>> i.pluralize("big_cactus"), i.singularize("cacti"), i.pluralize("sheep_data")
('big_cacti', 'cactus', 'sheep_data')
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["Inflector"]

_PLURALS = (
    (r"$", "s"),
    (r"s$", "s"),
    (r"^(ax|test)is$", r"\1es"),
    (r"(octop|vir)us$", r"\1i"),
    (r"(octop|vir)i$", r"\1i"),
    (r"(alias|status)$", r"\1es"),
    (r"(bu)s$", r"\1ses"),
    (r"(buffal|tomat)o$", r"\1oes"),
    (r"([ti])um$", r"\1a"),
    (r"([ti])a$", r"\1a"),
    (r"sis$", "ses"),
    (r"(?:([^f])fe|([lr])f)$", r"\1\2ves"),
    (r"(hive)$", r"\1s"),
    (r"([^aeiouy]|qu)y$", r"\1ies"),
    (r"(x|ch|ss|sh)$", r"\1es"),
    (r"(matr|vert|ind)(?:ix|ex)$", r"\1ices"),
    (r"^(m|l)ouse$", r"\1ice"),
    (r"^(m|l)ice$", r"\1ice"),
    (r"^(ox)$", r"\1en"),
    (r"^(oxen)$", r"\1"),
    (r"(quiz)$", r"\1zes"),
)
_SINGULARS = (
    (r"s$", ""),
    (r"(ss)$", r"\1"),
    (r"(n)ews$", r"\1ews"),
    (r"([ti])a$", r"\1um"),
    (r"((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)(sis|ses)$", r"\1sis"),
    (r"(^analy)(sis|ses)$", r"\1sis"),
    (r"([^f])ves$", r"\1fe"),
    (r"(hive)s$", r"\1"),
    (r"(tive)s$", r"\1"),
    (r"([lr])ves$", r"\1f"),
    (r"([^aeiouy]|qu)ies$", r"\1y"),
    (r"(s)eries$", r"\1eries"),
    (r"(m)ovies$", r"\1ovie"),
    (r"(x|ch|ss|sh)es$", r"\1"),
    (r"^(m|l)ice$", r"\1ouse"),
    (r"(bus)(es)?$", r"\1"),
    (r"(o)es$", r"\1"),
    (r"(shoe)s$", r"\1"),
    (r"(cris|test)(is|es)$", r"\1is"),
    (r"^(a)x[ie]s$", r"\1xis"),
    (r"(octop|vir)(us|i)$", r"\1us"),
    (r"(alias|status)(es)?$", r"\1"),
    (r"^(ox)en", r"\1"),
    (r"(vert|ind)ices$", r"\1ex"),
    (r"(matr)ices$", r"\1ix"),
    (r"(quiz)zes$", r"\1"),
    (r"(database)s$", r"\1"),
)
_IRREGULAR: tuple[tuple[str, str], ...] = (("person", "people"), ("man", "men"), ("child", "children"))
_IRREGULAR += (("sex", "sexes"), ("move", "moves"), ("zombie", "zombies"))
_UNCOUNTABLE: tuple[str, ...] = ("equipment", "information", "rice", "money", "species", "series", "fish")
_UNCOUNTABLE += ("sheep", "jeans", "police")

Rule = tuple["re.Pattern[str]", str]


class Inflector:
    """Active Support's default English inflections, plus what an application adds."""

    def __init__(self) -> None:
        self.plurals: list[Rule] = []
        self.singulars: list[Rule] = []
        self.uncountables: list[str] = []
        for rule, repl in _PLURALS:
            self._plural(rule, repl)
        for rule, repl in _SINGULARS:
            self._singular(rule, repl)
        for one, many in _IRREGULAR:
            self.irregular(one, many)
        self.uncountables.extend(_UNCOUNTABLE)

    def _plural(self, rule: str, repl: str) -> None:
        self.plurals.insert(0, (re.compile(rule, re.I), repl))

    def _singular(self, rule: str, repl: str) -> None:
        self.singulars.insert(0, (re.compile(rule, re.I), repl))

    def irregular(self, one: str, many: str) -> None:
        """Active Support's ``inflect.irregular``."""
        self.uncountables = [w for w in self.uncountables if w not in (one, many)]
        s0, srest, p0, prest = one[0], re.escape(one[1:]), many[0], re.escape(many[1:])
        if s0.upper() == p0.upper():
            self._plural(f"({s0}){srest}$", r"\1" + many[1:])
            self._plural(f"({p0}){prest}$", r"\1" + many[1:])
            self._singular(f"({s0}){srest}$", r"\1" + one[1:])
            self._singular(f"({p0}){prest}$", r"\1" + one[1:])
        else:
            for first, rest, target, rules in (
                (s0, srest, many, self.plurals),
                (p0, prest, one, self.singulars),
            ):
                for case in (first.upper(), first.lower()):
                    rules.insert(0, (re.compile(f"{case}(?i:{rest})$"), target))

    def learn(self, rules: Iterable[tuple[str, list[str]]]) -> None:
        """Add an application's ``("irregular", [one, many])`` and ``("uncountable", words)`` rules."""
        for kind, words in rules:
            if kind == "irregular" and len(words) == 2:
                self.irregular(words[0], words[1])
            elif kind == "uncountable":
                self.uncountables.extend(words)

    def _apply(self, word: str, rules: list[Rule]) -> str:
        if not word or any(re.search(rf"\b{re.escape(u)}\Z", word, re.I) for u in self.uncountables):
            return word
        for rule, repl in rules:
            new, n = rule.subn(repl, word, count=1)
            if n:
                return new
        return word

    def pluralize(self, word: str) -> str:
        return self._apply(word, self.plurals)

    def singularize(self, word: str) -> str:
        return self._apply(word, self.singulars)
