"""What a resident types reaches the office as they meant it: no character that disguises a name or a file's
name, no control character, and no number rounded or too large for what keeps it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from shared_services.catalogue.models import StandardForm
from shared_services.eforms.filling import ApplicationForm
from shared_services.eforms.models import Attachment, Submission
from shared_services.eforms.services import submission_create
from tests.support.letters import ALCOHOL, FORM_URL, LETTER, PDF, TORUN, application_file

pytestmark = pytest.mark.django_db
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: what follows it is shown backwards


def test_names_and_free_text_are_filed_without_disguises_or_control_characters(full_catalogue, client, unit_a):
    answer = {
        **LETTER,
        "imie": f"Jan{RLO}gnp.exe",  # shown as "Janexe.png"
        "nazwisko": "Nowak\x07\x1b[2J",
        "tresc": "Wiersz pierwszy\r\n\tWiersz drugi\x1b]0;tytuł\x07 \u2066koniec\u2069",
    }
    assert application_file(client, FORM_URL, answer, HTTP_HOST=TORUN).status_code == 302
    with tenant_context(unit_a):
        submission = Submission.objects.select_related("register_entry").get()
    assert submission.data["imie"] == "Jangnp.exe"
    assert submission.data["nazwisko"] == "Nowak[2J"
    assert submission.data["tresc"] == "Wiersz pierwszy\r\n\tWiersz drugi]0;tytuł koniec"
    assert submission.register_entry.sender_name == "Jangnp.exe Nowak[2J"


def test_an_attachments_name_cannot_pose_as_another(full_catalogue, unit_a):
    # Django's upload parser drops such characters from names sent over HTTP; intake does not rely on it.
    disguised = SimpleUploadedFile(f"umowa{RLO}fdp.exe\x07", PDF, "application/pdf")
    definition = StandardForm.objects.get(slug="wniosek-zezwolenie-alkohol").current
    form = ApplicationForm(ALCOHOL, {"tytul_prawny": disguised}, definition=definition)
    assert form.is_valid(), form.errors
    with tenant_context(unit_a):
        submission_create(form=form, service_key="standard:alkohol", service_name="Zezwolenie")
        assert Attachment.objects.get().original_name == "umowafdp.exe"


class TestNumbers:
    @pytest.fixture
    def definition(self, unit_a):
        from shared_services.eforms.services import unit_form_save

        schema = {
            "type": "object",
            "properties": {
                "powierzchnia": {"type": "number", "title": "Powierzchnia (m²)", "minimum": 0},
                "liczba": {"type": "integer", "title": "Liczba drzew", "minimum": 0},
            },
        }
        with tenant_context(unit_a):
            return unit_form_save(unit_form=None, name="Liczby", slug="liczby", json_schema=schema, layout={})

    @pytest.mark.parametrize(
        "answer, message",
        [
            # A float keeps about 15 digits: this one would be filed as 0.12345678901234568.
            ({"powierzchnia": "0.12345678901234567890"}, "no more than 15 digits"),
            ({"powierzchnia": "1e-400"}, "no more than 15 digits"),  # filed as 0.0
            ({"powierzchnia": "1e5000"}, "no more than 15 digits"),  # its check page answered 500
            ({"liczba": str(2**60)}, "less than or equal to 9007199254740991"),  # beyond what JSON readers keep
        ],
    )
    def test_a_number_beyond_what_is_kept_exactly_is_refused(self, english, definition, answer, message):
        form = ApplicationForm(answer, definition=definition)
        assert not form.is_valid()
        assert message in " ".join(error for errors in form.errors.values() for error in errors)

    def test_numbers_within_are_filed_exactly(self, definition):
        form = ApplicationForm({"powierzchnia": "1234.56789", "liczba": str(2**53 - 1)}, definition=definition)
        assert form.is_valid(), form.errors
        assert form.document() == {"powierzchnia": 1234.56789, "liczba": 2**53 - 1}
