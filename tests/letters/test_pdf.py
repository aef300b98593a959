"""A letter printed as PDF: a real PDF on A4 whose text (read back with pypdf) has the letterhead, the place and
date, the znak sprawy, the addressee, the subject, the body with its Polish letters and the signature."""

import io
from dataclasses import replace
from datetime import date

from PIL import Image
from pypdf import PdfReader

from shared_services.letters.letter import Letter, Letterhead, Signatory
from shared_services.letters.pdf import letter_pdf

HEAD = Letterhead(
    name="Urząd Miasta Torunia",
    address="ul. Wały gen. Sikorskiego 8\n87-100 Toruń",
    phone="56 611 88 88",
    email="umt@torun.example",
    colour="#1d3f7a",
)
LETTER = Letter(
    letterhead=HEAD,
    date=date(2026, 3, 5),
    sign="SO.5340.1.2026",
    addressee=("Anna Kowalska", "ul. Szeroka 12/4", "87-100 Toruń"),
    subject="Wezwanie do uzupełnienia braków formalnych wniosku",
    body="Wzywam do uzupełnienia braków w terminie 7 dni.\n\nPouczenie: zażółć gęślą jaźń <b>nie</b> & tyle.",
    signatory=Signatory(name="Jan Urzędniczy", position="urzędnik", department="Wydział Spraw Obywatelskich"),
)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_letter_is_an_a4_pdf_with_everything_a_letter_of_an_office_has():
    pdf = letter_pdf(LETTER)
    assert pdf.startswith(b"%PDF-")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = text_of(pdf)
    for expected in (
        "Urząd Miasta Torunia",
        "87-100 Toruń",
        "Toruń, dnia 5 marca 2026 r.",
        "Znak sprawy: SO.5340.1.2026",
        "Anna Kowalska",
        "ul. Szeroka 12/4",
        "Wezwanie do uzupełnienia braków formalnych wniosku",
        "zażółć gęślą jaźń <b>nie</b> & tyle.",  # typed markup prints as typed
        "Jan Urzędniczy",
        "Urzędnik",
        "Wydział Spraw Obywatelskich",
    ):
        assert expected in text, expected


def test_the_same_letter_gives_the_same_bytes():
    assert letter_pdf(LETTER) == letter_pdf(LETTER)


def test_the_coat_of_arms_is_drawn_and_a_damaged_one_is_left_out():
    image = io.BytesIO()
    Image.new("RGB", (60, 80), "#b3261e").save(image, format="PNG")
    with_arms = letter_pdf(replace(LETTER, letterhead=replace(HEAD, coat_of_arms=image.getvalue())))
    assert len(PdfReader(io.BytesIO(with_arms)).pages[0].images) == 1
    damaged = replace(LETTER, letterhead=replace(HEAD, coat_of_arms=b"not an image"))
    assert "Urząd Miasta Torunia" in text_of(letter_pdf(damaged))


def test_the_place_is_the_town_of_the_postal_code_line():
    assert HEAD.place == "Toruń"
    assert Letterhead(name="Gmina", address="Lubicz Dolny\nul. Toruńska 21\n87-162 Lubicz").place == "Lubicz"
    assert Letterhead(name="Gmina").place == ""
