"""Who may see an application on the resident's side: the browser that filed it (its session lists it) or
the signed-in resident who is its author. One rule for the confirmation, the case and the fee's pages.

It lives with the applications (eforms), not in the portal that files them, because the fee's pages
(payments, which the portal sits above) need it too.
"""

SESSION_SUBMISSIONS = "filed_submissions"  # the applications this browser filed


def filed_submission_remember(request, reference: str) -> None:
    request.session[SESSION_SUBMISSIONS] = [*request.session.get(SESSION_SUBMISSIONS, []), str(reference)]


def is_filer(request, submission) -> bool:
    return str(submission.reference) in request.session.get(SESSION_SUBMISSIONS, []) or (
        request.user.is_authenticated and submission.submitted_by_id == request.user.pk
    )
