"""Reading ActivityStreams as plain JSON: ids, audiences, types, and the limits we hold them to.

No JSON-LD processing happens anywhere (libraries.md): properties are read by their compact
AS2 names, whatever ``@context`` says, as Mastodon does. A property may hold a string, an
object with an ``id`` or a list of either; these helpers give one shape back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from mobilizon.identities.activitypub import AS_PUBLIC, JSON_LD_CONTEXT

PUBLIC_ALIASES = frozenset({AS_PUBLIC, "as:Public", "Public"})
ACTOR_TYPES = frozenset({"Person", "Group", "Application", "Organization", "Service"})
MAX_DEPTH = 32
MAX_LIST = 500  # to, cc, tag, attachment...: more than this is an attack, not an audience

__all__ = ["AS_PUBLIC", "JSON_LD_CONTEXT", "PUBLIC_ALIASES"]


class MalformedActivity(ValueError):
    """The document is not an activity we can read (no id, no type, too deep, ...)."""


def ids(value: Any) -> list[str]:
    """Every id in a property: ``"url"``, ``{"id": "url"}``, ``{"href": "url"}`` or a list."""
    found: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, Mapping):
            inner = item.get("id") or item.get("href")
            if isinstance(inner, str):
                found.append(inner)
    return found[:MAX_LIST]


def first_id(value: Any) -> str | None:
    found = ids(value)
    return found[0] if found else None


def objects(value: Any) -> list[Mapping[str, Any]]:
    """The embedded objects of a property (strings are references, not objects)."""
    items = value if isinstance(value, list) else [value]
    return [item for item in items[:MAX_LIST] if isinstance(item, Mapping)]


def type_of(document: Any) -> str:
    """The first type of a document (``type`` may be a list); "" when there is none."""
    if not isinstance(document, Mapping):
        return ""
    value = document.get("type")
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str)), "")
    return value if isinstance(value, str) else ""


def audience(document: Mapping[str, Any]) -> set[str]:
    return set(ids(document.get("to"))) | set(ids(document.get("cc"))) | set(ids(document.get("audience")))


def visibility(document: Mapping[str, Any]) -> str:
    """``public`` when addressed to Public, ``unlisted`` when Public is only in cc, else
    ``private`` (all three spellings of Public count, Mobilizon 2.0's lesson).
    """
    to = set(ids(document.get("to")))
    cc = set(ids(document.get("cc")))
    if to & PUBLIC_ALIASES:
        return "public"
    if cc & PUBLIC_ALIASES:
        return "unlisted"
    return "private"


def text(value: Any, limit: int) -> str:
    """A string property, or the first value of a language map, cut at ``limit``."""
    if isinstance(value, Mapping):
        value = next((item for item in value.values() if isinstance(item, str)), "")
    return value[:limit] if isinstance(value, str) else ""


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply ``value`` nests, counted iteratively (a deep document cannot blow the stack);
    stops counting past ``limit``.
    """
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            children: Iterable[Any] = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def parse(body: bytes) -> dict[str, Any]:
    """The JSON object of a request body, or ``MalformedActivity`` saying why not."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise MalformedActivity("JSON nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedActivity(f"not JSON: {error}") from None
    if not isinstance(data, dict):
        raise MalformedActivity("not a JSON object")
    if depth(data) > MAX_DEPTH:
        raise MalformedActivity(f"JSON nested more than {MAX_DEPTH} levels deep")
    return data


def embedded(document: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every object nested in ``document`` (itself excluded), depth first."""
    stack: list[Any] = list(document.values())
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def with_context(document: dict[str, Any]) -> dict[str, Any]:
    """The document with Mobilizon's JSON-LD header first, as every outgoing document has."""
    return {"@context": JSON_LD_CONTEXT, **document}
