"""What a validator refuses, and what it says: the helpers of the tests of validators."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation


def refusal(function, *args, **kwargs) -> ValidationError:
    """The ValidationError that function(*args, **kwargs) raises; the test fails when it raises none."""
    with pytest.raises(ValidationError) as refused:
        function(*args, **kwargs)
    return refused.value


def english_message(error: ValidationError) -> str:
    with translation.override("en"):
        return " ".join(error.messages)
