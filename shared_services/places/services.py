"""Writes of places: those of an application at intake (from its location answers, in the intake's transaction),
a clerk's additions, corrections and removals on a case or a letter (each with its audit entry), and the lookup
that resolves a place's geometry, run by a Celery task after commit (tasks.py) so that a service being down never
blocks filing: the place is stored as typed and resolved later."""

import logging

from django.db import connection, transaction
from django.utils import timezone

from shared_services.audit.services import audit_record
from shared_services.eforms.locations import (
    current_unit_code,
    is_location,
    parcel_identifier_parse,
    parcel_in_unit,
    validate_parcel_identifier,
)

from .base import LookupUnavailable
from .models import Place, PlaceKind, Resolution
from .registry import provider_for

logger = logging.getLogger(__name__)

# After this many failed lookups a place is marked failed; a clerk may ask again (place_lookup_again).
MAX_ATTEMPTS = 8


def place_fields(answer: dict, *, unit_code: str | None = None) -> dict:
    """The Place fields of one place of a location answer (eforms/locations.py's shape). ValueError for one that is
    not a place (a location answer is checked when filed, so only a hand-made one fails)."""
    kind = answer.get("kind") if isinstance(answer, dict) else None
    unit_code = current_unit_code() if unit_code is None else unit_code
    if kind == PlaceKind.PARCEL:
        parsed = parcel_identifier_parse(str(answer.get("parcel", "")))
        if parsed is None:
            raise ValueError("not a parcel identifier")
        return {
            "kind": kind,
            "typed": str(answer["parcel"])[:300],
            "identifier": parsed.identifier,
            "teryt": parsed.teryt,
            "outside_unit": parcel_in_unit(parsed.teryt, unit_code) is False,
        }
    if kind == PlaceKind.ADDRESS:
        locality, street, number = (str(answer.get(part) or "").strip() for part in ("locality", "street", "number"))
        if not locality:
            raise ValueError("an address without its locality")
        line = f"{locality}, {' '.join(filter(None, (street, number)))}".strip(", ")
        return {
            "kind": kind,
            "typed": line[:300],
            "identifier": line[:300],
            "locality": locality[:100],
            "street": street[:150],
            "number": number[:20],
        }
    if kind == PlaceKind.POINT:
        lat, lon = float(answer["lat"]), float(answer["lon"])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError("a point outside the globe")
        text = f"{lat:.7f},{lon:.7f}"
        # A point is located at once; its lookup only says which parcel it lies in (resolved_label, teryt).
        return {
            "kind": kind,
            "typed": text,
            "identifier": text,
            "lat": lat,
            "lon": lon,
            "min_lat": lat,
            "max_lat": lat,
            "min_lon": lon,
            "max_lon": lon,
        }
    raise ValueError("not a place")


def location_answers(definition, data: dict) -> list[dict]:
    """The places of an application's location answers, in the form's order."""
    answers = []
    for name, spec in definition.properties.items():
        if is_location(spec) and isinstance(data.get(name), list):
            answers.extend(place for place in data[name] if isinstance(place, dict))
    return answers


def places_from_submission(submission, *, entry=None, case=None) -> list[Place]:
    """The places an application names, stored with it (and its register entry and case), in the caller's (the
    intake's) transaction; their lookups are queued for after commit. No query when the form asks for none."""
    answers = location_answers(submission.form_version, submission.data)
    if not answers:
        return []
    unit_code = current_unit_code()
    places = []
    for position, answer in enumerate(answers):
        try:
            fields = place_fields(answer, unit_code=unit_code)
        except (ValueError, KeyError, TypeError):
            continue  # checked when filed; never fail an intake over one place
        places.append(Place(submission=submission, register_entry=entry, case=case, position=position, **fields))
    Place.objects.bulk_create(places)
    _lookups_queue(places)
    return places


def place_add(answer: dict, *, actor: str, user=None, case=None, entry=None) -> Place:
    """A clerk adds a place to a case or a letter (register entry). ValueError for what is not a place."""
    if case is None and entry is None:
        raise ValueError("a place belongs to a case or a register entry")
    if answer.get("kind") == PlaceKind.PARCEL:
        answer = {**answer, "parcel": validate_parcel_identifier(str(answer.get("parcel", "")))}
    with transaction.atomic():
        position = Place.objects.filter(case=case, register_entry=entry).count()
        place = Place.objects.create(
            case=case, register_entry=entry, position=position, added_by=user, **place_fields(answer)
        )
        audit_record(actor=actor, action="place.add", target=_target(place), after=_state(place))
    _lookups_queue([place])
    return place


def place_correct(place: Place, answer: dict, *, actor: str) -> Place:
    """A clerk corrects a place: it is looked up again."""
    if answer.get("kind") == PlaceKind.PARCEL:
        answer = {**answer, "parcel": validate_parcel_identifier(str(answer.get("parcel", "")))}
    fields = place_fields(answer)
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=place.pk)
        before = _state(place)
        for name in _RESOLUTION_FIELDS:
            setattr(place, name, Place._meta.get_field(name).get_default())
        for name, value in fields.items():
            setattr(place, name, value)
        place.save()
        audit_record(actor=actor, action="place.correct", target=_target(place), before=before, after=_state(place))
    _lookups_queue([place])
    return place


