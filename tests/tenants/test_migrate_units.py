"""migrate_units in its release form: forked worker processes on committed schemas (no test transaction)."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

from tenants.models import Tenant
from tenants.schema_template import applied_migrations, expected_migrations
from tests.conftest import UNIT_A, UNIT_B
from tests.support.processes import database_url_of
from tests.support.schemas import migrate_schema_to


def test_migrate_units_runs_schemas_in_parallel_processes(django_db_blocker, django_db_setup):
    """The release path: forked workers, each with its own connection, on committed schemas."""
    with django_db_blocker.unblock():
        units = [Tenant.objects.get(code=unit["code"]) for unit in (UNIT_A, UNIT_B)]
        for unit in units:
            migrate_schema_to(unit.schema_name, "branding", "0001")
        assert all(
            ("branding", "0002_unitbranding_coat_of_arms") not in applied_migrations(u.schema_name) for u in units
        )
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate_units", "--processes", "2"],
            cwd=Path(__file__).resolve().parents[2],
            capture_output=True,
            text=True,
            timeout=300,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "platform_core.settings_test",
                "DATABASE_URL": database_url_of(connection.settings_dict),
            },
        )
        assert result.returncode == 0, result.stderr
        assert "2 to migrate" in result.stdout
        for unit in units:
            assert f"{unit.schema_name}: migrated" in result.stdout
            assert applied_migrations(unit.schema_name) == expected_migrations()
