"""Default table names the ORMs derive from class and model names.

>>> snake_case("OrderItem"), snake_case("HTTPRequestLog"), snake_case("user2FA")
('order_item', 'http_request_log', 'user2_fa')
>>> [pluralize(w) for w in ("user", "category", "address", "person", "status", "news", "box", "wolf")]
['users', 'categories', 'addresses', 'people', 'statuses', 'news', 'boxes', 'wolves']
>>> rails_table("Admin::OrderItem")
'order_items'
>>> qualified("Auth", "Users"), qualified("", "Users")
('auth.users', 'users')
"""

from __future__ import annotations

__all__ = ["pluralize", "pluralize_last", "qualified", "rails_table", "snake_case"]

_IRREGULAR = {
    "person": "people",
    "man": "men",
    "woman": "women",
    "child": "children",
    "mouse": "mice",
    "ox": "oxen",
    "foot": "feet",
    "tooth": "teeth",
    "goose": "geese",
}
_UNCOUNTABLE = frozenset(
    {"equipment", "information", "rice", "money", "species", "series", "fish", "sheep", "jeans"}
    | {"police", "news", "data", "metadata", "feedback", "staff", "software", "media"}
)
# (suffix, letters to drop, replacement), tried in order
_SUFFIXES = (
    ("quiz", 0, "zes"),
    ("matrix", 2, "ices"),
    ("vertex", 2, "ices"),
    ("index", 2, "ices"),
    ("status", 0, "es"),
    ("alias", 0, "es"),
    ("bus", 0, "es"),
    ("virus", 2, "i"),
    ("octopus", 2, "i"),
    ("sis", 2, "es"),
    ("axis", 2, "es"),
    ("ss", 0, "es"),
    ("sh", 0, "es"),
    ("ch", 0, "es"),
    ("x", 0, "es"),
    ("s", 0, ""),
    ("ium", 2, "a"),
    ("tum", 2, "a"),
    ("buffalo", 0, "es"),
    ("tomato", 0, "es"),
    ("hive", 0, "s"),
    ("ife", 2, "ves"),
    ("lf", 1, "ves"),
    ("rf", 1, "ves"),
)
_VOWELS = frozenset("aeiou")


def snake_case(name: str) -> str:
    """``CamelCase`` to ``snake_case`` (acronyms kept together), lower-case."""
    out: list[str] = []
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0:
            prev = name[i - 1]
            nxt = name[i + 1] if i + 1 < len(name) else ""
            if prev != "_" and (not prev.isupper() or nxt.islower()):
                out.append("_")
        out.append(ch.lower())
    return "".join(out)


def pluralize(word: str) -> str:
    """The English plural of a lower-case word, with the rules Rails, Sequelize and Mongoose share."""
    if not word or word in _UNCOUNTABLE:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix, drop, repl in _SUFFIXES:
        if word.endswith(suffix):
            return (word[: len(word) - drop] if drop else word) + repl
    if word.endswith("y") and len(word) > 1 and (word[-2] not in _VOWELS or word.endswith("quy")):
        return word[:-1] + "ies"
    return word + "s"


def pluralize_last(snake: str) -> str:
    """Pluralize the last word of a ``snake_case`` name: ``order_item`` -> ``order_items``."""
    head, _, last = snake.rpartition("_")
    return f"{head}_{pluralize(last)}" if head else pluralize(last)


def rails_table(class_name: str) -> str:
    """The table Active Record derives from a (possibly namespaced) class name."""
    return pluralize_last(snake_case(class_name.rsplit("::", 1)[-1]))


def qualified(schema: str, table: str) -> str:
    """``schema.table`` (just ``table`` without a schema), lower-case."""
    return f"{schema}.{table}".lower() if schema else table.lower()
