"""Units' files and export archives in an S3-compatible object store (platform_core/file_storage.py), against a real
S3-protocol server on 127.0.0.1 (moto's server mode, tests/support/s3.py): upload, download through the platform's
own permission checks, export, import, delete on offboarding. And the local disk's default, which `make run` uses."""

import base64
import hashlib
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django_tenants.utils import tenant_context

from onboarding.actors import Actor
from onboarding.archive import export_unit_archive, import_unit_archive
from onboarding.services import unit_offboard
from platform_core.file_storage import (
    ArchiveFileSystemStorage,
    UnitFileSystemStorage,
    exports_storage,
    files_in,
    unit_storage,
)
from shared_services.branding.services import branding_update
from shared_services.identity.access import StaffRole
from shared_services.inbox.models import Case
from tenants.models import Tenant, UnitStatus
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.letters import FORM_URL, LETTER, LUBICZ, PDF, TORUN, application_file

pytestmark = pytest.mark.django_db
OPERATOR = Actor(label="operator-test", ip_address="192.0.2.10")


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UNIT_EXPORT_ROOT = tmp_path / "exports"
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    return tmp_path


def sha256_checksum_of(bucket, key: str) -> str:
    """The SHA-256 the store recorded (and checked) at upload, as hex."""
    head = bucket.client.head_object(Bucket=bucket.name, Key=key, ChecksumMode="ENABLED")
    return base64.b64decode(head["ChecksumSHA256"]).hex()


def test_make_run_and_make_test_keep_files_on_the_local_disk():
    assert settings.STORAGE_BACKEND == "filesystem"
    assert settings.STORAGES["default"]["BACKEND"] == "platform_core.file_storage.UnitFileSystemStorage"
    assert isinstance(exports_storage(), ArchiveFileSystemStorage)


