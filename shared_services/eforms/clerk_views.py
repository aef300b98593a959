from django.shortcuts import render

from shared_services.staff.views import unit_administrator_required

from .models import Submission


@unit_administrator_required
def submissions_list(request):
    """Applications residents filed, newest first, until the inbox (ESP) takes them over."""
    submissions = Submission.objects.prefetch_related("attachments")[:200]
    return render(request, "eforms/submissions.html", {"submissions": submissions})
