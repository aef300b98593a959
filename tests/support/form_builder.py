"""The form builder's pages driven by their buttons, as a browser without JavaScript does (tests of the office's and
the console's builder)."""

import re
from html import unescape

from tests.support.letters import TORUN

STATE = re.compile(r'name="state" value="([^"]+)"')


class Builder:
    """A person using the builder page by its buttons, as a browser without JavaScript does."""

    def __init__(self, client, url, host=TORUN):
        self.client, self.url, self.host = client, url, host
        self.response = client.get(url, HTTP_HOST=host)
        assert self.response.status_code == 200, self.response.status_code

    @property
    def body(self) -> str:
        return unescape(self.response.content.decode())

    @property
    def state(self) -> str:
        return STATE.search(self.response.content.decode())[1]

    def press(self, action, status=200, **data):
        data = {"state": self.state, "action": action, **data}
        self.response = self.client.post(self.url, data, HTTP_HOST=self.host)
        assert self.response.status_code == status, (self.response.status_code, self.body[:3000])
        return self

    def meta(self, title="Wniosek o dofinansowanie", slug="dofinansowanie"):
        return {"meta-title": title, "meta-slug": slug}

    def add(self, kind, step=0, **changes):
        """Add a field of `kind` and save its settings with `changes` (the field form's names without prefix)."""
        self.press("add", **self.meta(), **{"add-kind": kind, "add-step": step})
        name = re.search(r'value="save_field:([a-z0-9_]+)"', self.body)[1]
        form = self.response.context["field_form"]
        data = {f"field-{key}": value for key, value in form.initial.items() if key in form.fields}
        data = {key: value for key, value in data.items() if value not in (None, False)}
        if "field-choices" in data:
            data["field-choices"] = form.initial["choices"]
        if "field-media_types" in data:
            data["field-media_types"] = form.initial["media_types"]
        data.update({f"field-{key}": value for key, value in changes.items()})
        data = {key: value for key, value in data.items() if value is not False}
        self.press(f"save_field:{name}", **data)
        return changes.get("name", name)


def build_pesel_form(page: Builder) -> None:
    page.add("choice", label="Kto składa wniosek", name="kto", choices="osoba | Osoba fizyczna\nfirma | Firma")
    page.add("pesel", label="Numer PESEL", name="pesel", required="on", condition_field="kto", condition_equals="osoba")
    page.add("text", label="Nazwisko", name="nazwisko", required="on", max_length=100)
