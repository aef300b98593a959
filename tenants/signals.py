"""Keep the host → unit cache (tenants/routing.py) in step with the Domain and Tenant tables.

Signals rather than services on purpose: the cache must follow every write, including the admin's and
django-tenants' own commands, not only the writes that remember to call a service.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Domain, Tenant
from .routing import forget_hosts


@receiver(pre_save, sender=Domain)
def remember_previous_host(sender, instance: Domain, **kwargs):
    instance._previous_domain = (
        Domain.objects.filter(pk=instance.pk).values_list("domain", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=Domain)
def forget_saved_domain(sender, instance: Domain, **kwargs):
    forget_hosts(host for host in (instance.domain, getattr(instance, "_previous_domain", None)) if host)


@receiver(post_delete, sender=Domain)
def forget_deleted_domain(sender, instance: Domain, **kwargs):
    forget_hosts([instance.domain])


@receiver(post_save, sender=Tenant)
def forget_unit_hosts(sender, instance: Tenant, **kwargs):
    forget_hosts(instance.domains.values_list("domain", flat=True))
