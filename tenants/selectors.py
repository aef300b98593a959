from .models import Tenant, UnitStatus


def participating_units():
    """Units that currently serve residents, in the order the regional directory lists them."""
    return Tenant.objects.filter(status=UnitStatus.ACTIVE).order_by("name")
