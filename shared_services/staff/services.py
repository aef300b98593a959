import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.hosts import unit_root_url

from shared_services.inbox.models import StaffMember

from .models import StaffInvitation, StaffRole

INVITATION_VALIDITY = timedelta(days=14)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(*, email: str, role: StaffRole, department=None) -> StaffInvitation:
    """Invite someone to the current unit's staff, in a role and a department; the link is e-mailed after the
    transaction commits."""
    token = secrets.token_urlsafe(32)
    invitation = StaffInvitation(
        email=email.strip().lower(), role=role, department=department, token_hash=token_hash(token),
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    invitation.full_clean()
    invitation.save()
    unit = connection.tenant
    link = f"{unit_root_url(unit)}zaproszenie/{token}/"
    message = render_to_string("staff/invitation_email.txt", {"unit": unit, "link": link, "invitation": invitation})
    transaction.on_commit(lambda: send_mail(
        _("Invitation to the e-services of %(unit)s") % {"unit": unit.name}, message, None, [invitation.email]
    ))
    return invitation


def invitation_find(token: str) -> StaffInvitation | None:
    """A still valid, unused invitation for this token in the current unit, or None."""
    return StaffInvitation.objects.filter(
        token_hash=token_hash(token), accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


@transaction.atomic
def invitation_accept(*, invitation: StaffInvitation, password: str):
    """Create the invited person's account in the current unit's schema, with the invited role."""
    user_model = get_user_model()
    if user_model.objects.filter(username=invitation.email).exists():
        raise ValidationError(_("An account for %(email)s already exists.") % {"email": invitation.email})
    user = user_model(username=invitation.email, email=invitation.email, is_staff=True)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get_or_create(name=invitation.role)[0])
    StaffMember.objects.create(user=user, department=invitation.department)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user
