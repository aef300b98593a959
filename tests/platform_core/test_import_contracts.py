"""The import contract "No app imports another app's views" (pyproject.toml) names view modules by pattern; a view
module whose name no pattern matches would slip through it unseen. Every module of views must be named there."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = "No app imports another app's views"


def _pattern(module: str) -> re.Pattern:
    # import-linter's `*` stands for one module name.
    return re.compile("".join("[^.]+" if part == "*" else re.escape(part) for part in re.split(r"(\*)", module)))


def test_every_view_module_is_covered_by_the_views_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["name"] == CONTRACT]
    patterns = [_pattern(module) for module in contract["forbidden_modules"]]
    modules = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for package in ("shared_services", "onboarding", "tenants")
        for path in (ROOT / package).rglob("*views.py")
    ]
    assert len(modules) > 20
    assert [module for module in modules if not any(p.fullmatch(module) for p in patterns)] == []
