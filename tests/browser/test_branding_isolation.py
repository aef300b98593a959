"""In the browser, one unit's branding never shows on another unit's site.

Unit A (Toruń) gets a distinctive name and colours, committed so that the server process sees them; unit
B's (Lubicz's) home page must show neither, as text or as any computed colour, while A's page shows both
(otherwise the check on B would prove nothing).
"""

import pytest
from django_tenants.utils import tenant_context

from shared_services.branding.models import UnitBranding
from shared_services.branding.services import branding_update
from tenants.models import Tenant
from tests.conftest import UNIT_A, UNIT_B

pytestmark = pytest.mark.browser

A_BRANDING = {
    "display_name": "Królewski Gród Kopernika",
    "tagline": "Piernikowa stolica regionu",
    "primary_colour": "#5b1a6e",  # white header text on it: 11:1
    "accent_colour": "#0b6b4f",
}
BRANDING_FIELDS = ("display_name", "tagline", "primary_colour", "accent_colour")

# Every computed colour of every element (and ::before/::after) of the page, its title, text and markup.
_LOOK = """
const colourProperties = ["color", "background-color", "border-top-color", "border-right-color",
  "border-bottom-color", "border-left-color", "outline-color", "text-decoration-color", "caret-color",
  "column-rule-color", "fill", "stroke", "accent-color"];
const colours = new Set();
for (const element of document.querySelectorAll("*")) {
  for (const pseudo of [null, "::before", "::after"]) {
    const style = getComputedStyle(element, pseudo);
    for (const property of colourProperties) colours.add(style.getPropertyValue(property));
    const image = style.getPropertyValue("background-image");
    if (image !== "none") colours.add(image);
  }
}
const root = getComputedStyle(document.documentElement);
return {
  title: document.title,
  text: document.body.innerText,
  html: document.documentElement.outerHTML,
  header: getComputedStyle(document.querySelector(".site-header")).backgroundColor,
  primary: root.getPropertyValue("--primary").trim(),
  accent: root.getPropertyValue("--accent").trim(),
  colours: Array.from(colours),
};
"""


def rgb(hex_colour: str) -> str:
    """`#5b1a6e` as getComputedStyle writes it: `rgb(91, 26, 110)`."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def look_at(browser, url: str) -> dict:
    browser.get(url)
    return browser.execute_script(_LOOK)


@pytest.fixture(scope="module")
def distinctive_branding_of_a(django_db_setup, django_db_blocker):
    """Unit A's branding set to A_BRANDING and committed; put back as it was after this module."""
    with django_db_blocker.unblock():  # no test transaction: the server process must see the rows
        unit_a = Tenant.objects.get(code=UNIT_A["code"])
        with tenant_context(unit_a):
            before = UnitBranding.objects.first()
            saved = {field: getattr(before, field) for field in BRANDING_FIELDS} if before else None
            branding_update(**A_BRANDING)
        try:
            yield A_BRANDING
        finally:
            with tenant_context(unit_a):
                if saved is None:
                    UnitBranding.objects.all().delete()
                else:
                    branding_update(**saved)


def test_unit_b_shows_none_of_unit_a_branding(browser, browser_server, distinctive_branding_of_a):
    a_colours = {rgb(distinctive_branding_of_a["primary_colour"]), rgb(distinctive_branding_of_a["accent_colour"])}
    hex_colours = {distinctive_branding_of_a["primary_colour"], distinctive_branding_of_a["accent_colour"]}
    name, tagline = distinctive_branding_of_a["display_name"], distinctive_branding_of_a["tagline"]

    a = look_at(browser, browser_server.unit(UNIT_A["slug"]))
    assert name in a["title"] and name in a["text"] and tagline in a["text"], a["text"]
    assert a["header"] == rgb(distinctive_branding_of_a["primary_colour"])
    assert (a["primary"], a["accent"]) == (
        distinctive_branding_of_a["primary_colour"],
        distinctive_branding_of_a["accent_colour"],
    )
    assert a_colours <= set(a["colours"])

    b = look_at(browser, browser_server.unit(UNIT_B["slug"]))
    assert UNIT_B["name"] in b["text"]  # B's own page, not an error page
    for words in (name, tagline):
        assert words not in b["title"] and words not in b["text"] and words not in b["html"]
    assert b["header"] not in a_colours
    assert b["primary"] not in hex_colours and b["accent"] not in hex_colours
    shared = sorted(colour for colour in b["colours"] if any(c in colour for c in a_colours))
    assert not shared, f"unit A's colours on unit B's page: {shared}"
    assert not [colour for colour in hex_colours if colour.lower() in b["html"].lower()]
