"""The console's audit log says what an operator did in sentences of the reader's language, not as stored keys."""

from django.utils import translation

from onboarding.templatetags.operator_actions import action_sentences


def test_a_status_change_reads_as_a_polish_sentence():
    with translation.override("pl"):
        assert action_sentences({"before": "suspended", "after": "active"}) == [
            "Status zmienił się z „zawieszona” na „aktywna”."
        ]


def test_every_detail_an_action_records_is_a_sentence_and_the_archive_is_left_to_the_link():
    details = {
        "before": "active",
        "archive": "torun.zip",
        "domains": ["torun.localhost"],
        "bytes": 2048,
        "invited": None,
    }
    with translation.override("pl"):
        sentences = action_sentences(details)
    assert sentences == ["Status był: „aktywna”.", "Usunięte adresy: torun.localhost.", "Rozmiar archiwum: 2,0\xa0KB."]
    assert not [sentence for sentence in sentences if "before" in sentence or "torun.zip" in sentence]


def test_in_english_the_same_details_read_in_english():
    with translation.override("en"):
        assert action_sentences({"before": "suspended", "after": "active", "slug": "torun"}) == [
            "The status changed from “suspended” to “active”.",
            "Address: torun.",
        ]
