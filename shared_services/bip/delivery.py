"""E-mails of BIP subscriptions, sent by the inbox's outbox worker: the confirmation link (double opt-in) and
the news of a publication, each with the link to unsubscribe. Plain text in the language the person
subscribed in. Also names BIP's own subscription topics ("bip:<section key>")."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from platform_core.hosts import unit_root_url
from shared_services.inbox.outbox_worker import register_handler

from .models import Section, Subscription
from .renderers import register_subscription_topic, subscription_topic_title
from .services import OUTBOX_ANNOUNCE, OUTBOX_CONFIRM


@register_subscription_topic("bip")
def section_title(key: str, language: str) -> str | None:
    section = Section.objects.filter(key=key, visible=True).first()
    return section.title_in(language) if section is not None else None


def _url(name: str, *args) -> str:
    unit = connection.tenant
    return unit_root_url(unit) + reverse(name, args=args, urlconf=settings.ROOT_URLCONF).lstrip("/")


def _send(subscription: Subscription, subject: str, template: str, context: dict, message_id: str) -> None:
    unit = connection.tenant
    body = render_to_string(
        template,
        {
            "unit": unit,
            "subscription": subscription,
            "unsubscribe_url": _url("bip-unsubscribe", subscription.token),
            **context,
        },
    )
    EmailMessage(
        subject=f"{unit.name}: {subject}",
        body=body,
        to=[subscription.email],
        headers={"Message-ID": f"<{message_id}.{unit.schema_name}@ratusz>"},
    ).send()


@register_handler(OUTBOX_CONFIRM)
def confirmation_send(payload: dict) -> None:
    subscription = Subscription.objects.filter(pk=payload["subscription_id"], confirmed_at=None).first()
    if subscription is None:  # confirmed or cancelled meanwhile
        return
    with translation.override(subscription.language):
        topic = subscription_topic_title(subscription.key, subscription.language) or subscription.key
        _send(
            subscription,
            _("Confirm your subscription"),
            "bip/email/confirm.txt",
            {"topic": topic, "confirm_url": _url("bip-subscription-confirm", subscription.token)},
            f"bip-confirm-{subscription.pk}-{payload.get('sent', '')}",
        )


@register_handler(OUTBOX_ANNOUNCE)
def announcement_send(payload: dict) -> None:
    subscription = Subscription.objects.filter(pk=payload["subscription_id"], confirmed_at__isnull=False).first()
    if subscription is None:  # unsubscribed meanwhile
        return
    with translation.override(subscription.language):
        topic = subscription_topic_title(subscription.key, subscription.language) or subscription.key
        _send(
            subscription,
            _("New publication: %(title)s") % {"title": payload["title"]},
            "bip/email/announce.txt",
            {
                "topic": topic,
                "title": payload["title"],
                "url": unit_root_url(connection.tenant) + payload["path"].lstrip("/"),
            },
            f"bip-announce-{subscription.pk}{payload['path'].replace('/', '-').rstrip('-')}",
        )
