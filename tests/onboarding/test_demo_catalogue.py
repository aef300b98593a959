"""The demo leaves a card in review, so the console's catalogue flow has something to show."""

import pytest

from onboarding.demo_catalogue import DEMO_CARD, demo_card_in_review
from onboarding.models import OperatorAction
from shared_services.catalogue.models import StandardServiceVersion, VersionStatus

pytestmark = pytest.mark.django_db


def test_the_demo_puts_one_version_in_review_once(full_catalogue):
    assert demo_card_in_review()
    in_review = StandardServiceVersion.objects.get(service__slug=DEMO_CARD, status=VersionStatus.IN_REVIEW)
    assert "PIN" in in_review.short_description and "e-dowód" in in_review.keywords
    assert in_review.submitted_by == "load_demo_consortium"
    assert list(OperatorAction.objects.values_list("action", flat=True).order_by("id")) == [
        "card_draft",
        "card_submit",
    ]
    assert not demo_card_in_review()  # idempotent: the open version is left as it is
    assert StandardServiceVersion.objects.filter(service__slug=DEMO_CARD).count() == 2
