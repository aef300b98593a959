"""The letter templates every unit starts with (data/templates.json), worded for the unit's kind: the organ
that writes (Wójt Gminy, Burmistrz, Prezydent Miasta, Starosta, Marszałek Województwa) differs. Read by the
onboarding's seeding (services.letter_templates_seed) and by the migration that seeds units that exist."""

import json
from functools import cache
from pathlib import Path

SEED_FILE = Path(__file__).resolve().parent / "data" / "templates.json"


@cache
def _seed() -> dict:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


def seed_templates(unit_kind: str) -> list[dict]:
    """The seeded templates (key, kind, name, subject, body) in the words of a unit of `unit_kind`."""
    seed = _seed()
    organ = seed["organs"].get(unit_kind) or seed["organs"]["inna"]
    return [
        {
            **template,
            "body": template["body"].replace("<<organ>>", organ["nominative"]).replace("<<organu>>", organ["genitive"]),
        }
        for template in seed["templates"]
    ]
