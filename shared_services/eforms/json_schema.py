"""JSON Schema as forms use it: draft 2020-12, every regular expression matched by RE2, every `$ref` resolved
within the definition.

jsonschema matches `pattern` with Python's backtracking `re`, in which a pattern such as `^(a+)+$` takes time
exponential in the length of the answer (seconds at 26 characters, hours at 40): one such form would stop a web
worker per request. RE2 (google-re2) matches in time linear in the answer and refuses the features that need
backtracking (back-references, look-around), so a form's pattern is either matched fast or refused on save.
(`patternProperties` is matched by jsonschema's helpers with `re` in several places, so forms do without it.)

By default jsonschema fetches a `$ref` to an address from the network while it validates; here nothing is
fetched: the registry holds only the JSON Schema meta-schemas, which jsonschema ships.
"""

import re2
import referencing.exceptions
import referencing.jsonschema
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema_specifications import REGISTRY as META_SCHEMAS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a refused pattern is reported to the office, not logged by the C++ library

# What makes a schema unreadable to referencing: a reference that leads nowhere, an unknown `$schema`.
UNREADABLE = (referencing.exceptions.Unresolvable, referencing.jsonschema.UnknownDialect)


def regex_compile(pattern: str):
    """`pattern` compiled by RE2 (cached by google-re2); raises re2.error for what RE2 cannot match in linear
    time or does not understand."""
    return re2.compile(pattern, _RE2_OPTIONS)


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not regex_compile(pattern).search(instance):
        yield SchemaError(f"{instance!r} does not match {pattern!r}")


FormSchemaValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})


def format_checker(base: FormatChecker) -> FormatChecker:
    """A copy of `base` whose "regex" format (a pattern in a definition, or an answer of that format) is RE2's."""
    checker = FormatChecker(base.checkers)
    checker.checks("regex", raises=re2.error)(lambda value: not isinstance(value, str) or bool(regex_compile(value)))
    return checker


_META_FORMATS = format_checker(Draft202012Validator.FORMAT_CHECKER)


def form_validator(json_schema: dict, *, formats: FormatChecker) -> FormSchemaValidator:
    """A validator of answers against a form's schema: RE2's patterns, nothing fetched."""
    return FormSchemaValidator(json_schema, format_checker=formats, registry=META_SCHEMAS)


def meta_schema_errors(json_schema):
    """What makes `json_schema` an invalid JSON Schema (draft 2020-12), as jsonschema's errors; a pattern is
    valid only if RE2 compiles it."""
    checker = FormSchemaValidator(Draft202012Validator.META_SCHEMA, format_checker=_META_FORMATS, registry=META_SCHEMAS)
    return checker.iter_errors(json_schema)


def subschemas(json_schema):
    """Every schema within `json_schema` (itself too), without following references."""
    pending = [referencing.jsonschema.DRAFT202012.create_resource(json_schema)]
    while pending:
        resource = pending.pop()
        yield resource.contents
        pending.extend(resource.subresources())


class ReferenceProblems:
    """The `$ref`s of a schema that lead nowhere, outside it (nothing is fetched, and the meta-schemas are not
    a form's), or round in a circle, and how many schemas one answer is checked against once every reference
    is followed: references to references multiply it (40 of them, each used twice, make 2**40)."""

    def __init__(self, json_schema):
        root = referencing.jsonschema.DRAFT202012.create_resource(json_schema)
        self.own = {id(schema) for schema in subschemas(json_schema)}
        self.unresolvable: list[str] = []
        self.outside: list[str] = []
        self.circular: list[str] = []
        self._checked: dict[int, int] = {}
        self._following: set[int] = set()
        self.checked = self._count(root, META_SCHEMAS.resolver_with_root(root))

    def _count(self, resource, resolver) -> int:
        """How many schemas `resource` checks an answer against, its references followed."""
        key = id(resource.contents)
        if key in self._checked:
            return self._checked[key]
        self._following.add(key)
        count = 1
        reference = resource.contents.get("$ref") if isinstance(resource.contents, dict) else None
        if isinstance(reference, str):
            count += self._count_referenced(reference, resolver)
        for subresource in resource.subresources():
            count += self._count(subresource, resolver.in_subresource(subresource))
        self._following.discard(key)
        self._checked[key] = count
        return count

    def _count_referenced(self, reference: str, resolver) -> int:
        try:
            resolved = resolver.lookup(reference)
        except referencing.exceptions.Unresolvable:
            self.unresolvable.append(reference)
            return 0
        target = id(resolved.contents)
        if target not in self.own:
            self.outside.append(reference)
            return 0
        if target in self._following:
            self.circular.append(reference)
            return 0
        resource = referencing.jsonschema.DRAFT202012.create_resource(resolved.contents)
        return self._count(resource, resolved.resolver)
