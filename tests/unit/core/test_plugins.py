"""Plugins are found through real installed entry points, enabled by settings, and a broken one
stops start-up with its name."""

import importlib
import sys
import textwrap

import pytest

from mobilizon import configure
from mobilizon.cli import main as cli_main
from mobilizon.hookspecs import MobilizonSpec
from mobilizon.plugins import PluginError, build_plugin_manager, installed_entry_points
from mobilizon.testing import base_settings


def install_distribution(site, name, module_source, entry_point_name=None, version="1.0"):
    """Write a real installed distribution (module + .dist-info with entry_points.txt) into ``site``."""
    module = f"{name}_plugin"
    (site / f"{module}.py").write_text(textwrap.dedent(module_source))
    info = site / f"{name}_plugin-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}-plugin\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[mobilizon]\n{entry_point_name or name} = {module}\n")
    return module


@pytest.fixture
def site(tmp_path):
    sys.path.insert(0, str(tmp_path))
    importlib.invalidate_caches()
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in [name for name in sys.modules if name.endswith("_plugin")]:
        del sys.modules[name]
    importlib.invalidate_caches()


def settings(**values):
    base = {"here": "/tmp", "mobilizon.base_url": "http://localhost", "mobilizon.plugins": "*"}
    base.update(values)
    from mobilizon.settings import normalize

    return normalize(base, environ={})


def test_first_party_plugins_are_installed_entry_points():
    names = {entry_point.name for entry_point in installed_entry_points()}
    assert {"gazetteer", "activitypub"} <= names


def test_an_installed_plugin_is_discovered_and_its_hooks_called(site):
    install_distribution(
        site,
        "slotty",
        """
        from mobilizon import hookimpl

        @hookimpl
        def render_page_slot(slot, context, locale):
            if slot == "footer":
                return '<p class="slotty">slot from a plugin</p>'
        """,
    )
    pm = build_plugin_manager(settings())
    assert pm.get_plugin("slotty") is not None
    assert pm.hook.render_page_slot(slot="footer", context={}, locale="en") == [
        '<p class="slotty">slot from a plugin</p>'
    ]


def test_installed_is_not_enabled(site):
    install_distribution(site, "quiet", "from mobilizon import hookimpl\n")
    install_distribution(site, "loud", "from mobilizon import hookimpl\n")
    only_loud = build_plugin_manager(settings(**{"mobilizon.plugins": "loud"}))
    assert only_loud.get_plugin("quiet") is None
    assert only_loud.get_plugin("loud") is not None
    assert (
        build_plugin_manager(settings(**{"mobilizon.plugins.disabled": "quiet"})).get_plugin("quiet") is None
    )


def test_a_plugin_that_fails_to_import_stops_start_up_with_its_name(site):
    install_distribution(site, "broken", "raise ImportError('no module named frobnicate')\n")
    with pytest.raises(PluginError) as caught:
        build_plugin_manager(settings())
    assert "plugin broken" in str(caught.value)
    assert "frobnicate" in str(caught.value)


def test_a_plugin_with_a_wrong_hook_signature_stops_start_up(site):
    install_distribution(
        site,
        "wrong",
        """
        from mobilizon import hookimpl

        @hookimpl
        def render_page_slot(slot, context, locale, unknown_argument):
            return None
        """,
    )
    with pytest.raises(PluginError, match="plugin wrong: could not be registered"):
        build_plugin_manager(settings())


def test_enabling_a_plugin_that_is_not_installed_is_an_error():
    with pytest.raises(PluginError, match="plugin nonexistent"):
        build_plugin_manager(settings(**{"mobilizon.plugins": "nonexistent"}))


def test_page_slots_render_plugin_fragments(site, migrated, tmp_path):
    from webtest import TestApp

    install_distribution(
        site,
        "banner",
        """
        from mobilizon import hookimpl

        @hookimpl
        def render_page_slot(slot, context, locale):
            if slot == "home.top":
                return f'<p class="banner">banner in {locale}</p>'
        """,
    )
    app = TestApp(configure(base_settings(migrated.url, tmp_path)).make_wsgi_app())
    assert '<p class="banner">banner in fr</p>' in app.get("/", headers={"Accept-Language": "fr"}).text


def test_setup_hook_adds_routes(site, migrated, tmp_path):
    from webtest import TestApp

    install_distribution(
        site,
        "routes",
        """
        from mobilizon import hookimpl

        def hello(request):
            return {"hello": "from a plugin"}

        @hookimpl
        def setup(config):
            config.add_route("routes_plugin_hello", "/plugin/hello")
            config.add_view(hello, route_name="routes_plugin_hello", renderer="json")
        """,
    )
    app = TestApp(configure(base_settings(migrated.url, tmp_path)).make_wsgi_app())
    assert app.get("/plugin/hello").json == {"hello": "from a plugin"}


def test_every_hook_is_documented():
    for name in dir(MobilizonSpec):
        if name.startswith("_"):
            continue
        hook = getattr(MobilizonSpec, name)
        assert hook.__doc__ and len(hook.__doc__.strip()) > 40, f"hook {name} needs a docstring"
        assert "Called" in hook.__doc__ or "called" in hook.__doc__, f"hook {name}: say when it is called"


def test_plugins_list_command(tmp_path, capsys):
    ini = tmp_path / "app.ini"
    ini.write_text(
        "[app:main]\nuse = egg:mobilizon-py\nmobilizon.base_url = http://localhost\n"
        f"mobilizon.data_dir = {tmp_path}\n"
    )
    assert cli_main(["--config", str(ini), "plugins", "list"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "gazetteer" in lines and "activitypub" in lines
    assert "enabled" in lines["gazetteer"]
    assert "register_geocoders" in lines["gazetteer"]
    assert "register_transports" in lines["activitypub"]