def test_a_units_file_is_a_private_object_under_its_schema_with_a_checksum_the_store_checked(
    s3_storage, unit_a, unit_b
):
    content = b"Uchwala Rady Miasta Torunia"
    with tenant_context(unit_a):
        name = default_storage.save("uchwaly/nr-1.txt", ContentFile(content))
        assert default_storage.open(name).read() == content
    with tenant_context(unit_b):
        assert not default_storage.exists(name)  # another unit's storage is another prefix
        default_storage.save("uchwaly/nr-1.txt", ContentFile(b"Lubicz"))
    key = f"{unit_a.schema_name}/uchwaly/nr-1.txt"
    assert s3_storage.objects() == {key: content, f"{unit_b.schema_name}/uchwaly/nr-1.txt": b"Lubicz"}
    assert sha256_checksum_of(s3_storage, key) == hashlib.sha256(content).hexdigest()
    grants = s3_storage.client.get_object_acl(Bucket=s3_storage.name, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's only: nothing public
    assert "AllUsers" not in str(grants)
    assert not (Path(settings.MEDIA_ROOT) / unit_a.schema_name).exists()  # nothing on the pod's disk


def test_a_name_taken_gets_another_instead_of_overwriting(s3_storage, unit_a):
    with tenant_context(unit_a):
        first = default_storage.save("upo/upo-1.pdf", ContentFile(b"first"))
        second = default_storage.save("upo/upo-1.pdf", ContentFile(b"second"))
    assert first != second
    assert s3_storage.objects()[f"{unit_a.schema_name}/{first}"] == b"first"


def test_an_attachment_goes_to_the_bucket_and_is_served_only_through_the_platforms_checks(
    s3_storage, full_catalogue, client, unit_a, unit_b
):
    scan = ContentFile(PDF, name="skan.pdf")
    scan.content_type = "application/pdf"
    assert application_file(client, FORM_URL, {**LETTER, "zalacznik": scan}, HTTP_HOST=TORUN).status_code == 302
    client.cookies.clear()
    with tenant_context(unit_a):
        case = Case.objects.select_related("register_entry__submission").get()
        attachment = case.register_entry.submission.attachments.get()
    key = f"{unit_a.schema_name}/{attachment.file.name}"
    assert s3_storage.objects(f"{unit_a.schema_name}/zalaczniki/") == {key: PDF}
    # The row's checksum (the receipt names it) is the one the store verified.
    assert sha256_checksum_of(s3_storage, key) == attachment.sha256 == hashlib.sha256(PDF).hexdigest()

    url = f"/urzad/sprawy/{case.pk}/zalaczniki/{attachment.pk}/"
    assert client.get(url, HTTP_HOST=TORUN).status_code == 302  # anonymous: to sign in
    with tenant_context(unit_a):
        resident = local_account(email="ktos@example.pl")
    signed_in(client, unit_a, resident)
    assert client.get(url, HTTP_HOST=TORUN).status_code == 403
    signed_in(client, unit_b, staff_account(unit_b, "wojt", StaffRole.UNIT_ADMIN))
    assert client.get(url, HTTP_HOST=LUBICZ).status_code == 404
    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
    response = client.get(url, HTTP_HOST=TORUN)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "skan.pdf" in response["Content-Disposition"]


def test_the_coat_of_arms_is_stored_in_the_bucket_and_served_by_the_units_site(s3_storage, client, unit_a):
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    with tenant_context(unit_a):
        branding = branding_update(coat_of_arms=ContentFile(png, name="herb.png"))
        key = f"{unit_a.schema_name}/{branding.coat_of_arms.name}"
    assert s3_storage.objects(f"{unit_a.schema_name}/herb/") == {key: png}
    response = client.get("/herb/", HTTP_HOST=TORUN)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png


def test_export_offboarding_and_import_with_the_bucket(s3_storage, unit_a, django_capture_on_commit_callbacks):
    with tenant_context(unit_a):
        branding_update(tagline="Gród Kopernika")
        default_storage.save("skany/2024/obraz.bin", ContentFile(bytes(range(256)) * 64))
        default_storage.save("uchwala.txt", ContentFile("Uchwała".encode()))
    with django_capture_on_commit_callbacks(execute=True):
        archive = unit_offboard(unit=unit_a, confirmation="torun", actor=OPERATOR)
    # The archive is an object of the exports prefix; the unit's files are gone from the bucket.
    assert archive.key.startswith("0463011-torun-") and archive.key.endswith(".zip")
    objects = s3_storage.objects()
    assert list(objects) == [f"exports/{archive.key}"]
    assert archive.size == len(objects[f"exports/{archive.key}"])
    assert not (Path(settings.UNIT_EXPORT_ROOT)).exists() or not any(Path(settings.UNIT_EXPORT_ROOT).iterdir())
    local = Path(settings.UNIT_EXPORT_ROOT).parent / "copy.zip"
    local.write_bytes(objects[f"exports/{archive.key}"])
    with zipfile.ZipFile(local) as zipped:
        assert zipped.read("files/skany/2024/obraz.bin") == bytes(range(256)) * 64
        assert "Gród Kopernika" in zipped.read("data/branding_unitbranding.csv").decode()

    # `import_unit` takes the archive's name in the exports storage, as export_unit printed it.
    call_command("import_unit", archive.key)
    unit = Tenant.objects.get(pk=unit_a.pk)
    assert unit.status == UnitStatus.ACTIVE
    assert s3_storage.objects(f"{unit.schema_name}/") == {
        f"{unit.schema_name}/skany/2024/obraz.bin": bytes(range(256)) * 64,
        f"{unit.schema_name}/uchwala.txt": "Uchwała".encode(),
    }
    with tenant_context(unit):
        assert default_storage.open("uchwala.txt").read() == "Uchwała".encode()


def test_an_import_refused_leaves_no_object_behind(s3_storage, unit_a, english):
    with tenant_context(unit_a):
        default_storage.save("uchwala.txt", ContentFile(b"x"))
    archive = export_unit_archive(unit=unit_a)
    local = Path(settings.UNIT_EXPORT_ROOT).parent / archive.name
    local.write_bytes(exports_storage().open(archive.key).read())
    with pytest.raises(Exception, match="only an offboarded unit"):
        import_unit_archive(archive=local)  # the unit is still active
    assert list(files_in(unit_storage(unit_a.schema_name))) == ["uchwala.txt"]  # its own files untouched


def test_a_units_own_export_is_downloaded_from_the_bucket_by_its_administrator(s3_storage, client, unit_a, unit_b):
    from onboarding.models import ExportStatus, UnitExport
    from onboarding.services import office_export_run, office_exports_expire

    export = UnitExport.objects.create(unit=unit_a, requested_by="admin")
    export = office_export_run(export=export)
    assert export.status == ExportStatus.READY
    key = f"exports/office-exports/0463011/{export.archive_name}"
    assert key in s3_storage.objects("exports/office-exports/")
    url = f"/urzad/eksport/{export.pk}/pobierz/"
    signed_in(client, unit_b, staff_account(unit_b, "wojt", StaffRole.UNIT_ADMIN))
    assert client.get(url, HTTP_HOST=LUBICZ).status_code == 404
    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
    response = client.get(url, HTTP_HOST=TORUN)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == s3_storage.objects(key)[key]

    UnitExport.objects.filter(pk=export.pk).update(finished_at=export.finished_at.replace(year=2000))
    assert office_exports_expire(unit=unit_a) == [export]
    assert key not in s3_storage.objects()


def test_unit_storage_deletes_one_units_files_only(s3_storage, unit_a, unit_b):
    for unit in (unit_a, unit_b):
        with tenant_context(unit):
            default_storage.save("a/b.txt", ContentFile(b"1"))
            default_storage.save("c.txt", ContentFile(b"2"))
    storage = unit_storage(unit_a.schema_name)
    assert list(files_in(storage)) == ["a/b.txt", "c.txt"]
    storage.delete_all()
    assert sorted(s3_storage.objects()) == [f"{unit_b.schema_name}/a/b.txt", f"{unit_b.schema_name}/c.txt"]


def test_on_the_disk_an_archive_is_linked_into_place_whole_never_written_under_its_name(tmp_path):
    storage = ArchiveFileSystemStorage(location=tmp_path)
    name = storage.save("office-exports/0463011/a.zip", ContentFile(b"zip"))
    assert (tmp_path / name).read_bytes() == b"zip"
    assert storage.save("office-exports/0463011/a.zip", ContentFile(b"other")) != name  # never replaced
    assert (tmp_path / name).read_bytes() == b"zip"
    assert not list(tmp_path.rglob("*.partial"))


def test_on_the_disk_a_link_in_a_units_folder_is_refused_when_listed(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    storage = UnitFileSystemStorage(schema="jst_0463011")
    (tmp_path / "jst_0463011").mkdir()
    (tmp_path / "jst_0463011" / "link").symlink_to(tmp_path)
    with pytest.raises(Exception, match="not a regular file"):
        list(files_in(storage))


def test_production_with_a_bucket_needs_no_local_folders_and_uses_the_object_store():
    from tests.platform_core.test_settings import start_django

    result = start_django(
        show="settings.STORAGES['default']['BACKEND'], settings.STORAGES['exports']['OPTIONS']['location']",
        MEDIA_ROOT=None,
        UNIT_EXPORT_ROOT=None,
        AWS_STORAGE_BUCKET_NAME="ratusz-files",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "platform_core.file_storage.UnitS3Storage exports"


def test_s3_without_a_bucket_is_refused():
    from tests.platform_core.test_settings import start_django

    result = start_django(STORAGE_BACKEND="s3")
    assert result.returncode != 0 and "STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_an_operator_downloads_an_archive_from_the_bucket_and_nobody_else_does(s3_storage, client, unit_a, unit_b):
    from django.contrib.auth import get_user_model

    archive = export_unit_archive(unit=unit_a)
    other = export_unit_archive(unit=unit_b, folder="office-exports/0415042")  # a unit's own: not the console's
    url = f"/konsola/eksporty/{archive.key}"
    assert client.get(url, HTTP_HOST="localhost").status_code == 302  # anonymous: to sign in
    signed_in(client, None, get_user_model().objects.create_user("kc:mieszkaniec", "ktos@example.pl"))
    assert client.get(url, HTTP_HOST="localhost").status_code == 403  # signed in, not an operator
    operator = get_user_model().objects.create_user("kc:operatorka", "operatorka@woj.example", is_staff=True)
    signed_in(client, None, operator)
    response = client.get(url, HTTP_HOST="localhost")
    assert response.status_code == 200
    assert (
        b"".join(response.streaming_content) == s3_storage.objects(f"exports/{archive.key}")[f"exports/{archive.key}"]
    )
    for refused in (other.name, "..%2Fjst_0463011%2Fx.zip", "office-exports%2F0415042%2F" + other.name):
        assert client.get(f"/konsola/eksporty/{refused}", HTTP_HOST="localhost").status_code == 404, refused