def place_remove(place: Place, *, actor: str) -> None:
    with transaction.atomic():
        before = _state(place)
        target = _target(place)
        Place.objects.filter(pk=place.pk).delete()
        audit_record(actor=actor, action="place.remove", target=target, before=before)


def place_lookup_again(place: Place, *, actor: str) -> None:
    """A clerk asks for the lookup of a place that was not found or failed once more."""
    with transaction.atomic():
        Place.objects.filter(pk=place.pk).update(status=Resolution.PENDING, attempts=0, last_error="")
        audit_record(actor=actor, action="place.lookup_again", target=_target(place))
    place.status = Resolution.PENDING
    _lookups_queue([place])


_RESOLUTION_FIELDS = (
    "status",
    "attempts",
    "provider",
    "resolved_at",
    "last_error",
    "resolved_label",
    "lat",
    "lon",
    "min_lat",
    "min_lon",
    "max_lat",
    "max_lon",
    "outline_wkt",
    "teryt",
    "outside_unit",
    "locality",
    "street",
    "number",
)


def _target(place: Place) -> str:
    owner = f"case:{place.case_id}" if place.case_id else f"entry:{place.register_entry_id}"
    return f"{owner}/place:{place.pk}"


def _state(place: Place) -> dict:
    return {
        "kind": place.kind,
        "typed": place.typed,
        "identifier": place.identifier,
        "outside_unit": place.outside_unit,
    }


def _lookups_queue(places: list[Place]) -> None:
    """Queue the lookup of each place still pending, once the transaction that stored it has committed."""
    pending = [place.pk for place in places if place.status == Resolution.PENDING and place.pk]
    if pending:
        schema = connection.schema_name
        transaction.on_commit(lambda: _lookups_send(pending, schema))


def _lookups_send(place_ids: list[int], schema: str) -> None:
    from .tasks import place_resolve  # the task module imports this one

    for place_id in place_ids:
        try:
            place_resolve.apply_async(args=(place_id,), headers={"_schema_name": schema})
        except Exception:  # the broker is down: filing has succeeded all the same, the sweep will find the place
            logger.warning("could not queue the lookup of place %s; the sweep will", place_id, exc_info=True)


def place_resolve(place_id: int) -> str:
    """Look a place up with its provider and store what was found. Returns the outcome: "resolved", "not_found",
    "unavailable" (the attempt is counted; the caller retries later), "failed" (attempts used up), or "skipped"
    (no such place any more, already resolved, or no provider for its kind)."""
    place = Place.objects.filter(pk=place_id).first()
    if place is None or place.status != Resolution.PENDING:
        return "skipped"
    provider = provider_for(place.kind)
    if provider is None:
        return "skipped"
    question = {
        "kind": place.kind,
        "identifier": place.identifier,
        "locality": place.locality,
        "street": place.street,
        "number": place.number,
        "lat": place.lat,
        "lon": place.lon,
    }
    try:
        found = provider.lookup(question)
    except LookupUnavailable as error:
        attempts = place.attempts + 1
        status = Resolution.FAILED if attempts >= MAX_ATTEMPTS else Resolution.PENDING
        Place.objects.filter(pk=place.pk, status=Resolution.PENDING).update(
            attempts=attempts, last_error=str(error)[:300], provider=provider.key, status=status
        )
        return "failed" if status == Resolution.FAILED else "unavailable"
    now = timezone.now()
    if found is None:
        Place.objects.filter(pk=place.pk, status=Resolution.PENDING).update(
            status=Resolution.NOT_FOUND,
            attempts=place.attempts + 1,
            provider=provider.key,
            resolved_at=now,
            last_error="",
        )
        return "not_found"
    if place.kind == PlaceKind.POINT:  # the point stays where it was picked; the parcel it lies in is named
        Place.objects.filter(pk=place.pk, status=Resolution.PENDING).update(
            status=Resolution.RESOLVED,
            attempts=place.attempts + 1,
            provider=provider.key,
            resolved_at=now,
            last_error="",
            resolved_label=found.label[:300],
            teryt=found.teryt[:8],
        )
        return "resolved"
    lat, lon = found.shape.centroid()
    min_lat, min_lon, max_lat, max_lon = found.shape.box()
    Place.objects.filter(pk=place.pk, status=Resolution.PENDING).update(
        status=Resolution.RESOLVED,
        attempts=place.attempts + 1,
        provider=provider.key,
        resolved_at=now,
        last_error="",
        resolved_label=found.label[:300],
        lat=lat,
        lon=lon,
        min_lat=min_lat,
        min_lon=min_lon,
        max_lat=max_lat,
        max_lon=max_lon,
        outline_wkt="" if found.shape.point is not None else found.shape.wkt(),
    )
    return "resolved"
