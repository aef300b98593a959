"""Register numbers under concurrency: unique and gapless per unit and year, also when intakes roll back.

Real concurrency needs real, separate connections and committed rows, so the intakes run in threads (each
thread has its own connection) outside the test's transaction, and the module cleans up after itself.
"""

import random
import threading

import pytest
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from shared_services.inbox.models import RegisterCounter
from shared_services.inbox.services import _register_number
from tenants.models import Tenant
from tests.conftest import UNIT_A, UNIT_B

pytestmark = pytest.mark.django_db
YEAR = 2031  # a year no other test uses
THREADS, TAKES = 8, 25


class RolledBack(Exception):
    pass


def take_numbers(unit, taken, errors, seed):
    chance = random.Random(seed)
    try:
        with tenant_context(unit):
            for _ in range(TAKES):
                try:
                    with transaction.atomic():
                        number = _register_number(YEAR)
                        if chance.random() < 0.2:  # a failed intake gives its number back
                            raise RolledBack
                        taken.append((unit.code, number))
                except RolledBack:
                    pass
    except Exception as error:  # reported by the test, not lost in the thread
        errors.append(error)
    finally:
        connection.close()


def in_own_connection(work):
    """Run `work` in a thread, on its own connection: outside the test's transaction, so it commits."""
    errors = []

    def run():
        try:
            work()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not errors, errors


@pytest.fixture
def committed_counters():
    units = [Tenant.objects.get(code=UNIT_A["code"]), Tenant.objects.get(code=UNIT_B["code"])]
    yield units

    def forget_counters():
        for unit in units:
            with tenant_context(unit):
                RegisterCounter.objects.filter(year=YEAR).delete()

    in_own_connection(forget_counters)


def test_concurrent_intakes_never_share_or_skip_a_number(committed_counters):
    taken, errors = [], []
    threads = [
        threading.Thread(target=take_numbers, args=(unit, taken, errors, seed))
        for seed, unit in enumerate(committed_counters * (THREADS // 2))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    for unit in committed_counters:
        numbers = sorted(number for code, number in taken if code == unit.code)
        # Every committed intake has its own number, and together they run 1..n without a hole.
        assert numbers == list(range(1, len(numbers) + 1))
        assert len(numbers) > THREADS // 2 * TAKES * 0.6
        with tenant_context(unit):
            assert RegisterCounter.objects.get(year=YEAR).last_number == len(numbers)
