from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from onboarding.demo_bip import demo_bip_load
from onboarding.demo_cases import Office, demo_correspondence_load, demo_paper_letters, demo_resident_accounts
from onboarding.demo_catalogue import DEMO_CARD, demo_card_in_review
from onboarding.demo_places import demo_places_load
from onboarding.demo_registers import demo_registers_load
from shared_services.branding.selectors import branding_get
from shared_services.branding.services import branding_update
from shared_services.identity import provisioning
from shared_services.identity.access import StaffRole
from shared_services.payments.models import ProviderConfig
from shared_services.payments.services import provider_config_save
from shared_services.staff.models import Department
from shared_services.staff.services import department_create, staff_invite, staff_update
from tenants.models import Tenant

# Real units of the kujawsko-pomorskie voivodeship.
DEMO_UNIT_CODES = ["04", "0415", "0463011", "0461011", "0415042"]
# Toruń takes fees online through the development payment gateway `make run` starts (infra/devservices/devp24).
DEMO_GATEWAY = {
    "merchant_id": 100001,
    "pos_id": 100001,
    "environment": "sandbox",
    "base_url_override": "http://127.0.0.1:8190",
}
DEMO_GATEWAY_SECRETS = {"crc": "dev-crc-key", "api_key": "dev-api-key"}
# Development only: every demo account signs in at the development identity provider with this password.
DEMO_PASSWORD = "demo-ratusz"
DEMO_EMAIL_DOMAIN = "demo.ratusz.example"
DEMO_OPERATOR = "operator"
DEMO_RESIDENTS = [("anna.kowalska", "Anna", "Kowalska"), ("jan.nowak", "Jan", "Nowak")]
# Every demo unit's office: departments as Polish offices name them (their codes open the case signs), and its
# staff — a clerk and their department's head work in a department (the staff screen's rule), the
# administrator in none.
DEMO_DEPARTMENTS = [
    ("Wydział Spraw Obywatelskich", "SO"),
    ("Wydział Podatków i Opłat", "FN"),
    ("Wydział Gospodarki Przestrzennej", "GP"),
]
DEMO_STAFF = [
    ("admin", StaffRole.UNIT_ADMIN, "Administrator", None),
    ("kierownik", StaffRole.DEPARTMENT_HEAD, "Kierownik", "SO"),
    ("urzednik", StaffRole.CLERK, "Urzędnik", "SO"),
]


