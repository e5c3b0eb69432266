"""Themes: folders of templates and static files looked up in order.

Lookup order: the chosen theme, then its parents up to the default theme, then plugin
templates. Built-in themes live in the ``themes/`` folder (``mobilizon.themes_dir``); an
installed distribution can add more through the ``register_themes`` hook. Each theme's
``manifest.json`` names it and its parent.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request

from mobilizon.hookspecs import Theme
from mobilizon.settings import SettingsError

DEFAULT = "default"


def load_theme(folder: Path) -> Theme:
    """Read a theme folder; its manifest is optional for a bare folder of templates."""
    manifest: dict[str, Any] = {}
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    name = manifest.get("name", folder.name)
    return Theme(
        name=name,
        templates=folder / "templates",
        static=folder / "static",
        label=manifest.get("label", name),
        parent=manifest.get("parent", "" if name == DEFAULT else DEFAULT),
        manifest=manifest,
    )


def available_themes(settings: Mapping[str, Any], pm: Any) -> dict[str, Theme]:
    themes: dict[str, Theme] = {}
    themes_dir = Path(settings["mobilizon.themes_dir"])
    if themes_dir.is_dir():
        for folder in sorted(themes_dir.iterdir()):
            if folder.is_dir() and (folder / "templates").is_dir():
                theme = load_theme(folder)
                themes[theme.name] = theme
    for answer in pm.hook.register_themes(settings=settings):
        for theme in answer or ():
            themes[theme.name] = theme
    return themes


def theme_chain(name: str, themes: Mapping[str, Theme]) -> list[Theme]:
    """The chosen theme followed by its parents, ending with the default theme."""
    if name not in themes:
        raise SettingsError(
            "mobilizon.theme", f"{name!r} is not an installed theme (installed: {', '.join(sorted(themes))})"
        )
    if DEFAULT not in themes:
        raise SettingsError("mobilizon.themes_dir", "the default theme is missing")
    chain: list[Theme] = []
    current: str | None = name
    while current and current not in [t.name for t in chain]:
        theme = themes.get(current)
        if theme is None:
            raise SettingsError(
                "mobilizon.theme", f"theme {chain[-1].name!r} names a missing parent {current!r}"
            )
        chain.append(theme)
        current = theme.parent or None
    if chain[-1].name != DEFAULT:
        chain.append(themes[DEFAULT])
    return chain


class StaticAssets:
    """Finds a static file in the first theme of the chain that has it, with a cache-busting hash."""

    def __init__(self, chain: list[Theme]) -> None:
        self.chain = chain
        self._cache: dict[str, tuple[str, str]] = {}

    def locate(self, path: str) -> tuple[str, str]:
        if path not in self._cache:
            for theme in self.chain:
                candidate = theme.static / path
                if candidate.is_file():
                    digest = hashlib.sha256(candidate.read_bytes()).hexdigest()[:10]
                    self._cache[path] = (str(candidate), digest)
                    break
            else:
                raise LookupError(f"no theme has static/{path}")
        return self._cache[path]


def static_url(request: Request, path: str) -> str:
    filename, digest = request.registry["static_assets"].locate(path)
    return request.static_url(filename, _query={"v": digest})


def includeme(config: Configurator) -> None:
    settings = config.get_settings()
    pm = config.registry["plugins"]
    themes = available_themes(settings, pm)
    chain = theme_chain(settings["mobilizon.theme"], themes)
    config.registry["theme_chain"] = chain
    config.registry["static_assets"] = StaticAssets(chain)
    for theme in chain:
        config.add_jinja2_search_path(str(theme.templates), name=".jinja2")
        if theme.static.is_dir():
            config.add_static_view(f"static/{theme.name}", str(theme.static), cache_max_age=3600)
    for answer in pm.hook.register_templates(settings=settings):
        for folder in answer or ():
            config.add_jinja2_search_path(str(folder), name=".jinja2")
    config.add_request_method(static_url, "theme_static_url")
