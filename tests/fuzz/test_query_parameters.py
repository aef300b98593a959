"""Generated query strings on every page a person opens with GET (issue 15, item 5): every office page (`/urzad/…`,
as the demo's administrator of Toruń, with the demo's own objects in its address: the pages and objects of
tests/platform_core/test_office_access_matrix.py), the resident portal's pages that read their address (search,
sign-in and sign-out, the receipt check) and the operator console's list. None may answer with a 5xx.

What is generated (Hypothesis): up to six parameters per request, named as the page's views read them (READS, found
in their code: `request.GET`, forms bound to it) or as the page's own GET forms and links name them, or any name;
each with a value the page itself offers, such a value with a tricky character in it (NUL, controls,
bidirectional overrides, lone surrogates as their bytes), or hostile text (very long, huge numbers, dates that do
not exist, text where a number belongs); a parameter given several times; broken percent-escapes; with and without
HTMX's header, which some pages answer with a fragment. Before them, each value a parameter starts from (ordinary
ones and those at the edges of their kind: 9999-12-31, "²") is sent for sure, once. Bound: OFFICE_EXAMPLES per office
page that reads its address, OTHER_EXAMPLES per page that reads nothing, PORTAL_EXAMPLES per portal page;
derandomized; about twenty seconds in all.
"""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote_from_bytes, urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_tenants.utils import tenant_context
from hypothesis import given
from hypothesis import strategies as st

from onboarding.catalogue_forms import CardFilterForm
from onboarding.forms import UnitFilterForm
from shared_services.inbox.clerk_views import PAGE_PARAMETER, SORT_PARAMETER, CaseFilterForm, RegisterYearForm
from shared_services.inbox.register_export import RegisterPeriodForm
from shared_services.payments.views import ReportForm
from tests.platform_core.test_office_access_matrix import PAGES, torun_office  # noqa: F401 (the module's objects)
from tests.support.accounts import signed_in
from tests.support.generated_input import bounded, hostile_text, spoiled, utf8_or_not
from tests.support.letters import TORUN

pytestmark = pytest.mark.django_db

OFFICE_EXAMPLES, OTHER_EXAMPLES, PORTAL_EXAMPLES = 50, 6, 25
PLATFORM = "localhost"


def fields_of(form_class, prefix: str = "", **values: set[str]) -> dict[str, set[str]]:
    """The parameters a form bound to the address reads (its fields, named with its prefix), each with the
    `values` given for it to start from."""
    return {f"{prefix}-{name}" if prefix else name: values.get(name, set()) for name in form_class.base_fields}


# What each page's view reads from its address, found in the code (request.GET, and the forms bound to it), with
# values to start from besides those its forms and links offer: ordinary ones and those at the edges of their kind.
DATES = {"2026-01-01", "2026-12-31", "2025-06-30", "0001-01-01", "9999-12-31", "2026-02-29", "1899-12-31"}
YEARS = {"2026", "2025", "1900", "2999", "0", "9999", "-2026", "2026.0", "²", "١٩٩٩"}
PAGE_NUMBERS = {"1", "2", "last", "0", "-1", "1.5", "²", str(2**63)}
READS = {
    "clerk-inbox": {
        **fields_of(CaseFilterForm, received_from=DATES, received_to=DATES, overdue={"on"}),
        PAGE_PARAMETER: PAGE_NUMBERS,
        SORT_PARAMETER: set(),
    },
    "clerk-register": fields_of(RegisterYearForm, rok=YEARS),
    "clerk-register-export": fields_of(RegisterPeriodForm, od=DATES, do=DATES, format={"pdf", "csv"}),
    "clerk-notifications": {"strona": PAGE_NUMBERS},
    "payment-report": fields_of(ReportForm, "report", date_from=DATES, date_to=DATES, format={"csv", "xlsx"}),
}
# Pages whose admin may open them with GET: the office's, from the access matrix's design.
OFFICE_PAGES = [name for name, (design, *_rest) in PAGES.items() if design["admin"] == 200]
# (host, path, what it reads) of the pages outside the office that read their address.
PORTAL_PAGES = {
    "unit search": (TORUN, "/szukaj/", {"q": {"dowód osobisty", "odpady"}}),
    "regional search": (PLATFORM, "/szukaj/", {"q": {"dowód osobisty", "odpady"}}),
    "receipt check": (PLATFORM, "/upo/weryfikacja/", {"id": {"0f8fad5b-d9cb-469f-a165-70867728950e"}}),
    "sign-in": (TORUN, "/oidc/logowanie/", {"next": {"/", "/urzad/", "//evil.example/"}, "ponownie": {"1"}}),
    "sign-in's end": (TORUN, "/oidc/zakoncz/", {"ticket": {"abc"}}),
    "provider's return": (PLATFORM, "/oidc/callback/", {"state": {"abc"}, "code": {"abc"}, "error": {"access_denied"}}),
    "signed out": (PLATFORM, "/oidc/wylogowano/", {"state": {"abc"}}),
    "console": (
        PLATFORM,
        "/konsola/",
        {**fields_of(UnitFilterForm, kind={"gmina_wiejska"}), "page": PAGE_NUMBERS},
    ),
    "console's cards": (
        PLATFORM,
        "/konsola/katalog/karty/",
        {
            **fields_of(CardFilterForm, status={"review"}, unit_kind={"gmina_wiejska"}, maturity_level={"3"}),
            "page": PAGE_NUMBERS,
        },
    ),
}
# Percent-escapes and separators that are not what they should be.
BROKEN = st.sampled_from(["%", "%z", "%zz", "%FF", "%C0%AF", "%ED%A0%80", "&&", "=", "==", ";", "+", "a=b=c", "%00"])


