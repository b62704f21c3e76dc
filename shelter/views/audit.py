"""What a supervisor looks into: the audit log and the late entries."""

import csv
import io
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.http import download
from lib.spreadsheets import csv_row

from .. import hooks
from ..models import (
    AuditEvent,
    LateEntryError,
    SelfApprovalRefused,
)
from ..selectors import filtered_audit, late_entries_for, late_entry_for
from ..services import (
    mark_late_seen,
)


@login_required
@permission_required("shelter.view_auditevent", raise_exception=True)
def audit_log(request):
    """Who looked at which file, searched, exported or changed what, and who was refused or failed to
    log in: the station's own log (administrators: every station's), filterable, exportable as CSV."""
    form, events = filtered_audit(request.user, request.GET)
    if request.GET.get("format") == "csv":
        AuditEvent.record(request, AuditEvent.EXPORT, target="audit log", document="audit.csv",
                          filters={k: v for k, v in request.GET.items() if v and k != "format"})
        return audit_csv(events[:50_000], request.user)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    AuditEvent.record(request, AuditEvent.LIST, target="audit log", filters={k: v for k, v in request.GET.items() if v})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "shelter/audit.html", {"form": form, "page": page, "query": query.urlencode(),
                                                  "actions": dict(AuditEvent.ACTIONS)})


def audit_csv(events, user):
    """UTF-8 with a byte-order mark, so that a spreadsheet opens the Chinese correctly; text that could be
    a formula (a failed log-in's user name, a page's address) is written as text (lib.spreadsheets); a face
    search's results at other stations as the reader may see them (AuditEvent.detail_seen_by)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    actions = dict(AuditEvent.ACTIONS)
    writer.writerow(csv_row([_("time"), _("user"), _("station"), _("what"), _("file number"), _("target"), _("network address"),
                     _("page"), _("detail")]))
    for e in events:
        writer.writerow(csv_row([timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.user.username if e.user else "",
                         e.station.code if e.station else "", str(actions.get(e.action, e.action)),
                         e.person.file_no if e.person else "", str(e.target_label), e.ip or "", e.path,
                         json.dumps(e.detail_seen_by(user), ensure_ascii=False)]))
    return download(out.getvalue(), "audit.csv", "text/csv; charset=utf-8")


def late_label(kind):
    return {"arrival": _("arrival"), "service": _("service"), "departure": _("departure"), "death": _("death")}[kind]


@login_required
def late_entries(request):
    """Entries made more than LATE_ENTRY_HOURS after the event, with the reason typed: what a supervisor
    must look into. Listed until a supervisor marks them seen (?seen=1 lists those seen too)."""
    if not request.user.has_perm("shelter.view_auditevent"):
        raise PermissionDenied
    show_seen = request.GET.get("seen") == "1"
    rows = [{"kind": kind, "label": late_label(kind), "entry": entry, "person": person}
            for kind, entry, person in late_entries_for(request.user, show_seen)]
    steps = [row for find in hooks.LATE_STEPS for row in find(request.user)]
    AuditEvent.record(request, AuditEvent.LIST, target="late entries",
                      files=[row["person"].file_no for row in rows + steps])
    return render(request, "shelter/late.html", {
        "rows": rows, "steps": steps, "late_hours": settings.LATE_ENTRY_HOURS, "show_seen": show_seen,
        "can_mark": request.user.has_perm("shelter.review_late_entry"),
    })


@login_required
@require_POST
def late_seen(request, kind, pk):
    """A supervisor has seen a late entry and its reason: it leaves the list."""
    entry, stay = late_entry_for(request.user, kind, pk)
    try:
        marked = mark_late_seen(entry=entry, by=request.user, awaiting=bool(request.POST.get("awaiting")))
    except LateEntryError as e:
        raise PermissionDenied(e.message) from None
    except SelfApprovalRefused as e:
        messages.error(request, e.message)
        return redirect("shelter:late")
    if marked:
        AuditEvent.record(request, AuditEvent.CHANGE, stay.person, target=entry, late_entry_seen=kind)
        messages.success(request, _("Marked as seen: %(what)s of %(person)s.") % {
            "what": late_label(kind), "person": stay.person})
    else:
        messages.info(request, _("This late entry was already marked as seen."))
    return redirect("shelter:late")
