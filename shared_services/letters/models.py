"""A unit's templates of outgoing letters (each unit's schema): the office drafts requests, notices, replies
and decisions from them on a case (shared_services/inbox/case_views.py) and sends them as PDF."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model


class LetterKind(models.TextChoices):
    REQUEST = "request", _("request to remedy formal deficiencies")  # wezwanie do uzupełnienia braków
    NOTICE = "notice", _("notice")  # zawiadomienie
    REPLY = "reply", _("reply")  # odpowiedź
    DECISION = "decision", _("decision or order")  # decyzja, postanowienie


@tenant_model
class LetterTemplate(models.Model):
    """A letter with fields from the case (`{{ znak_sprawy }}`, see fields.py) in its subject and body."""

    kind = models.CharField(_("kind"), max_length=10, choices=LetterKind.choices)
    name = models.CharField(_("name"), max_length=200, unique=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), max_length=20000)
    active = models.BooleanField(_("offered on cases"), default=True)
    # The seed a template came from (letters/data/templates.json), so seeding again adds only what is new.
    seed_key = models.SlugField(max_length=80, unique=True, null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")

    def __str__(self):
        return self.name
