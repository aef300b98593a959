"""Places of applications, letters and cases (unit schema): a parcel, an address or a point, as it was typed,
and where it turned out to be once a lookup provider resolved it.

Geometry is kept in plain columns, not PostGIS (docs/places.md explains why): the WGS 84 centroid, the bounding
box, and the outline as WKT for drawing. The spatial questions (selectors.py) are answered from the box, which
a GiST index over a `box` built from the four columns serves in core PostgreSQL."""

from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.db.models import F, Func, Value
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model


class PlaceKind(models.TextChoices):
    PARCEL = "parcel", _("parcel")
    ADDRESS = "address", _("address")
    POINT = "point", _("point")


class Resolution(models.TextChoices):
    PENDING = "pending", _("waiting for the lookup")
    RESOLVED = "resolved", _("found")
    NOT_FOUND = "not_found", _("not found")
    FAILED = "failed", _("lookup failed")


class BoxField(models.Field):
    """PostgreSQL's geometric `box` type, only as the type of BoxOf below (no column has it)."""

    def db_type(self, connection):
        return "box"


@BoxField.register_lookup
class BoxOverlaps(models.Lookup):
    """`a && b`: the boxes share at least one point (GiST-indexable)."""

    lookup_name = "overlaps"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} && {rhs}", [*lhs_params, *rhs_params]


@BoxField.register_lookup
class BoxContainedBy(models.Lookup):
    """`a <@ b`: the box lies wholly within the other (GiST-indexable)."""

    lookup_name = "within"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} <@ {rhs}", [*lhs_params, *rhs_params]


class BoxOf(Func):
    """`box(point(min_lon, min_lat), point(max_lon, max_lat))` of four columns or values: the expression the
    spatial index is built on and the filters compare with."""

    output_field = BoxField()

    def __init__(self, min_lon, min_lat, max_lon, max_lat, **extra):
        super().__init__(min_lon, min_lat, max_lon, max_lat, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        sqls, params = [], []
        for expression in self.source_expressions:
            sql, expression_params = compiler.compile(expression)
            sqls.append(sql)
            params.extend(expression_params)
        return f"box(point({sqls[0]}, {sqls[1]}), point({sqls[2]}, {sqls[3]}))", params


def place_box() -> BoxOf:
    """The box of a place's own columns: exactly the indexed expression."""
    return BoxOf(F("min_lon"), F("min_lat"), F("max_lon"), F("max_lat"))


def box_value(min_lat: float, min_lon: float, max_lat: float, max_lon: float) -> BoxOf:
    return BoxOf(*(Value(float(value)) for value in (min_lon, min_lat, max_lon, max_lat)))


@tenant_model
class Place(models.Model):
    """One place an application, a letter or a case concerns. `typed` is what the resident or clerk wrote;
    `identifier` its normal form (a parcel's ULDK identifier, an address as one line, a point as "lat,lon")."""

    kind = models.CharField(_("kind"), max_length=10, choices=PlaceKind.choices)
    typed = models.CharField(_("as typed"), max_length=300)
    identifier = models.CharField(_("identifier"), max_length=300, db_index=True)
    # The TERYT code of the gmina (or its part) a parcel's identifier names, "WWPPGG_R"; empty for others.
    teryt = models.CharField(_("TERYT"), max_length=8, blank=True)
    # The parcel lies in another unit's area (by its identifier): the resident confirmed it, the clerk is warned.
    outside_unit = models.BooleanField(_("outside the unit"), default=False)
    # Address parts, kept as typed for the geocoder and the inbox's street filter.
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    street = models.CharField(_("street"), max_length=150, blank=True)
    number = models.CharField(_("number"), max_length=20, blank=True)

    status = models.CharField(_("lookup"), max_length=10, choices=Resolution.choices, default=Resolution.PENDING)
    attempts = models.PositiveSmallIntegerField(_("lookup attempts"), default=0)
    provider = models.CharField(_("provider"), max_length=40, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # What the provider said the place is (a parcel's region and number, an address's full form).
    resolved_label = models.CharField(_("found as"), max_length=300, blank=True)

    # WGS 84 (EPSG:4326), degrees. A point's box is the point itself.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    # The outline in WGS 84 as WKT (POLYGON/MULTIPOLYGON, lon lat order), for drawing; empty for points.
    outline_wkt = models.TextField(blank=True)

    # What the place belongs to: an application (its submission), a register entry (a letter), a case.
    submission = models.ForeignKey(
        "eforms.Submission", null=True, blank=True, on_delete=models.CASCADE, related_name="places"
    )
    register_entry = models.ForeignKey(
        "inbox.RegisterEntry", null=True, blank=True, on_delete=models.CASCADE, related_name="places"
    )
    case = models.ForeignKey("inbox.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="places")
    position = models.PositiveSmallIntegerField(default=0)  # order within the application's answer
    created_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [
            # "Which places lie within / overlap this box": a GiST index on the box of each resolved place.
            GistIndex(
                place_box(),
                name="places_place_box_gist",
                condition=models.Q(min_lat__isnull=False),
            ),
            models.Index(fields=["status", "id"], name="places_place_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_lat__isnull=True)
                | models.Q(min_lat__lte=F("max_lat"), min_lon__lte=F("max_lon")),
                name="places_place_box_ordered",
            ),
        ]

    def __str__(self):
        return self.identifier or self.typed

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None
