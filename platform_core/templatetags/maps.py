"""Maps in templates that have no view of their own to build them: the resident's picker of a form's location
field (eforms' widget template), drawn by platform_core/maps.js over the page's text boxes, and a map of a few
features a template already has (the unit's service points on its home page)."""

from django import template
from django.utils.translation import gettext as _

from platform_core.maps import map_data

register = template.Library()


@register.inclusion_tag("platform_core/_place_picker.html")
def place_picker(name: str, rows: int):
    """A map on which a click sets a point in the first empty place of the location field `name` (its `rows`
    groups of text boxes, which stay the way to answer without JavaScript)."""
    return {
        "map_id": f"picker-{name}",
        "map_label": _("Map: a click sets a point in the first empty place"),
        "map": map_data(
            picker={"name": name, "rows": rows},
            texts={
                "point": _("Point"),
                "picked": _("Point set in place"),
                "full": _("Every place is filled in: clear one to pick another point."),
                "plain": _("No basemap: the office's area"),
            },
        ),
    }


@register.inclusion_tag("platform_core/_map.html")
def features_map(map_id: str, map_label: str, features, plain_text: str = ""):
    """A map of GeoJSON features (each with a `label`, optional `url` and `details`) on the unit's basemap or
    outline; the page lists the same things as text."""
    return {
        "map_id": map_id,
        "map_label": map_label,
        "map": map_data(features=features, texts={"plain": plain_text} if plain_text else None),
        "map_small": True,
    }
