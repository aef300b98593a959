"""Text from outside is cleaned on intake of what could disguise it or break what shows it."""

import pytest

from platform_core.text import line_clean, text_clean

RLO, PDF_, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"
RLM = "\u200f"


@pytest.mark.parametrize(
    "sent, kept",
    [
        (f"Jan{RLO}gnp.exe", "Jangnp.exe"),  # no longer shows as "Janexe.png"
        (f"{LRI}Anna{PDI} {RLO}Kowalska{PDF_}", "Anna Kowalska"),
        ("dzwonek\x07 i \x1b[31mczerwony\x1b[0m \x9b2J", "dzwonek i [31mczerwony[0m 2J"),
        ("zero\x00bajt\x7f", "zerobajt"),
        ("zła para \ud800", "zła para "),
    ],
)
def test_disguises_and_controls_are_removed(sent, kept):
    assert text_clean(sent) == kept
    assert line_clean(sent) == kept


def test_free_text_keeps_its_lines_tabs_and_direction_marks():
    text = f"Wiersz 1\r\n\tWiersz 2\u2028Wiersz 3 שלום{RLM}!"
    assert text_clean(text) == f"Wiersz 1\r\n\tWiersz 2\nWiersz 3 שלום{RLM}!"


def test_a_line_is_one_line_without_direction_marks():
    assert line_clean(f"skan\r\n{RLM}wniosku\t.pdf") == "skan  wniosku .pdf"


def test_polish_and_other_scripts_are_kept():
    text = "Zażółć gęślą jaźń — «Ünïcödé» 日本 👩‍👩‍👧 عربي"
    assert text_clean(text) == line_clean(text) == text
