"""What the inbox tests file: the general letter of the ID card service, on Toruń's and Lubicz's subdomains."""

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
