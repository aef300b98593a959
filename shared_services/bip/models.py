"""A unit's BIP (Biuletyn Informacji Publicznej), in the unit's schema.

- `Section`: the subject menu (menu przedmiotowe): the standard sections seeded for the unit's kind, which the
  unit renames, reorders and extends with its own.
- `Publication`: one published item in a section; its content lives in `PublicationVersion`s, which are never
  changed once published (a change writes a new version, withdrawing writes a last one). The versions are the
  item's change register (rejestr zmian); each carries the metadata of art. 8 ust. 6 of the act on access to
  public information. Another app (a register) publishes its records here with `source_app`/`source_key` and
  a `data` document drawn by its renderer (renderers.py).
- `EditorialOffice` and `Editor`: the redakcja and its editors (§11 of the BIP regulation).
- `Subscription`: an e-mail address following a section key (`bip:<section>`, or another app's key), confirmed
  by a link (double opt-in).
"""

import uuid

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model


@tenant_model
class Section(models.Model):
    """One entry of the subject menu. `key` is stable (URLs, subscriptions); the title is the unit's to change."""

    key = models.SlugField(_("address key"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # Seeded from the standard menu of the unit's kind (seed_data.py): seeding again adds only what is new.
    standard = models.BooleanField(_("standard section"), default=False, editable=False)
    visible = models.BooleanField(_("shown in the menu"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("menu section")
        verbose_name_plural = _("menu sections")

    def __str__(self):
        return self.title

    def title_in(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title


class ChangeKind(models.TextChoices):
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    WITHDRAWN = "withdrawn", _("withdrawn")


@tenant_model
class Publication(models.Model):
    """An item of the BIP. What it says, and when, is in its versions; the public sees the newest version whose
    publication time has come (selectors.published_publications), so a scheduled item needs no job."""

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="publications")
    # Set when another app publishes through BIP: the app's label and its record's key (e.g. "registers",
    # "uchwaly/XII-123-2026"); the app's renderer draws the versions' `data`.
    source_app = models.CharField(_("source application"), max_length=40, blank=True)
    source_key = models.CharField(_("source record"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Denormalised from the versions by the services, for the office's lists: the number of the newest version
    # and whether the item was withdrawn.
    last_number = models.PositiveIntegerField(default=0)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    # When the subscribers of its section were told of it (at publication, or by the beat task once a
    # scheduled item's time came); empty while nobody was told.
    announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(
                fields=["source_app", "source_key"], condition=~Q(source_app=""), name="bip_publication_source"
            )
        ]

    def __str__(self):
        return f"BIP #{self.pk}"


@tenant_model
class PublicationVersion(models.Model):
    """One version of an item, with the act's metadata. Published versions are never changed (services.py
    writes them once); a draft (`published_at` empty, the only version of a new item) may be rewritten
    until it is published."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind of change"), max_length=10, choices=ChangeKind.choices)
    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("summary"), max_length=1000, blank=True)
    body = models.TextField(_("content"), max_length=100000, blank=True)
    data = models.JSONField(_("structured content"), null=True, blank=True)
    # Art. 8 ust. 6: the publishing body (the unit's name when the version was written), who produced the
    # information or answers for its content, who entered it, when it was produced, when it was published.
    publisher = models.CharField(_("published by (body)"), max_length=300)
    produced_by = models.CharField(_("produced by / responsible for the content"), max_length=300)
    produced_on = models.DateField(_("produced on"))
    entered_by = models.CharField(_("entered by"), max_length=300)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    recorded_at = models.DateTimeField(_("change made at"), auto_now_add=True)
    # Who made this change (the account; entered_by is the person's name as shown in BIP).
    changed_by = models.CharField(_("change made by"), max_length=300)
    change_note = models.CharField(_("what changed"), max_length=500, blank=True)
    # Withdrawing: why. Art. 8 ust. 5: what was withheld from publication, on what legal basis, who decided.
    withdrawal_reason = models.TextField(_("reason for withdrawal"), max_length=2000, blank=True)
    withheld_scope = models.CharField(_("information withheld"), max_length=1000, blank=True)
    withheld_basis = models.CharField(_("legal basis of withholding"), max_length=500, blank=True)
    withheld_by = models.CharField(_("withholding decided by"), max_length=300, blank=True)

    class Meta:
        ordering = ["publication", "number"]
        verbose_name = _("publication version")
        verbose_name_plural = _("publication versions")
        constraints = [
            models.UniqueConstraint(fields=["publication", "number"], name="bip_version_number"),
        ]

    def __str__(self):
        return f"{self.title} (v{self.number})"


phone_validator = RegexValidator(r"^[0-9 +()\-]{6,30}$", _("Enter a phone number: digits, spaces, + ( ) -."))


@tenant_model
class EditorialOffice(models.Model):
    """The redakcja BIP of the unit (one row)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), max_length=500)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    # Shown on the page on information not published in BIP (art. 8 ust. 4), after the standard text.
    request_info = models.TextField(_("how to request information (addition)"), max_length=3000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("editorial office")
        verbose_name_plural = _("editorial office")

    def __str__(self):
        return self.name


@tenant_model
class Editor(models.Model):
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, validators=[phone_validator])
    email = models.EmailField(_("e-mail"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("BIP editor")
        verbose_name_plural = _("BIP editors")

    def __str__(self):
        return self.name


@tenant_model
class Subscription(models.Model):
    """An address following one key: `bip:<section key>` for a BIP section, or another app's key (e.g.
    `register:<slug>`). Mail goes only after the address confirmed with the link sent to it."""

    email = models.EmailField(_("e-mail"))
    key = models.CharField(_("subscribed to"), max_length=120)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    language = models.CharField(max_length=5, default="pl")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [models.UniqueConstraint(fields=["email", "key"], name="bip_subscription_once")]

    def __str__(self):
        return f"{self.email} → {self.key}"
