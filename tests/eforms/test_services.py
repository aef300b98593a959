"""Writes of drafts and submissions: what they pin."""

import pytest

from shared_services.catalogue.models import StandardFormVersion
from shared_services.eforms.services import _pin


def test_only_a_form_version_read_from_the_database_is_pinned():
    # A standard version is a public row no foreign key checks (platform_core/public_references.py).
    with pytest.raises(ValueError, match="not a stored form version"):
        _pin(StandardFormVersion(pk=987654321, number=1))
    stored = StandardFormVersion.from_db("default", ["id", "number"], [5, 1])
    assert _pin(stored) == {"standard_form_version": stored, "unit_form_version": None}
