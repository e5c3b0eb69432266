"""English and French stay complete: every message in the code and templates is translated."""

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
LOCALE = ROOT / "mobilizon" / "locale"


def extracted_messages() -> set[str]:
    method_map, options_map = parse_mapping_cfg(io.StringIO((ROOT / "babel.cfg").read_text()))
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_french_catalog_translates_every_message_in_the_code():
    with (LOCALE / "fr" / "LC_MESSAGES" / "mobilizon.po").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and (m.string if isinstance(m.string, str) else all(m.string)) and "fuzzy" not in m.flags
    }
    missing = sorted(extracted_messages() - translated)
    assert not missing, f"untranslated in French (run `make translations`): {missing[:10]}"


def test_compiled_catalog_matches_the_po_file():
    with (LOCALE / "fr" / "LC_MESSAGES" / "mobilizon.po").open("rb") as handle:
        po = read_po(handle, locale="fr")
    with (LOCALE / "fr" / "LC_MESSAGES" / "mobilizon.mo").open("rb") as handle:
        mo = read_mo(handle)

    def pairs(catalog):
        def key(value):
            return value if isinstance(value, str) else tuple(value)

        return {key(m.id): key(m.string) for m in catalog if m.id}

    po_pairs, mo_pairs = pairs(po), pairs(mo)
    assert po_pairs == mo_pairs, "mobilizon.mo is stale: run `make translations`"


def test_translations_keep_every_placeholder():
    import re

    placeholder = re.compile(r"%\(\w+\)s|\$\{\w+\}")
    with (LOCALE / "fr" / "LC_MESSAGES" / "mobilizon.po").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        expected = set(placeholder.findall(ids[-1]))
        if any(set(placeholder.findall(text)) - expected for text in strings) or not expected <= set(
            placeholder.findall(strings[-1])
        ):
            wrong.append(ids[0])
    assert not wrong, f"French translations that lose or invent placeholders: {wrong[:5]}"
