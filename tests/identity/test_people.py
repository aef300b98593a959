from django.contrib.auth.models import User
from django.template import Context, Template

from shared_services.identity.people import person_name


def test_a_person_is_named_by_name_then_e_mail_never_by_subject():
    named = User(username="kc:d4a98810-0000", first_name="Anna", last_name="Kowalska", email="anna@example.pl")
    unnamed = User(username="kc:2921fa9c-0000", email="jan@example.pl")
    nobody = User(username="kc:5555")
    assert person_name(named) == "Anna Kowalska"
    assert person_name(unnamed) == "jan@example.pl"
    assert person_name(nobody) == "" and person_name(None) == ""


def test_the_template_filter_names_people_the_same_way():
    rendered = Template("{% load people %}{{ user|person_name }}").render(
        Context({"user": User(username="kc:1", first_name="Ewa", last_name="Nowak")})
    )
    assert rendered == "Ewa Nowak"
