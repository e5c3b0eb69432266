"""Rich text people write (event descriptions, comments): cleaned by nh3 once, on the way in.

Only a small set of tags survives; links keep http(s) and mailto targets and get
``rel="nofollow noopener noreferrer"``; images only from https. Scripts, styles, event handler
attributes and the rest disappear with their content. The stored HTML is what pages show; the
plain-text form (for calendars, feeds, search engines and mail) is derived from it.
"""

from __future__ import annotations

import html
import re

import nh3
from markupsafe import Markup

TAGS = {
    "p", "br", "strong", "em", "u", "s", "a", "ul", "ol", "li",
    "blockquote", "h2", "h3", "h4", "pre", "code", "img",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt"}}
LINK_REL = "nofollow noopener noreferrer"
_BLOCK_END = re.compile(r"</(p|h2|h3|h4|li|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_BLANK_LINES = re.compile(r"\n{3,}")
_LOOKS_LIKE_HTML = re.compile(r"<[A-Za-z/!]")


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    """Pictures only from https (a plain-http image leaks the reader's address in clear)."""
    if tag == "img" and name == "src" and not value.lower().startswith("https://"):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags={"script", "style"},
    attributes=ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes={"http", "https", "mailto"},
    link_rel=LINK_REL,
    strip_comments=True,
)


def clean_html(value: str | None) -> str:
    """Allowed HTML only. Plain text (no tag at all) becomes paragraphs, so a textarea works."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    if not _LOOKS_LIKE_HTML.search(text):
        text = text_to_html(text)
    cleaned = _CLEANER.clean(text).strip()
    # an <img> that lost its src is noise
    return re.sub(r"<img(?: alt=\"[^\"]*\")?>", "", cleaned)


def text_to_html(text: str) -> str:
    """Plain text as paragraphs and line breaks, escaped."""
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
    )


def html_to_text(value: str | None) -> str:
    """The text of cleaned HTML, with line breaks where blocks end; for calendars and mail."""
    text = _BLOCK_END.sub(
        lambda match: "\n" if match.group(0).lower().startswith("<br") else "\n\n", value or ""
    )
    text = html.unescape(_TAG.sub("", text))
    return _BLANK_LINES.sub("\n\n", text).strip()


def plain_text(value: str | None, max_length: int) -> str | None:
    """A one-field plain text (participation message): no control characters, capped, or None."""
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", (value or "").replace("\r\n", "\n")).strip()
    return text[:max_length] or None


def safe_html(value: str | None) -> Markup:
    """Stored rich text for a template, cleaned once more on the way out (a stored value from
    an older, looser rule, or written by another server, still passes the current one).
    """
    return Markup(clean_html(value))  # noqa: S704 (nh3 output: only allowed tags and attributes)
