import re
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.text import SingleLineInputs, listed

from .models import (
    DEATH_OUTCOMES,
    DEPARTURE_OUTCOMES,
    FOUND_CHANNEL_CHOICES,
    Belonging,
    BelongingOutcome,
    Body,
    Death,
    DeathReportSending,
    Departure,
    DepartureKind,
    IdentityBasis,
    Person,
    Service,
    Station,
    Stay,
    StayReview,
    User,
    identity_basis_errors,
)

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def parse_uuid(value):
    """A form's one-time token (against double submits), or None if missing or mangled: a mangled
    token is no reason to refuse what the user typed."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def explain_late_reason(form):
    """The late-entry reason of a ledger form: optional, saying when it is needed."""
    field = form.fields.get("late_reason")
    if field is not None:
        field.help_text = _("Needed only when this is entered more than %(hours)s hours after it happened: "
                            "say why it is entered late.") % {"hours": settings.LATE_ENTRY_HOURS}


class PersonForm(SingleLineInputs, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name", "aliases", "sex", "date_of_birth", "age_min", "age_max", "id_number", "ethnicity",
            "native_place", "dialect", "relatives_phone", "height_cm", "build", "hair", "marks", "scars",
            "tattoos", "disability", "fingerprints", "fingerprints_reference", "fingerprints_not_taken_reason",
        ]
        widgets = {
            "date_of_birth": DATE_WIDGET,
            "sex": forms.RadioSelect,
        }
        labels = {"fingerprints": _("fingerprints (for the national system)")}

    ages_checked = forms.BooleanField(
        label=_("I have checked: keep both ages as they are"), required=False,
        help_text=_("Only when the estimated age and the date of birth (or the ID number) disagree."))

    def _post_clean(self):
        """The estimated age and the age from the date of birth (typed, or from the ID number) disagree:
        both are kept, but the form asks which is right before saving, unless the box is ticked."""
        super()._post_clean()
        conflict = None if self.errors else self.instance.age_conflict()
        if conflict and not self.cleaned_data.get("ages_checked"):
            years, youngest, oldest = conflict
            self.add_error("age_min", _(
                "The date of birth gives age %(years)s, the estimate says %(youngest)s–%(oldest)s: check which is "
                "right and correct it, or tick “keep both” below.") % {
                "years": years, "youngest": youngest, "oldest": oldest})


class CorrectionForm(PersonForm):
    reason = forms.CharField(label=_("reason for the correction"), max_length=300)


class StayForm(SingleLineInputs, forms.ModelForm):
    belongings_text = forms.CharField(
        label=_("belongings"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One item per line, with the count at the end, e.g. “mobile phone 1”."),
    )
    intake_token = forms.CharField(widget=forms.HiddenInput, required=False)
    identity_basis = forms.ChoiceField(
        label=_("identity confirmed by"), required=False, choices=[("", "—"), *IdentityBasis.choices],
        help_text=_("Needed for “confirmed”; a second person checks it before the identity counts as confirmed."),
    )
    identity_reference = forms.CharField(
        label=_("reference of the basis"), required=False, max_length=120,
        help_text=_("The police check's reference, the ID card's number, who in the family confirmed…"),
    )

    class Meta:
        model = Stay
        fields = [
            "arrived_at", "found_place", "found_circumstances", "brought_by", "brought_by_name", "handover_ref",
            "handover_document", "health_at_intake", "mental_state", "clothing", "identity", "staff_in_charge",
            "late_reason",
        ]
        widgets = {
            "arrived_at": DATETIME_WIDGET,
            "found_circumstances": forms.Textarea(attrs={"rows": 2}),
            "health_at_intake": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, station=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arrived_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["intake_token"].initial = uuid.uuid4()
        explain_late_reason(self)
        order = list(self.fields)
        for name in ("identity_reference", "identity_basis"):  # beside the identity they ground
            order.remove(name)
            order.insert(order.index("identity") + 1, name)
        self.order_fields(order)
        staff = User.objects.filter(is_active=True)
        self.fields["staff_in_charge"].queryset = staff.filter(station=station) if station else staff

    def clean_intake_token(self):
        return parse_uuid(self.cleaned_data.get("intake_token"))

    def clean(self):
        cleaned = super().clean()
        errors = identity_basis_errors(cleaned.get("identity"), cleaned.get("identity_basis"),
                                       cleaned.get("identity_reference"))
        for field, message in errors.items():
            self.add_error(field, message)
        return cleaned

    def clean_belongings_text(self):
        """Each line checked as the model checks a belonging, the errors named by line, beside the box."""
        text = self.cleaned_data.get("belongings_text", "")
        lines = len([line for line in text.splitlines() if line.strip()])
        if lines > MAX_BELONGINGS:
            raise ValidationError(_("%(n)s lines: at most %(max)s belongings, one a line; put what goes together on "
                                    "one line (a bag of clothes).") % {"n": lines, "max": MAX_BELONGINGS})
        errors = []
        for number, (item, quantity) in enumerate(parse_belongings(text), 1):
            try:
                Belonging(item=item, quantity=quantity).clean_fields(exclude=["stay"])
            except ValidationError as e:
                errors += [_("Line %(n)s (%(item)s): %(error)s") % {"n": number, "item": item[:20], "error": message}
                           for messages in e.message_dict.values() for message in messages]
        if errors:
            raise ValidationError(errors)
        return text

    def belongings(self):
        return parse_belongings(self.cleaned_data.get("belongings_text", ""))


# More lines than any person carries: a pasted document, not a list of belongings.
MAX_BELONGINGS = 200


# Money in the belongings is an amount, not a count: "现金（元） 77" is one item, 现金 77元 (issue 25).
MONEY = re.compile(r"现金|人民币|零钱|钱(?!包)|[（(]元[)）]")


def parse_belongings(text):
    """[(item, quantity)] parsed from the text box: a trailing number is the count, else 1; cash keeps its
    amount in the item (one item)."""
    items = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        m = re.match(r"^(.*?)[\s×xX*]*(\d+(?:\.\d+)?)\s*(件|个|部|张|只|双|元)?$", line)
        if m and m.group(1).strip() and (m.group(3) == "元" or MONEY.search(m.group(1))):
            name = re.sub(r"\s*[（(]元[)）]\s*", "", m.group(1)).strip() or "现金"
            items.append((f"{name} {m.group(2)}元", 1))
        elif m and m.group(1).strip() and "." not in m.group(2):
            items.append((m.group(1).strip(), int(m.group(2))))
        else:
            items.append((line, 1))
    return items


class ServiceForm(SingleLineInputs, forms.ModelForm):
    class Meta:
        model = Service
        fields = ["kind", "given_at", "notes", "late_reason"]
        widgets = {"given_at": DATETIME_WIDGET}

    def __init__(self, *args, stay=None, **kwargs):
        super().__init__(*args, **kwargs)
        if stay is not None:
            self.instance.stay = stay
        self.fields["given_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        explain_late_reason(self)


class DepartureForm(SingleLineInputs, forms.ModelForm):
    class Meta:
        model = Departure
        fields = [
            "kind", "departed_at", "receiver_name", "receiver_relation", "receiver_id_number", "receiver_phone",
            "found_channel", "escort_staff", "destination", "ticket_no", "ticket_amount", "allowance", "receipt_no",
            "paid_out_by", "payee_account", "referrer_letter_no", "notes", "to_station", "late_reason",
        ]
        widgets = {"departed_at": DATETIME_WIDGET, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, stay=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.stay = stay
        self.fields["departed_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        # "unknown" is only for departures recorded before the question was asked.
        self.fields["found_channel"].choices = [("", "---------")] + FOUND_CHANNEL_CHOICES
        self.fields["found_channel"].help_text = _("Needed when the family takes the person home.")
        for name in ("ticket_amount", "allowance"):
            self.fields[name].widget.attrs["min"] = "0"
        explain_late_reason(self)
        if stay is not None and stay.pk:
            self.fields["to_station"].queryset = Station.objects.exclude(pk=stay.person.station_id)
        # Each belonging counted in is counted out: no choice is made for the desk.
        self.belongings = list(stay.belongings.all()) if stay is not None and stay.pk else []
        for item in self.belongings:
            self.fields[f"belonging_{item.pk}"] = forms.ChoiceField(
                label=f"{item.item} × {item.quantity}", widget=forms.RadioSelect,
                choices=[(o.value, o.label) for o in DEPARTURE_OUTCOMES],
                error_messages={"required": _("Say what became of this item: returned, kept by the station or "
                                              "handed to someone.")},
            )
            self.fields[f"belonging_{item.pk}_to"] = forms.CharField(
                label=_("handed to (name, relation or unit)"), max_length=100, required=False,
            )

    def belonging_rows(self):
        """(outcome field, handed-to field) per item, for the template."""
        return [(self[f"belonging_{b.pk}"], self[f"belonging_{b.pk}_to"]) for b in self.belongings]

    def other_fields(self):
        return [f for f in self.visible_fields() if not f.name.startswith("belonging_")]

    # The kinds of departure each field is for (fields not named here are for every kind): the page shows
    # only the chosen kind's fields (CSS, without script) and says which kinds need each (issue 25).
    KIND_FIELDS = {
        "receiver_name": ("family", "escorted", "transfer"),
        "receiver_relation": ("family",), "receiver_id_number": ("family",), "found_channel": ("family",),
        "receiver_phone": ("family", "escorted", "transfer"),
        "escort_staff": ("escorted",),
        "destination": ("escorted", "ticket", "transfer"),
        "ticket_no": ("ticket", "escorted"), "ticket_amount": ("ticket", "escorted", "other"),
        "allowance": ("ticket", "escorted", "family", "other"), "receipt_no": ("ticket", "escorted", "family", "other"),
        "paid_out_by": ("ticket", "escorted", "family", "other"),
        "referrer_letter_no": ("transfer",), "to_station": ("transfer",),
    }

    def kind_rows(self):
        """(field, the kinds it is for or (), the kinds that need it as words) of the form's other fields."""
        labels = dict(DepartureKind.choices)
        rows = []
        for field in self.other_fields():
            needed = [str(labels[kind]) for kind, names in Departure.REQUIRED.items() if field.name in names]
            rows.append((field, self.KIND_FIELDS.get(field.name, ()), listed(needed)))
        return rows

    def clean(self):
        data = super().clean()
        for item in self.belongings:
            if data.get(f"belonging_{item.pk}") == BelongingOutcome.HANDED and not data.get(f"belonging_{item.pk}_to"):
                self.add_error(f"belonging_{item.pk}_to", _("Say to whom this item was handed."))
        return data

    def counted_out(self):
        """{belonging pk: (outcome, handed to)} for Stay.depart."""
        return {
            item.pk: (self.cleaned_data.get(f"belonging_{item.pk}", ""), self.cleaned_data.get(f"belonging_{item.pk}_to", ""))
            for item in self.belongings
        }


