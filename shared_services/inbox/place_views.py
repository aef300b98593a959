"""The office's pages of a case's places and of a letter's: what the lookup found for each (or that it is still
waiting, was not found, or failed), the flag of a parcel outside the unit, and the clerk's additions, corrections
and removals (shared_services/places/services.py writes them with their audit entries). Whoever may see the case
may read its places; whoever may act on it (a case not closed) may change them."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_services.eforms.locations import current_unit_code, parcel_in_unit, place_from_row
from shared_services.identity.access import Area, area_required
from shared_services.places import selectors as place_selectors
from shared_services.places import services as place_services
from shared_services.places.models import Resolution

from .models import RegisterEntry
from .permissions import allowed_actions, visible_cases

staff_required = area_required(Area.OFFICE)


class PlaceForm(forms.Form):
    """One place, as on the residents' form: a parcel identifier, or an address, or a point."""

    parcel = forms.CharField(
        label=gettext_lazy("Parcel identifier"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("e.g. 046301_1.0012.123/4 or 046301_1.0012.AR_5.123/4"),
    )
    locality = forms.CharField(label=gettext_lazy("Locality"), required=False, max_length=100)
    street = forms.CharField(label=gettext_lazy("Street"), required=False, max_length=150)
    number = forms.CharField(label=gettext_lazy("House number"), required=False, max_length=20)
    lat = forms.CharField(label=gettext_lazy("Latitude"), required=False, max_length=20)
    lon = forms.CharField(label=gettext_lazy("Longitude"), required=False, max_length=20)

    def clean(self):
        cleaned = super().clean()
        row = {name: (cleaned.get(name) or "").strip() for name in self.fields}
        if not any(row.values()):
            raise ValidationError(_("Give a parcel identifier, an address or a point."))
        try:
            cleaned["place"] = place_from_row(row)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return cleaned


def _actor(request) -> str:
    return request.user.get_username()


def _owner(request, *, case_pk=None, entry_pk=None):
    """(case, entry, may_change) of the page; 404 for what this person may not see (another unit's rows are not
    even in this schema)."""
    if case_pk is not None:
        case = visible_cases(request.user).select_related("register_entry").filter(pk=case_pk).first()
        if case is None:
            raise Http404
        entry = None
    else:
        entry = RegisterEntry.objects.filter(pk=entry_pk).first()
        owning = entry.owning_case if entry is not None else None
        if owning is None or not visible_cases(request.user).filter(pk=owning.pk).exists():
            raise Http404
        case = owning
    may_change = case.status != "closed" and bool(allowed_actions(request.user, case) - {"note"})
    return case, entry, may_change


def _page(request, *, case, entry, may_change, form=None, status=200):
    places = place_selectors.places_of_entry(entry.pk) if entry else place_selectors.places_of_case(case.pk)
    return render(
        request,
        "inbox/places_edit.html",
        {
            "case": case,
            "entry": entry,
            "places": places,
            "may_change": may_change,
            "form": form or PlaceForm(),
            "pending": Resolution.PENDING,
            "unit_code": current_unit_code(),
        },
        status=status,
    )


@staff_required
def case_places(request, pk):
    case, entry, may_change = _owner(request, case_pk=pk)
    return _places_view(request, case=case, entry=entry, may_change=may_change)


@staff_required
def letter_places(request, entry_pk):
    case, entry, may_change = _owner(request, entry_pk=entry_pk)
    return _places_view(request, case=case, entry=entry, may_change=may_change)


def _places_view(request, *, case, entry, may_change):
    if request.method != "POST":
        return _page(request, case=case, entry=entry, may_change=may_change)
    if not may_change:
        return _page(request, case=case, entry=entry, may_change=False, status=403)
    here = reverse("clerk-letter-places", args=[entry.pk]) if entry else reverse("clerk-case-places", args=[case.pk])
    operation = request.POST.get("op", "")
    if operation == "add":
        form = PlaceForm(request.POST)
        if not form.is_valid():
            return _page(request, case=case, entry=entry, may_change=True, form=form, status=400)
        place = place_services.place_add(
            form.cleaned_data["place"], actor=_actor(request), user=request.user, case=case, entry=entry
        )
        _outside_warn(request, place)
        messages.success(request, _("The place was added; its lookup follows."))
        return redirect(here)
    place = _own_place(request, case=case, entry=entry)
    if operation == "correct":
        form = PlaceForm(request.POST)
        if not form.is_valid():
            return _page(request, case=case, entry=entry, may_change=True, form=form, status=400)
        place = place_services.place_correct(place, form.cleaned_data["place"], actor=_actor(request))
        _outside_warn(request, place)
        messages.success(request, _("The place was corrected; it is looked up again."))
    elif operation == "remove":
        place_services.place_remove(place, actor=_actor(request))
        messages.success(request, _("The place was removed."))
    elif operation == "again":
        place_services.place_lookup_again(place, actor=_actor(request))
        messages.success(request, _("The place will be looked up again."))
    else:
        return _page(request, case=case, entry=entry, may_change=True, status=400)
    return redirect(here)


def _own_place(request, *, case, entry):
    try:
        place_id = int(request.POST.get("place", ""))
    except ValueError:
        raise Http404 from None
    place = place_selectors.place_get(place_id)
    belongs = place is not None and (place.register_entry_id == entry.pk if entry else place.case_id == case.pk)
    if not belongs:
        raise Http404
    return place


def _outside_warn(request, place) -> None:
    if place.teryt and parcel_in_unit(place.teryt, current_unit_code()) is False:
        messages.warning(
            request, _("Parcel %(parcel)s lies outside this office's area.") % {"parcel": place.identifier}
        )