class Command(BaseCommand):
    help = (
        "Onboard the demo consortium (Toruń, Bydgoszcz, powiat toruński, Lubicz, the voivodeship) and its demo "
        "accounts in the identity provider: an operator; an administrator, a department head and a clerk per unit, "
        "in its demo departments; two residents; and each unit's demo correspondence, filed and worked through "
        "the platform's services (onboarding/demo_cases.py). Idempotent; development only."
    )

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Demo accounts have a published password: not in production.")
        call_command("onboard", *DEMO_UNIT_CODES, stdout=self.stdout, stderr=self.stderr)
        admin = provisioning.keycloak_admin()
        operator = _account(admin, DEMO_OPERATOR, "Operator", "Platformy")
        admin.assign_realm_roles(operator, [admin.get_realm_role("platform-operator")])
        residents = {
            username: (_account(admin, username, first_name, last_name), first_name, last_name)
            for username, first_name, last_name in DEMO_RESIDENTS
        }
        offices = {}
        for unit in Tenant.objects.filter(code__in=DEMO_UNIT_CODES).order_by("code"):
            with tenant_context(unit):
                departments = _departments()
                _service_points(unit.code)
            staff = {}
            for prefix, role, first_name, department in DEMO_STAFF:
                username = f"{prefix}.{unit.slug}"
                _account(admin, username, first_name, unit.name)
                with tenant_context(unit):
                    staff[prefix] = staff_invite(
                        email=f"{username}@{DEMO_EMAIL_DOMAIN}",
                        role=role,
                        department=departments.get(department),
                        actor="load_demo_consortium",
                    )
                    _named(staff[prefix], first_name, unit.name, role, departments.get(department))
            with tenant_context(unit):
                # Read afresh, as a request would: the objects the services returned cache their first state.
                staff = {
                    prefix: User.objects.select_related("staff_member").get(pk=user.pk)
                    for prefix, user in staff.items()
                }
            offices[unit] = Office(staff["admin"], staff["kierownik"], staff["urzednik"], departments)
        with tenant_context(Tenant.objects.get(slug="torun")):
            if not ProviderConfig.objects.exists():
                provider_config_save(
                    actor="load_demo_consortium",
                    provider_key="przelewy24",
                    enabled=True,
                    options=DEMO_GATEWAY,
                    secrets=DEMO_GATEWAY_SECRETS,
                )
        for unit in offices:
            with tenant_context(unit):
                published = demo_bip_load(unit=unit)
            self.stdout.write(f"{unit.name}: BIP publications added {published} (/bip/).")
            with tenant_context(unit):
                records = demo_registers_load(unit=unit)
            self.stdout.write(f"{unit.name}: register records published {records} (/urzad/rejestry/, /dane/).")
        for unit, office in offices.items():
            with tenant_context(unit):
                accounts = demo_resident_accounts(
                    {
                        username: (subject, first_name, last_name, f"{username}@{DEMO_EMAIL_DOMAIN}")
                        for username, (subject, first_name, last_name) in residents.items()
                    }
                )
                try:
                    demo_correspondence_load(unit=unit, office=office, residents=accounts)
                except LookupError as missing:
                    self.stderr.write(f"{unit.name}: no demo correspondence, {missing} (load_standard_catalogue).")
                    continue
                letters = demo_paper_letters(office=office, unit_code=unit.code)
                places = demo_places_load(unit=unit, actor=office.head.get_username())
            self.stdout.write(
                f"{unit.name}: demo applications filed {office.filed}, already there {office.skipped}; "
                f"paper letters registered {letters}; places added {places}."
            )
        if demo_card_in_review():
            self.stdout.write(f"Catalogue: a new version of {DEMO_CARD} waits in review (/konsola/katalog/karty/).")
        # The demo's cases recorded their usage facts as they were filed and closed; the backfill adds those of
        # data loaded before the facts existed, counts today's overdue cases and rolls the months up at once.
        call_command("usage_backfill", *DEMO_UNIT_CODES, stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(
            self.style.WARNING(
                f"Demo accounts (password '{DEMO_PASSWORD}'): {DEMO_OPERATOR} (operator); "
                + ", ".join(name for name, *_ in DEMO_RESIDENTS)
                + " (residents); admin.<unit>, kierownik.<unit> and urzednik.<unit> "
                "(e.g. admin.torun, kierownik.torun, urzednik.torun)."
            )
        )


# Each demo office's service points for its home page's map ("name; address; latitude, longitude"): the real
# addresses, with coordinates read off a map by hand to about a hundred metres.
DEMO_SERVICE_POINTS = {
    "0463011": "Biuro Obsługi Mieszkańców; ul. Wały gen. Sikorskiego 8, 87-100 Toruń; 53.0107, 18.6053\n"
    "Filia Biura Obsługi Mieszkańców; ul. Grudziądzka 126b, 87-100 Toruń; 53.0290, 18.6120",
    "0461011": "Urząd Miasta Bydgoszczy; ul. Jezuicka 1, 85-102 Bydgoszcz; 53.1228, 18.0010",
    "0415042": "Urząd Gminy Lubicz; ul. Toruńska 21, 87-162 Lubicz Górny; 53.0240, 18.7640",
    "0415": "Starostwo Powiatowe w Toruniu; ul. Towarowa 4-6, 87-100 Toruń; 53.0170, 18.6380",
    "04": "Urząd Marszałkowski; pl. Teatralny 2, 87-100 Toruń; 53.0128, 18.6020",
}


def _service_points(code: str) -> None:
    """The demo office's service points, unless its administrator has typed some."""
    if code in DEMO_SERVICE_POINTS and not branding_get().service_points:
        branding_update(service_points=DEMO_SERVICE_POINTS[code])


def _departments() -> dict[str, Department]:
    """The current unit's demo departments by code, added where missing (an administrator may have renamed one:
    an existing code is kept as it is)."""
    existing = {department.code: department for department in Department.objects.all()}
    for name, code in DEMO_DEPARTMENTS:
        if code not in existing:
            existing[code] = department_create(name=name, code=code, actor="load_demo_consortium")
    return existing


def _named(user, first_name: str, last_name: str, role, department) -> None:
    """Give a demo member of staff their name before their first sign-in (which would bring it from Keycloak),
    so that the demo's cases name the people they are assigned to."""
    if not user.get_full_name():
        staff_update(
            user=user,
            first_name=first_name,
            last_name=last_name,
            role=role,
            department=department,
            actor="load_demo_consortium",
        )


def _account(admin, username: str, first_name: str, last_name: str) -> str:
    """A demo account with the demo password and nothing left to do at first sign-in; returns its id. An account
    of that name that was changed since (its address, disabled, a pending action) is put back as the demo has it:
    the office's invitation finds staff by address, so a changed one would make a second account."""
    account = {
        "username": username,
        "email": f"{username}@{DEMO_EMAIL_DOMAIN}",
        "emailVerified": True,
        "enabled": True,
        "firstName": first_name,
        "lastName": last_name,
    }
    user_id = admin.create_user(account, exist_ok=True)
    admin.update_user(user_id, {**account, "requiredActions": []})
    admin.set_user_password(user_id, DEMO_PASSWORD, temporary=False)
    return user_id
