import importlib
import sys
import textwrap

import pytest
from webtest import TestApp

from mobilizon import configure
from mobilizon.settings import SettingsError
from mobilizon.testing import base_settings


def test_high_contrast_overrides_styles_and_footer_only(make_app):
    app = make_app(**{"mobilizon.theme": "high-contrast"})
    page = app.get("/")
    links = [link["href"] for link in page.html.find_all("link", rel="stylesheet")]
    assert any("/static/high-contrast/css/theme.css" in href for href in links)
    assert any("/static/default/css/site.css" in href for href in links)  # inherited
    assert "High contrast theme" in page.text  # its own footer
    assert "Skip to content" in page.text  # the default base layout
    css = app.get(next(h for h in links if "theme.css" in h).replace("http://localhost", ""))
    assert "--accent-fg: #ffeb3b" in css.text


def test_default_theme_has_its_own_footer(app):
    assert "High contrast theme" not in app.get("/").text


def test_unknown_theme_stops_start_up_naming_the_setting(make_app):
    with pytest.raises(SettingsError, match="mobilizon.theme"):
        make_app(**{"mobilizon.theme": "no-such-theme"})


def test_a_theme_can_come_from_an_installed_distribution(tmp_path, migrated):
    theme_dir = tmp_path / "sunny_theme"
    (theme_dir / "templates" / "partials").mkdir(parents=True)
    (theme_dir / "static" / "css").mkdir(parents=True)
    (theme_dir / "templates" / "partials" / "footer.jinja2").write_text("<footer>Sunny footer</footer>")
    (theme_dir / "static" / "css" / "theme.css").write_text(":root { --accent: orange; }")
    (tmp_path / "sunny_plugin.py").write_text(
        textwrap.dedent(
            f"""
            from pathlib import Path
            from mobilizon import hookimpl
            from mobilizon.hookspecs import Theme

            @hookimpl
            def register_themes(settings):
                root = Path({str(theme_dir)!r})
                return [Theme(name="sunny", templates=root / "templates", static=root / "static")]
            """
        )
    )
    info = tmp_path / "sunny_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: sunny-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[mobilizon]\nsunny = sunny_plugin\n")
    sys.path.insert(0, str(tmp_path))
    importlib.invalidate_caches()
    try:
        settings = base_settings(migrated.url, tmp_path / "data", **{"mobilizon.theme": "sunny"})
        app = TestApp(configure(settings).make_wsgi_app())
        page = app.get("/")
        assert "Sunny footer" in page.text
        assert "/static/sunny/css/theme.css" in page.text
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("sunny_plugin", None)
        importlib.invalidate_caches()
