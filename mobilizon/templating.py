"""Jinja2 set-up: autoescaped templates, translation, and the helpers every page uses."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from markupsafe import Markup
from pyramid.config import Configurator


@pass_context
def page_slot(context: Any, slot: str, **values: Any) -> Markup:
    """Fragments plugins render into a named place of the page (``render_page_slot`` hook)."""
    request = context.get("request")
    if request is None:
        return Markup("")
    answers = request.registry["plugins"].hook.render_page_slot(
        slot=slot, context=values, locale=request.locale_name
    )
    # plugins escape what they render: the hook's contract says the fragment is inserted as is
    return Markup("\n").join(Markup(answer) for answer in answers if answer)  # noqa: S704


def includeme(config: Configurator) -> None:
    settings = config.get_settings()
    settings.setdefault("jinja2.i18n.domain", "mobilizon")
    settings.setdefault("jinja2.autoescape", "true")
    settings.setdefault("jinja2.newstyle", "true")
    settings.setdefault("jinja2.undefined", "strict")
    settings.setdefault("jinja2.trim_blocks", "true")
    settings.setdefault("jinja2.lstrip_blocks", "true")
    settings.setdefault("jinja2.globals", {"page_slot": "mobilizon.templating.page_slot"})
    config.include("pyramid_jinja2")
