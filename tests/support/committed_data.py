"""Emptying what tests commit for other processes to see (a live server, real workers): no test
transaction rolls it back."""

# Public tables of the catalogue.
CATALOGUE_TABLES = (
    "catalogue_category",
    "catalogue_lifeevent",
    "catalogue_standardservice",
    "catalogue_standardserviceversion",
    "catalogue_standardform",
    "catalogue_standardformversion",
    "catalogue_offering",
)


def catalogue_truncate(cursor) -> None:
    """Empty the public catalogue; TRUNCATE … CASCADE also empties the unit tables that point at it, in every
    unit's schema (adopted services, submissions and their attachments, drafts, register entries, receipts,
    cases)."""
    cursor.execute(f"TRUNCATE {', '.join(CATALOGUE_TABLES)} CASCADE")
