"""The baseline of `make bench-inbox`: what a form POST costs with nothing but one INSERT behind it."""

from django.http import HttpResponseRedirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import BareSubmission


@csrf_exempt  # the clients send the same body (token included) as to the form; the check is not the point
@require_POST
def bare_insert(request):
    """Parse the multipart POST (fields and files, as the form view does) and insert its fields as one JSON row;
    the attachment is named with its size only (the inbox stores its bytes in files, not in the row)."""
    payload = {name: request.POST.get(name) for name in request.POST if name != "csrfmiddlewaretoken"}
    for name, upload in request.FILES.items():
        payload[name] = {"name": upload.name, "size": upload.size}
    record = BareSubmission.objects.create(payload=payload)
    return HttpResponseRedirect(f"/bench/bare-insert/?id={record.pk}")  # 302, as the form answers
