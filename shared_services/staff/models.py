from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    UNIT_ADMIN = "unit_admin", _("unit administrator")
    DEPARTMENT_HEAD = "department_head", _("department head")
    CLERK = "clerk", _("clerk")