class HandoverForm(SingleLineInputs, forms.ModelForm):
    """The police's handover form, added to a stay registered without it."""

    class Meta:
        model = Stay
        fields = ["handover_ref", "handover_document"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].required = True


class TransferAcceptForm(SingleLineInputs, forms.ModelForm):
    """The arrival at the receiving station of a person transferred with their file."""

    class Meta:
        model = Stay
        fields = ["arrived_at", "brought_by_name", "health_at_intake", "mental_state", "clothing", "staff_in_charge",
                  "late_reason"]
        widgets = {"arrived_at": DATETIME_WIDGET, "health_at_intake": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, transfer=None, **kwargs):
        sent = transfer.stay
        initial = {"mental_state": sent.mental_state, "clothing": sent.clothing, "health_at_intake": sent.health_at_intake,
                   "brought_by_name": transfer.from_station.name}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["arrived_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["staff_in_charge"].queryset = User.objects.filter(is_active=True, station=transfer.to_station)
        explain_late_reason(self)


class RefuseTransferForm(SingleLineInputs, forms.Form):
    reason = forms.CharField(label=_("why the transfer is refused"), max_length=300)


class StayReviewForm(SingleLineInputs, forms.ModelForm):
    class Meta:
        model = StayReview
        fields = ["reviewed_at", "decision", "next_review_on", "notes", "late_reason"]
        widgets = {"reviewed_at": DATETIME_WIDGET, "next_review_on": DATE_WIDGET, "decision": forms.RadioSelect,
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, stay=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.stay = stay
        self.fields["reviewed_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        explain_late_reason(self)


class DeathReportSendingForm(SingleLineInputs, forms.ModelForm):
    class Meta:
        model = DeathReportSending
        fields = ["sent_at", "recipient_kind", "recipient", "method", "reference", "late_reason"]
        widgets = {"sent_at": DATETIME_WIDGET, "recipient_kind": forms.RadioSelect}

    def __init__(self, *args, death=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.death = death
        self.fields["sent_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        explain_late_reason(self)


class DeathForm(SingleLineInputs, forms.ModelForm):
    class Meta:
        model = Death
        fields = ["died_at", "place", "cause", "unnatural", "proof_kind", "proof", "notes", "late_reason"]
        widgets = {"died_at": DATETIME_WIDGET, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, stay=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.stay = stay
        explain_late_reason(self)


class MergeForm(SingleLineInputs, forms.Form):
    """Which of two files of one person survives, and why they are one person."""

    survivor = forms.TypedChoiceField(label=_("file to keep"), coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("why these two files are the same person"), max_length=300,
                             help_text=_("e.g. “same ID number; he recognised his photo from 2023”."))

    def __init__(self, *args, files, **kwargs):
        super().__init__(*args, **kwargs)
        self.files = {p.pk: p for p in files}
        self.fields["survivor"].choices = [(p.pk, f"{p.file_no} {p.display_name}") for p in files]
        self.fields["survivor"].initial = min(self.files)  # the older file, by default

    def clean_survivor(self):
        return self.files[self.cleaned_data["survivor"]]


class DeathBelongingsForm(SingleLineInputs, forms.Form):
    """A dead person's belongings and cash not yet counted out, item by item: to the family, to the
    police (say whom), or kept by the station (with its reference). Items left blank wait."""

    def __init__(self, *args, stay, **kwargs):
        super().__init__(*args, **kwargs)
        self.belongings = list(stay.belongings.filter(outcome=""))
        for item in self.belongings:
            self.fields[f"belonging_{item.pk}"] = forms.ChoiceField(
                label=f"{item.item} × {item.quantity}", widget=forms.RadioSelect, required=False,
                choices=[(o.value, o.label) for o in DEATH_OUTCOMES])
            self.fields[f"belonging_{item.pk}_to"] = forms.CharField(
                label=_("handed to (name, relation or unit)"), max_length=100, required=False)
            self.fields[f"belonging_{item.pk}_ref"] = forms.CharField(
                label=_("receipt or register reference"), max_length=60, required=False)

    def belonging_rows(self):
        return [(self[f"belonging_{b.pk}"], self[f"belonging_{b.pk}_to"], self[f"belonging_{b.pk}_ref"])
                for b in self.belongings]

    def clean(self):
        data = super().clean()
        if self.belongings and not any(data.get(f"belonging_{b.pk}") for b in self.belongings):
            raise ValidationError(_("Say what became of at least one item."))
        return data

    def counted_out(self):
        """{belonging pk: (outcome, handed to, reference)} of the items answered, for the service."""
        data = self.cleaned_data
        return {b.pk: (data[f"belonging_{b.pk}"], data.get(f"belonging_{b.pk}_to", ""),
                       data.get(f"belonging_{b.pk}_ref", ""))
                for b in self.belongings if data.get(f"belonging_{b.pk}")}


class BodyForm(SingleLineInputs, forms.ModelForm):
    """An unclaimed body recorded: where it is kept, since when, the police told."""

    class Meta:
        model = Body
        fields = ["kept_at", "kept_since", "police_told_at", "police_unit", "police_reference",
                  "notice_published_at", "notice_reference", "late_reason"]
        widgets = {"kept_since": DATETIME_WIDGET, "police_told_at": DATETIME_WIDGET,
                   "notice_published_at": DATETIME_WIDGET}

    def __init__(self, *args, death=None, **kwargs):
        super().__init__(*args, prefix="body", **kwargs)
        self.instance.death = death
        explain_late_reason(self)


class BodyNoticeForm(SingleLineInputs, forms.Form):
    published_at = forms.DateTimeField(label=_("notice for the unidentified deceased published"),
                                       widget=DATETIME_WIDGET)
    reference = forms.CharField(label=_("notice: where published, reference"), max_length=120)


class BodyClaimForm(SingleLineInputs, forms.Form):
    claimed_at = forms.DateTimeField(label=_("claimed"), widget=DATETIME_WIDGET)
    claimant = forms.CharField(label=_("claimed by"), max_length=60)
    relation = forms.CharField(label=_("relation to the deceased"), max_length=30)
    id_number = forms.CharField(label=_("claimant's ID number"), max_length=18, required=False)
    proof = forms.FileField(label=_("proof of the claim (scan)"), help_text=_("PDF, JPEG or PNG."))


class BodyDisposalForm(SingleLineInputs, forms.Form):
    disposed_at = forms.DateTimeField(label=_("disposed of"), widget=DATETIME_WIDGET)
    disposal = forms.CharField(label=_("how disposed of"), max_length=120, help_text=_("e.g. “火化”."))
    approved_by = forms.CharField(label=_("approved by"), max_length=120,
                                  help_text=_("The authority that approved the disposal."))
    approval_reference = forms.CharField(label=_("approval reference"), max_length=60)


BODY_STEP_FORMS = {"record_notice": BodyNoticeForm, "claim": BodyClaimForm, "dispose": BodyDisposalForm}
