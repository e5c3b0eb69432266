"""The pads plugin's three-way merge, on its own: different lines merge, the same lines clash."""

from __future__ import annotations

from mobilizon_pads.services import merge3

BASE = "Title\n\nParagraph one.\n\nParagraph two.\n"


def test_changes_to_different_lines_are_both_kept():
    theirs = BASE.replace("one.", "one, better.")
    mine = BASE.replace("two.", "two, improved.")
    assert merge3(BASE, theirs, mine) == "Title\n\nParagraph one, better.\n\nParagraph two, improved.\n"


def test_changes_to_the_same_line_clash():
    assert merge3(BASE, BASE.replace("one.", "ONE."), BASE.replace("one.", "uno.")) is None


def test_the_same_change_made_twice_counts_once():
    same = BASE.replace("two.", "2.")
    assert merge3(BASE, same, same) == same


def test_additions_at_both_ends_merge_even_without_a_final_newline():
    assert merge3("x", "x\nthey", "me\nx") == "me\nx\nthey\n"


def test_two_insertions_at_the_same_place_clash():
    assert merge3("a\nb\n", "a\nthem\nb\n", "a\nme\nb\n") is None
