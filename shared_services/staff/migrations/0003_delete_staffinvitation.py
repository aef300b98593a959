from django.db import migrations

# Sign-in moved to Keycloak: accounts made before it (user names without "kc:") can no longer sign in.
# Staff among them lose their role here, so that nobody is listed, or counted, as staff who cannot be;
# their names stay on the cases and notes they wrote. Residents' accounts ("mieszkaniec:<e-mail>") are
# taken over, drafts and applications included, at their first sign-in through Keycloak with that
# e-mail verified (shared_services/identity/services.py).
ROLES = ("unit_admin", "department_head", "clerk")


def strip_roles_of_accounts_made_before_keycloak(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Group = apps.get_model("auth", "Group")
    StaffMember = apps.get_model("inbox", "StaffMember")
    before_keycloak = User.objects.exclude(username__startswith="kc:")
    for group in Group.objects.filter(name__in=ROLES):
        group.user_set.remove(*before_keycloak.filter(groups=group))
    StaffMember.objects.filter(user__in=before_keycloak).delete()
    before_keycloak.update(is_staff=False, password="!")  # "!": Django's unusable password


class Migration(migrations.Migration):

    dependencies = [
        ('staff', '0002_roles_and_departments'),
        ('inbox', '0001_initial'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.DeleteModel(
            name='StaffInvitation',
        ),
        migrations.RunPython(strip_roles_of_accounts_made_before_keycloak, migrations.RunPython.noop),
    ]
