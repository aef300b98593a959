"""The forms of correspondence that is not an application: the resident's answer to a request (the portal's answer
page) and a letter registered by the office. Files are checked by their content as the application forms' files
are (eforms.uploads.check_attachment)."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from platform_core.forms import BoundedDateField
from shared_services.eforms.uploads import MB, check_attachment

from .entry_files import IncomingFile
from .models import Channel

SCAN_TYPES = ["application/pdf", "image/jpeg", "image/png"]
FILE_LIMIT = 10 * MB
ANSWER_FILES_AT_MOST = 5


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class CheckedFilesField(forms.FileField):
    """Up to `at_most` files, each checked by its content; cleans to a list of IncomingFile."""

    def __init__(self, *, at_most: int, media_types=SCAN_TYPES, max_bytes: int = FILE_LIMIT, **kwargs):
        self.at_most, self.media_types, self.max_bytes = at_most, media_types, max_bytes
        widget = MultipleFileInput if at_most > 1 else forms.FileInput
        # `accept` only helps the file picker; the content is what is checked.
        kwargs.setdefault("widget", widget(attrs={"accept": ",".join(media_types)}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, (list, tuple)) else [data]) if upload]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > self.at_most:
            raise ValidationError(
                _("Attach at most %(count)d files."), params={"count": self.at_most}, code="too_many_files"
            )
        checked, errors = [], []
        for upload in uploads:
            try:
                upload = super().clean(upload, initial)
                media_type = check_attachment(upload, max_bytes=self.max_bytes, media_types=self.media_types)
            except ValidationError as error:
                errors += [f"{upload.name}: {message}" for message in error.messages]
            else:
                checked.append(IncomingFile(upload=upload, media_type=media_type))
        if errors:
            raise ValidationError(errors)
        return checked


class DocumentIdField(forms.UUIDField):
    """The form page's own token: the same form sent twice registers one entry (a lost answer, a double click)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(initial=uuid.uuid4, **kwargs)


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you want to tell the office; you may also only attach the documents."),
    )
    files = CheckedFilesField(
        label=_("Documents"),
        required=False,
        at_most=ANSWER_FILES_AT_MOST,
        help_text=_("Up to 5 files: PDF, JPEG or PNG, 10 MB each. Hold Ctrl to choose several."),
    )
    document_id = DocumentIdField()

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("text", "").strip() and not cleaned.get("files"):
            raise ValidationError(_("Write your answer or attach the documents."), code="empty_answer")
        return cleaned


class LetterForm(forms.Form):
    """A letter that came on paper or by e-mail. `case_required`: for a clerk, who registers letters only into
    their own cases (permissions.may_open_cases)."""

    channel = forms.ChoiceField(
        label=_("How it came"),
        choices=[(Channel.PAPER, Channel.PAPER.label), (Channel.EMAIL, Channel.EMAIL.label)],
        widget=forms.RadioSelect,
        initial=Channel.PAPER,
    )
    received_on = BoundedDateField(
        label=_("Date received"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    sender_name = forms.CharField(label=_("Sender"), max_length=300, help_text=_("A person's or a firm's name."))
    sender_address = forms.CharField(label=_("Sender's address"), max_length=300, required=False)
    sender_email = forms.EmailField(label=_("Sender's e-mail"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    text = forms.CharField(
        label=_("Summary"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    scan = CheckedFilesField(
        label=_("Scan or the e-mail's document"),
        required=False,
        at_most=1,
        help_text=_("One file: PDF, JPEG or PNG, up to 10 MB."),
    )
    case_reference = forms.CharField(
        label=_("Case it belongs to"),
        max_length=60,
        required=False,
        help_text=_("Its case sign (e.g. SO.5340.1.2026) or register number (e.g. 12/2026); empty: a new case."),
    )
    deadline = BoundedDateField(
        label=_("Deadline for handling (new case)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("KPA art. 35: without delay, at the latest within a month; leave empty if there is none."),
    )
    document_id = DocumentIdField()

    def __init__(self, *args, case_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if case_required:
            self.fields["case_reference"].required = True
            self.fields["case_reference"].help_text = _(
                "The case sign (e.g. SO.5340.1.2026) or register number (e.g. 12/2026) of one of your cases."
            )
            del self.fields["deadline"]

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise ValidationError(_("The date received cannot be in the future."), code="future")
        return received_on

    def clean(self):
        cleaned = super().clean()
        received_on, deadline = cleaned.get("received_on"), cleaned.get("deadline")
        if deadline and received_on and deadline < received_on:
            self.add_error("deadline", _("The deadline cannot be before the day the letter came."))
        if deadline and cleaned.get("case_reference"):
            self.add_error("deadline", _("A letter to an existing case keeps that case's deadline."))
        return cleaned
