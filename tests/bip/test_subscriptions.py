"""Maturity level 3: anybody subscribes to a BIP section with an e-mail address, confirmed by a link (double
opt-in); confirmed subscribers get an e-mail when an item is published there — at once, or when a scheduled
item's time comes — with a link to unsubscribe."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_services.bip.models import Subscription
from shared_services.bip.services import scheduled_announce, subscribers_announce, subscription_request
from shared_services.bip.tasks import bip_scheduled_announce
from shared_services.inbox.outbox_worker import outbox_run
from tests.bip.conftest import item_publish
from tests.support.letters import TORUN

pytestmark = pytest.mark.django_db
KEY = "bip:prawo-lokalne"


def _links(message) -> list[str]:
    return re.findall(r"http://\S+", message.body)


def _subscribe_and_confirm(client, unit, mailoutbox, email="mieszkanka@example.pl"):
    response = client.post("/bip/subskrypcja/", {"email": email, "key": KEY}, HTTP_HOST=TORUN)
    assert response.status_code == 200
    with tenant_context(unit):
        outbox_run()
    confirm = next(link for link in _links(mailoutbox[-1]) if "potwierdz" in link)
    path = confirm.split(TORUN, 1)[1].split(":", 1)[-1] if TORUN in confirm else confirm
    path = path[path.index("/bip/") :]
    assert client.get(path, HTTP_HOST=TORUN).status_code == 200  # opening the link confirms nothing yet
    with tenant_context(unit):
        assert Subscription.objects.get(email=email).confirmed_at is None
    assert client.post(path, HTTP_HOST=TORUN).status_code == 200
    mailoutbox.clear()


def test_nothing_is_sent_about_publications_before_the_address_confirms(client, bip_a, mailoutbox):
    response = client.post("/bip/subskrypcja/", {"email": "ktos@example.pl", "key": KEY}, HTTP_HOST=TORUN)
    assert response.status_code == 200
    with tenant_context(bip_a):
        outbox_run()
        assert len(mailoutbox) == 1 and "potwierdz" in mailoutbox[0].body
        assert mailoutbox[0].to == ["ktos@example.pl"]
        mailoutbox.clear()
        item_publish(bip_a)
        outbox_run()
    assert mailoutbox == []


def test_a_confirmed_subscriber_gets_an_email_on_publication_and_can_unsubscribe(client, bip_a, mailoutbox):
    _subscribe_and_confirm(client, bip_a, mailoutbox)
    with tenant_context(bip_a):
        publication = item_publish(bip_a)
        item_publish(bip_a, title="W innym dziale", section_key="petycje")
        outbox_run()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert "Zarządzenie nr 12/2026" in message.subject
    assert f"/bip/pozycje/{publication.pk}/" in message.body
    unsubscribe = next(link for link in _links(message) if "wypisz" in link)
    path = unsubscribe[unsubscribe.index("/bip/") :]
    assert client.post(path, HTTP_HOST=TORUN).status_code == 200
    mailoutbox.clear()
    with tenant_context(bip_a):
        assert not Subscription.objects.exists()
        item_publish(bip_a, title="Następne")
        outbox_run()
    assert mailoutbox == []


def test_a_scheduled_item_is_announced_when_its_time_comes_once(client, bip_a, mailoutbox):
    _subscribe_and_confirm(client, bip_a, mailoutbox)
    later = timezone.now() + timedelta(hours=2)
    with tenant_context(bip_a):
        item_publish(bip_a, published_at=later)
        outbox_run()
        assert mailoutbox == []
        assert scheduled_announce(now=timezone.now()) == 0
        assert scheduled_announce(now=later + timedelta(minutes=1)) == 1
        assert scheduled_announce(now=later + timedelta(minutes=2)) == 0
        outbox_run()
    assert len(mailoutbox) == 1
    assert bip_scheduled_announce() == 0  # the beat task walks every unit; nothing left to tell


def test_subscribing_to_an_unknown_key_or_a_bad_address_is_refused(client, bip_a):
    assert (
        client.post("/bip/subskrypcja/", {"email": "a@b.pl", "key": "bip:nie-ma"}, HTTP_HOST=TORUN).status_code == 404
    )
    assert client.post("/bip/subskrypcja/", {"email": "a@b.pl", "key": "cokolwiek"}, HTTP_HOST=TORUN).status_code == 404
    assert client.post("/bip/subskrypcja/", {"email": "nie-adres", "key": KEY}, HTTP_HOST=TORUN).status_code == 400
    assert (
        client.get("/bip/subskrypcja/00000000-0000-0000-0000-000000000000/potwierdz/", HTTP_HOST=TORUN).status_code
        == 404
    )
    with tenant_context(bip_a):
        assert not Subscription.objects.exists()


def test_asking_twice_keeps_one_subscription_and_other_apps_announce_to_their_keys(bip_a, mailoutbox):
    with tenant_context(bip_a):
        first = subscription_request(email="Ala@Example.pl", key="register:uchwaly")
        again = subscription_request(email="ala@example.pl", key="register:uchwaly")
        assert first.pk == again.pk
        Subscription.objects.filter(pk=first.pk).update(confirmed_at=timezone.now())
        outbox_run()
        mailoutbox.clear()
        assert subscribers_announce(key="register:uchwaly", title="Uchwała XII/1/2026", path="/bip/pozycje/1/") == 1
        outbox_run()
    assert len(mailoutbox) == 1 and "Uchwała XII/1/2026" in mailoutbox[0].subject


def test_asking_again_and_again_mails_one_link_an_hour_and_the_address_limit_stops_a_flood(client, bip_a, mailoutbox):
    for _ in range(5):
        client.post("/bip/subskrypcja/", {"email": "ofiara@example.pl", "key": KEY}, HTTP_HOST=TORUN)
    with tenant_context(bip_a):
        outbox_run()
    assert len(mailoutbox) == 1
    statuses = [
        client.post("/bip/subskrypcja/", {"email": f"a{n}@example.pl", "key": KEY}, HTTP_HOST=TORUN).status_code
        for n in range(20)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:15]
