"""The staff's side of the exchange: the partners' API tokens (given and revoked by supervisors for their
station, administrators for any; the key shown once), and the month's death-record exchange (which
partners sent their list, which did not), and a query about doubtful data sent to a partner system (a
panel on oversight's query page, oversight.hooks.QUERY_PANELS)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.models import DataQuery, DataQueryState
from shelter.models import AuditEvent

from . import selectors, services
from .forms import RevokeForm, SendQueryForm, TokenForm


@login_required
@permission_required("exchange.issue_token", raise_exception=True)
def tokens(request):
    form = TokenForm(request.POST or None, user=request.user)
    key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            expires = timezone.make_aware(datetime.datetime.combine(d["expires_on"], datetime.time(23, 59)))
            try:
                token, key = services.issue_token(partner=d["partner"], stations=d["stations"],
                                                  capabilities=d["capabilities"], expires_at=expires, by=request.user,
                                                  label=d["label"])
            except services.TokenRefused as e:
                form.add_error(None, e.message)
            else:
                AuditEvent.record(request, AuditEvent.CREATE, target=token, partner=token.partner.code,
                                  token=token.prefix, capabilities=token.capabilities,
                                  stations=[s.code for s in d["stations"]])
                messages.success(request, _("The token is given. Copy it now: it is not shown again."))
                form = TokenForm(user=request.user)
        if key is None:
            status = 400
            messages.error(request, _("Please correct the fields marked below; nothing was given."))
    AuditEvent.record(request, AuditEvent.LIST, target="api tokens")
    return render(request, "exchange/tokens.html", {
        "form": form, "key": key, "tokens": selectors.tokens_for(request.user)[:200], "revoke_form": RevokeForm(),
    }, status=status)


@login_required
@permission_required("exchange.issue_token", raise_exception=True)
@require_POST
def revoke(request, pk):
    token = selectors.token_for(request.user, pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the token is revoked."))
        return redirect("exchange:tokens")
    try:
        services.revoke_token(token=token, by=request.user, reason=form.cleaned_data["reason"])
    except services.TokenRefused as e:
        messages.error(request, e.message)
    else:
        AuditEvent.record(request, AuditEvent.CHANGE, target=token, token=token.prefix, revoked=True,
                          reason=form.cleaned_data["reason"])
        messages.success(request, _("The token no longer works."))
    return redirect("exchange:tokens")


@login_required
@permission_required("oversight.view_datacomparison", raise_exception=True)
def month(request):
    """The month's exchange of death records: each partner that sends every month, per station, the lists
    received (with their hits) or none."""
    today = timezone.localdate()
    try:
        chosen = datetime.date.fromisoformat(f"{request.GET.get('month', '')}-01")
    except ValueError:
        chosen = today.replace(day=1)
    rows = selectors.month_exchange(request.user, chosen)
    AuditEvent.record(request, AuditEvent.LIST, target="exchange month", month=f"{chosen:%Y-%m}")
    return render(request, "exchange/month.html", {"month": chosen, "rows": rows,
                                                   "missing": selectors.missing_count(rows)})


def may_send(user, query):
    return (query.state == DataQueryState.SENT and user.has_perm("oversight.add_dataquery")
            and (user.sees_all_stations or user.station_id == query.station_id))


def query_panel(request, query):
    """On a query's page: the partner system it was sent to (and whether it answered by the API), or the
    form to send it to one of the partners of the query's station."""
    sending = selectors.sending_of(query)
    form = None
    if sending is None:
        if not may_send(request.user, query) or not selectors.partners_for(query.station).exists():
            return ""
        form = SendQueryForm(station=query.station)
    return render_to_string("exchange/_query_panel.html", {"query": query, "sending": sending, "form": form},
                            request=request)


@login_required
@permission_required("oversight.add_dataquery", raise_exception=True)
@require_POST
def query_send(request, pk):
    """Send a query to a partner system of its station: the partner reads and answers it by the API."""
    query = get_object_or_404(DataQuery.objects.for_user(request.user), pk=pk)
    form = SendQueryForm(request.POST, station=query.station)
    if not form.is_valid():
        messages.error(request, _("Choose a partner system of the query's station; nothing was sent."))
        return redirect("oversight:query", pk=query.pk)
    try:
        sending = services.send_query(query=query, partner=form.cleaned_data["partner"], by=request.user)
    except services.QuerySendRefused as e:
        messages.error(request, e.message)
    else:
        AuditEvent.record(request, AuditEvent.CHANGE, target=query, query=query.pk, partner=sending.partner.code)
        messages.success(request, _("The query is sent to the partner system: it reads and answers it by the API."))
    return redirect("oversight:query", pk=query.pk)