class OfferedParameters(HTMLParser):
    """The query parameters a page offers, with their values, by the path they go to: the fields of its GET forms
    (a list's options too) and the queries of its links."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.form_path: str | None = None  # where the GET form being read sends its fields
        self.select_name: str | None = None
        self.offered: dict[str, dict[str, set[str]]] = {}

    def _offer(self, path: str, name: str | None, value: str | None) -> None:
        if name:
            self.offered.setdefault(path, {}).setdefault(name, set()).add(value or "")

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            sent_by_get = (attributes.get("method") or "get").lower() == "get"
            self.form_path = urlsplit(attributes.get("action") or self.path).path or self.path if sent_by_get else None
        elif tag == "a" and "?" in (attributes.get("href") or ""):
            link = urlsplit(attributes["href"])
            for name, value in parse_qsl(link.query, keep_blank_values=True):
                self._offer(link.path or self.path, name, value)
        elif self.form_path is None:
            return
        elif tag in ("input", "select", "textarea", "button"):
            self._offer(self.form_path, attributes.get("name"), attributes.get("value"))
            self.select_name = attributes.get("name") if tag == "select" else self.select_name
        elif tag == "option":
            self._offer(self.form_path, self.select_name, attributes.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self.form_path = None


def offered(page: str, path: str) -> dict[str, set[str]]:
    parser = OfferedParameters(path)
    parser.feed(page)
    return parser.offered.get(path, {})


@st.composite
def queries(draw, known: dict[str, set[str]]) -> str:
    """A query string for a page that reads the parameters `known` (name → values it offers): each with a value
    offered, as the page's own forms and links send them, then up to four changed for the worse (left out too)."""
    chosen = {name: [draw(st.sampled_from(sorted(values)))] for name, values in known.items() if values}
    for _change in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(sorted(known)) | hostile_text()) if known else draw(hostile_text())
        offers = sorted(known.get(name, ())) or [""]
        chosen[name] = draw(
            st.lists(st.sampled_from(offers) | spoiled(st.sampled_from(offers)) | hostile_text(), max_size=3)
        )
    parts = [
        f"{quote_from_bytes(utf8_or_not(name))}={quote_from_bytes(utf8_or_not(value))}"
        for name, values in chosen.items()
        for value in values
    ]
    if draw(st.integers(0, 9)) == 0:
        parts.insert(draw(st.integers(0, len(parts))), draw(BROKEN))
    return "&".join(parts)


def each_value_once(known: dict[str, set[str]]) -> list[str]:
    """Query strings that give each parameter each of its values in turn, the others one value each: the values
    at the edges of their kind are sent for sure, not only when the generation happens on them."""
    first = {name: min(values) for name, values in known.items() if values}
    return [urlencode({**first, name: value}) for name, values in known.items() for value in sorted(values)]


def assert_no_server_error(browser: Client, host: str, path: str, known: dict[str, set[str]], examples: int):
    def open_with(query: str, htmx: bool):
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = browser.get(f"{path}?{query}", HTTP_HOST=host, **headers)
        assert response.status_code < 500, f"{path}?{query}: {response.status_code}"

    for query in each_value_once(known):
        open_with(query, htmx=False)
    given(query=queries(known), htmx=st.booleans())(bounded(examples)(open_with))()


@pytest.fixture
def administrator(unit_a, torun_office):  # noqa: F811 (the access matrix's fixture)
    browser = Client()
    with tenant_context(unit_a):
        user = get_user_model().objects.get(email="admin.torun@demo.ratusz.example")
    signed_in(browser, unit_a, user)
    return browser


@pytest.mark.parametrize("name", OFFICE_PAGES)
def test_no_query_string_makes_an_office_page_fail(name, torun_office, administrator):  # noqa: F811
    _design, parameters, *designed_query = PAGES[name]
    kwargs = {key: torun_office[value[1:]] if value.startswith("@") else value for key, value in parameters.items()}
    path = reverse(name, urlconf="platform_core.urls_tenant", kwargs=kwargs)
    page = administrator.get(path + "".join(designed_query), HTTP_HOST=TORUN)
    assert page.status_code == 200
    known = {parameter: set(values) for parameter, values in READS.get(name, {}).items()}
    if page["Content-Type"].startswith("text/html"):
        for parameter, values in offered(page.content.decode(), path).items():
            known.setdefault(parameter, set()).update(values)
    for parameter, value in parse_qsl(urlsplit("".join(designed_query)).query):
        known.setdefault(parameter, set()).add(value)
    examples = OFFICE_EXAMPLES if name in READS or known else OTHER_EXAMPLES
    assert_no_server_error(administrator, TORUN, path, known, examples)


@pytest.mark.parametrize("page", PORTAL_PAGES)
def test_no_query_string_makes_a_portal_page_fail(page, client, unit_a, settings):
    settings.RATE_LIMITS = {"sign-in:ip": "100000/10m", "upo-verify:ip": "100000/h"}
    host, path, reads = PORTAL_PAGES[page]
    if path.startswith("/konsola/"):
        operator = get_user_model().objects.create_user("kc:fuzz-operator", "operator@woj.example", is_staff=True)
        signed_in(client, None, operator)
    assert_no_server_error(client, host, path, reads, PORTAL_EXAMPLES)
