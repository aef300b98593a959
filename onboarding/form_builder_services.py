"""Publishing the regional catalogue's standard forms from the console (the form builder and the JSON editor)."""

from django.db import transaction

from shared_services.catalogue.models import StandardForm, StandardFormVersion
from shared_services.eforms.services import form_version_create

from .actors import Actor
from .models import OperatorActionKind
from .services import operator_action_record


@transaction.atomic
def standard_form_publish(
    *, standard_form: StandardForm | None, name: str, slug: str, json_schema: dict, layout: dict, actor: Actor
) -> StandardFormVersion:
    """A new version of a standard form (or a new form with its first version), which residents of every unit
    whose cards use it fill in from now on; published versions never change, and applications keep theirs.
    Recorded in the operators' audit log in the same transaction. Raises ValidationError for a taken address
    name or a definition that does not work."""
    if standard_form is None:
        standard_form = StandardForm(slug=slug)
    standard_form.name = name
    standard_form.full_clean(exclude=["current"])
    standard_form.save()
    version = form_version_create(form=standard_form, json_schema=json_schema, layout=layout)
    operator_action_record(
        actor=actor, action=OperatorActionKind.FORM_PUBLISH, unit=None, slug=standard_form.slug, version=version.number
    )
    return version
