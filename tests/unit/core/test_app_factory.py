from mobilizon import FEATURES, FRAMEWORK


def test_include_order_is_pinned():
    """Framework wiring first (db before jobs before security...), then features, then plugins."""
    assert FRAMEWORK[:8] == (
        "mobilizon.db",
        "mobilizon.tasks",
        "mobilizon.security",
        "mobilizon.i18n",
        "mobilizon.templating",
        "mobilizon.themes",
        "mobilizon.errors",
        "mobilizon.mail",
    )
    assert FEATURES[0] == "mobilizon.instance"
    assert FEATURES.index("mobilizon.accounts") < FEATURES.index("mobilizon.identities")
    assert len(set(FRAMEWORK + FEATURES)) == len(FRAMEWORK + FEATURES)
