"""Renderers of structured content: an app that publishes its records in BIP (a register) registers a function
that draws a version's `data` as HTML, keyed by the publication's `source_app`. The renderer escapes what it
draws (format_html, the template engine); BIP shows its result as it is, below the version's text."""

from collections.abc import Callable

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

Renderer = Callable[[dict, str], SafeString]  # (data, language code) → HTML

_renderers: dict[str, Renderer] = {}


def register_renderer(source_app: str):
    """Decorator: `@register_renderer("registers")` on `def draw(data: dict, language: str) -> SafeString`."""

    def register(renderer: Renderer) -> Renderer:
        _renderers[source_app] = renderer
        return renderer

    return register


def data_render(source_app: str, data: dict | None, language: str) -> SafeString:
    """The version's structured content as HTML: its app's renderer, or a plain definition list of its
    top-level values when the app registered none."""
    if not data:
        return SafeString("")
    renderer = _renderers.get(source_app)
    if renderer is not None:
        return renderer(data, language)
    rows = format_html_join("", "<dt>{}</dt><dd>{}</dd>", ((key, value) for key, value in data.items()))
    return SafeString(f'<dl class="bip-data">{rows}</dl>')


# Subscription topics: a key "<prefix>:<rest>" is accepted when the app that owns the prefix names it.
# BIP owns "bip:" (its sections); a register app registers "register:" with a function giving the title of
# the register whose slug is <rest>, or None when the unit has no such register.
TopicTitle = Callable[[str, str], str | None]  # (rest of the key, language code) → title or None

_topics: dict[str, TopicTitle] = {}


def register_subscription_topic(prefix: str):
    def register(title_of: TopicTitle) -> TopicTitle:
        _topics[prefix] = title_of
        return title_of

    return register


def subscription_topic_title(key: str, language: str) -> str | None:
    """The title of what `key` follows, or None when nobody knows the key (the subscription is refused)."""
    prefix, _, rest = key.partition(":")
    title_of = _topics.get(prefix)
    return title_of(rest, language) if title_of is not None and rest else None
