from django.utils.text import slugify

# NFKD (used by slugify) decomposes ą, ć, ę, ń, ó, ś, ź, ż into a base letter and a mark, but not ł.
_POLISH_WITHOUT_DECOMPOSITION = str.maketrans({"ł": "l", "Ł": "L"})


def polish_slug(text: str) -> str:
    """ASCII subdomain label from a Polish name: "Łódź" → "lodz", "Świdnik" → "swidnik"."""
    return slugify(text.translate(_POLISH_WITHOUT_DECOMPOSITION))
