"""An arrival: a new file or a new stay on an existing one, with what the person carried."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import ArrivalRefused, Belonging, Identity, identity_basis_errors
from ..signals import arrival_registered
from .upkeep import keep_name_keys, stay_arrived


@transaction.atomic
def register_arrival(*, person, stay, belongings=(), by, token=None, duplicates=(), identity_basis="",
                     identity_reference=""):
    """Register an arrival: a new file (`person` not saved yet, made for `by`'s station) or a new stay
    on an existing file, the stay itself, and what the person carried ([(item, quantity)], each row
    checked as the model checks it).

    Refused (ArrivalRefused, nothing saved) when the existing file may take no arrival now
    (Person.arrival_refusal: merged into another file, a stay still open, a death).

    `token` is the intake form's one-time token: the database's unique constraint on it, and the one
    on a person's open stay, make a second registration of the same arrival fail with IntegrityError
    (the caller says "already registered"). `duplicates` are the earlier files the desk was warned of
    and registered apart from (shelter.hooks); they travel on arrival_registered. Returns the stay.

    An identity "confirmed" at the desk needs its basis (`identity_basis`, IdentityBasis, and its
    reference; ValidationError beside the field otherwise) and a second pair of eyes: until someone else
    checks it, the stay is registered as self-reported (unidentified for every clock), and the basis
    travels on arrival_registered for tracing to record as the case's quick query awaiting its check.
    """
    errors = identity_basis_errors(stay.identity, identity_basis, identity_reference)
    if errors:
        raise ValidationError(errors)
    basis = None
    if stay.identity == Identity.CONFIRMED:
        basis = {"kind": identity_basis, "reference": identity_reference.strip()}
        stay.identity = Identity.SELF_REPORTED
    refusal = person.arrival_refusal() if person.pk else None
    if refusal:
        raise ArrivalRefused(refusal)
    if person.pk is None:
        if person.station_id is None:
            person.station = by.station
        person.created_by = by
        person.full_clean(exclude=["station", "file_no"])
        person.save()
        keep_name_keys(person)
    stay.person = person
    stay.station_id = person.station_id  # where the stay happens, for good (Stay.station)
    stay.entered_by = by
    stay.intake_token = token
    # The one-open-stay and token constraints are the database's: two desks at once both pass a query.
    stay.full_clean(exclude=["intake_token", "state"], validate_constraints=False)
    stay.save()
    stay_arrived(stay)
    rows = [Belonging(stay=stay, item=item, quantity=quantity) for item, quantity in belongings]
    for row in rows:
        row.full_clean()
    Belonging.objects.bulk_create(rows)
    arrival_registered.send(sender=type(stay), stay=stay, by=by, duplicates=list(duplicates), identity_basis=basis)
    return stay
