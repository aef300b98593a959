"""Every model change comes with its migration: a unit schema is built only from migrations (and the template
copied from them), so a change without one would never reach the units."""

from io import StringIO

import pytest
from django.core.management import call_command


def test_every_model_change_has_its_migration(db):
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # --check exits 1 when a migration is missing
        pytest.fail(
            f"models differ from their migrations; run `manage.py makemigrations`:\n{out.getvalue()}"
            f"(exit status {exit_.code})"
        )
    assert "No changes detected" in out.getvalue()
