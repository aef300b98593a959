"""What the inbox tests file: the general letter of the ID card service, on Toruń's and Lubicz's subdomains."""

import re

TORUN, LUBICZ = "torun.localhost", "lubicz.localhost"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
LETTER = {
    "imie": "Anna",
    "nazwisko": "Kowalska",
    "ulica": "ul. Szeroka 12/4",
    "kod_pocztowy": "87-100",
    "miejscowosc": "Toruń",
    "email": "anna@example.pl",
    "tytul": "Pytanie o odpady",
    "tresc": "Proszę o terminy.",
}
FORM_URL = "/uslugi/wydanie-dowodu-osobistego/wniosek/"
# The answers of the standard form for a licence to sell alcohol (a form with an attachment and a fee), complete.
ALCOHOL = {
    "nazwa_przedsiebiorcy": "Sklep Pod Lipą sp. z o.o.",
    "nip": "5260250274",
    "regon": "012100784",
    "ulica": "ul. Lipowa 1",
    "kod_pocztowy": "87-100",
    "miejscowosc": "Toruń",
    "adres_punktu": "ul. Lipowa 1, Toruń",
    "rodzaj_zezwolenia": "A",
    "miejsce_spozycia": "poza",
    "email": "biuro@podlipa.pl",
    "oswiadczenie": "on",
}


def application_file(client, form_url: str, data: dict, **extra):
    """File an application as a resident does: send the form, then, on the check page it leads to, "send the
    application". Returns the last response: the form with its errors, or the redirect of the filing (to the
    confirmation, or to the payment)."""
    checked = client.post(form_url, data, **extra)
    if checked.status_code != 302 or not checked["Location"].endswith("/sprawdz/"):
        return checked
    page = client.get(checked["Location"], **extra).content.decode()
    key = re.search(r'name="draft" value="([0-9a-f-]+)"', page).group(1)
    return client.post(checked["Location"], {"draft": key}, **extra)
