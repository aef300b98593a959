"""The colours of base.css that carry meaning: messages and panels of each kind, in normal and high contrast.

The pairs are read from the style sheet itself (the custom properties it centralises them in), so a change of
colour that loses contrast fails here, not only in the browser tests' axe-core runs."""

import re
from pathlib import Path

import pytest

from shared_services.branding.contrast import contrast_ratio

BASE_CSS = Path(__file__).resolve().parents[2] / "platform_core" / "static" / "platform_core" / "base.css"
KINDS = ("success", "info", "warning", "error")
AA_TEXT = 4.5


def rules() -> list[tuple[str, dict[str, str]]]:
    """(selector, {property: value}) for every rule, in order, comments left out."""
    text = re.sub(r"/\*.*?\*/", "", BASE_CSS.read_text(encoding="utf-8"), flags=re.S)
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = {
            name.strip(): value.strip()
            for name, _colon, value in (part.partition(":") for part in body.split(";"))
            if value.strip()
        }
        found.append((" ".join(selector.split()), declarations))
    return found


def custom_properties(selector: str) -> dict[str, str]:
    """The custom properties `selector`'s rules set, colours as #rrggbb."""
    properties = {}
    for each, declarations in rules():
        if each == selector:
            properties |= {name: six_digits(value) for name, value in declarations.items() if name.startswith("--")}
    return properties


def six_digits(colour: str) -> str:
    return "#" + "".join(digit * 2 for digit in colour[1:]) if re.fullmatch(r"#[0-9a-fA-F]{3}", colour) else colour


@pytest.mark.parametrize("mode", ["normal", "high"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_message_is_readable_on_its_background(kind, mode):
    colours = custom_properties(":root")
    if mode == "high":
        colours |= custom_properties("body.contrast-high")
    background = colours[f"--{kind}-bg"]
    for text in (colours[f"--{kind}"], colours["--text"]):  # the kind's word and icon, and the message itself
        assert contrast_ratio(text, background) >= AA_TEXT, (kind, mode, text, background)


def test_the_kinds_look_different_and_success_is_not_red():
    colours = custom_properties(":root")
    assert len({colours[f"--{kind}"] for kind in KINDS}) == len(KINDS)
    assert len({colours[f"--{kind}-bg"] for kind in KINDS}) == len(KINDS)
    red, green, blue = (int(colours["--success"][i : i + 2], 16) for i in (1, 3, 5))
    assert green > red and green > blue


def test_messages_and_panels_do_not_take_the_units_accent_colour():
    # The accent is a unit's brand colour (red by default): a success panel drawn in it reads as an alarm.
    for selector, declarations in rules():
        if ".notice" in selector or ".message" in selector:
            assert not [value for value in declarations.values() if "--accent" in value], selector
