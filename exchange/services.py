"""Writes of the exchange with partner systems: tokens given and revoked, family reports filed, lists
compared on arrival (by the API or from the drop folder), queries about doubtful data sent to a partner
and answered by it. Keyword-only arguments, no request."""

import csv
import datetime
import hashlib
import io
import secrets
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from family.services import register_report
from lib.errors import Refusal
from oversight.finance import SheetRefused
from oversight.models import DataQueryState
from oversight.services import answer_query, compare_list

from .models import (
    ApiToken,
    Capability,
    ListSubmission,
    ListVia,
    Partner,
    PartnerQuery,
    PartnerReport,
    PickedFile,
    secret_hash,
)

TOKEN_MAX_DAYS = 366
LIST_COLUMNS = {"name": "name", "id_number": "id_number", "birth_date": "birth_date"}
# The drop folder's files: CSV or XLSX, first row the headers (these names, or the Chinese ones).
FOLDER_COLUMNS = {"name": "姓名", "id_number": "身份证号", "birth_date": "出生日期"}


class TokenRefused(Refusal):
    """The token cannot be given as asked (stations outside the giver's, no capability, expiry)."""


def issue_token(*, partner, stations, capabilities, expires_at, by, label=""):
    """A new token for `partner`, given by `by` (exchange.issue_token): for stations `by` may act for, with
    the capabilities asked, expiring within TOKEN_MAX_DAYS. Returns (token, the key to hand over once)."""
    if not by.has_perm("exchange.issue_token"):
        raise TokenRefused(_("You may not give API tokens."))
    stations = list(stations)
    if not stations:
        raise TokenRefused(_("Choose at least one station."))
    if not by.sees_all_stations and any(s.pk != by.station_id for s in stations):
        raise TokenRefused(_("You may give tokens for your own station only."))
    capabilities = sorted(set(capabilities))
    if not capabilities or any(c not in Capability.values for c in capabilities):
        raise TokenRefused(_("Choose at least one capability."))
    now = timezone.now()
    if expires_at <= now or expires_at > now + datetime.timedelta(days=TOKEN_MAX_DAYS):
        raise TokenRefused(_("A token expires after today and within a year."))
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(partner=partner, label=label, prefix=secrets.token_hex(6),
                                        key_hash=secret_hash(secret), capabilities=capabilities,
                                        created_by=by, expires_at=expires_at)
        token.stations.set(stations)
    return token, f"hw_{token.prefix}_{secret}"


def revoke_token(*, token, by, reason):
    """The token stops working now, for a reason kept with it."""
    if not by.has_perm("exchange.issue_token"):
        raise TokenRefused(_("You may not revoke API tokens."))
    if not by.sees_all_stations and token.stations.exclude(pk=by.station_id).exists():
        raise TokenRefused(_("This token is also for other stations: an administrator revokes it."))
    if not str(reason).strip():
        raise TokenRefused(_("Say why the token is revoked."))
    written = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by, revoke_reason=str(reason).strip()[:300])
    if not written:
        raise TokenRefused(_("This token was already revoked."))
    token.refresh_from_db()
    return token


class QuerySendRefused(Refusal):
    """The query cannot be sent to that partner system (answered, sent already, another station's...)."""


def send_query(*, query, partner, by):
    """Send a query about doubtful data (oversight.DataQuery, awaiting its answer) to a partner system that
    exchanges with the query's station: its tokens with answer_queries then read and answer it. Sent once."""
    if not by.has_perm("oversight.add_dataquery") or not (by.sees_all_stations or by.station_id == query.station_id):
        raise QuerySendRefused(_("You may not send this query."))
    if query.state != DataQueryState.SENT:
        raise QuerySendRefused(_("This query is answered already."))
    if not partner.stations.filter(pk=query.station_id).exists():
        raise QuerySendRefused(_("This partner system does not exchange with the query's station."))
    try:
        with transaction.atomic():
            return PartnerQuery.objects.create(query=query, partner=partner, sent_by=by)
    except IntegrityError:
        raise QuerySendRefused(_("This query was already sent to a partner system.")) from None


def answer_sent_query(*, token, sending, answer):
    """The partner's answer to a query sent to it, by the API: recorded through oversight's own step
    (answer_query: the same rule), dated now, as entered by the supervisor who gave the token (as its
    lists are); the partner and its token are kept with the sending. WorkflowError, ValidationError."""
    now = timezone.now()
    with transaction.atomic():
        answer_query(query=sending.query, by=token.created_by, answer=answer, answered_at=now)
        PartnerQuery.objects.filter(pk=sending.pk).update(answer_token=token, answered_by_api_at=now)
    sending.refresh_from_db()
    return sending


def token_for_key(key):
    """The usable token of a key "hw_<prefix>_<secret>", else (unknown, wrong secret, expired, revoked)
    (None, the token row if one was named) for the audit log."""
    parts = str(key or "").split("_", 2)
    if len(parts) != 3 or parts[0] != "hw":
        return None, None
    token = ApiToken.objects.select_related("partner").filter(prefix=parts[1]).first()
    if token is None or not token.matches(parts[2]) or not token.is_usable:
        return None, token if token is not None and token.matches(parts[2]) else None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token, token


def file_report(*, token, station, form, origin=None):
    """A family report filed by a partner (form: exchange.forms.PartnerReportForm, valid) for one of its
    token's stations: registered and searched as at the desk (family.services.register_report), and kept
    as the partner's. A repeat of the same Idempotency-Key returns the report already filed."""
    with transaction.atomic():
        report = register_report(report=form.instance, photos=form.cleaned_data["photos"], by=None, origin=origin,
                                 station=station)
        return PartnerReport.objects.create(report=report, partner=token.partner, token=token)


def repeated_report(*, token, submit_token):
    """The partner's report already filed with this one-time key, or None."""
    if submit_token is None:
        return None
    return PartnerReport.objects.filter(report__submit_token=submit_token, partner=token.partner) \
        .select_related("report").first()


def rows_file(rows):
    """CSV bytes of [{"name", "id_number", "birth_date"}] with LIST_COLUMNS' headers."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(LIST_COLUMNS), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: str(row.get(k) or "") for k in LIST_COLUMNS})
    return out.getvalue().encode("utf-8")


def submit_list(*, partner, station, kind, month, file_name, data, columns, via, by, token=None):
    """Compare a partner's list with a station's files on arrival (oversight.services.compare_list: each
    hit a problem naming the partner as its source) and keep it as the partner's list for the month.
    SheetRefused (nothing kept) if the list cannot be read."""
    with transaction.atomic():
        comparison = compare_list(station=station, source=partner.name, file_name=file_name, data=data,
                                  columns=columns, by=by)
        return ListSubmission.objects.create(partner=partner, token=token, station=station, kind=kind,
                                             month=month.replace(day=1), via=via, file_name=file_name[:200],
                                             comparison=comparison)


def submit_rows(*, token, station, kind, month, rows):
    """A list sent by the API as rows: compared as a file of LIST_COLUMNS would be. The uploader named is
    the supervisor who gave the token."""
    return submit_list(partner=token.partner, station=station, kind=kind, month=month,
                       file_name=f"api-{token.partner.code}-{kind}-{month:%Y-%m}.csv", data=rows_file(rows),
                       columns=LIST_COLUMNS, via=ListVia.API, by=token.created_by, token=token)


def _columns_of(data, file_name):
    """The drop folder's files name their columns in English (LIST_COLUMNS) or Chinese (FOLDER_COLUMNS)."""
    head = data[:2000].decode("utf-8-sig", errors="ignore") if file_name.lower().endswith(".csv") else ""
    return LIST_COLUMNS if head.split("\n", 1)[0].strip().lower().startswith("name") else FOLDER_COLUMNS


def pick_up_files(*, root=None, kind="deaths", now=None):
    """Read the drop folder (settings.EXCHANGE_DROP_DIR): <root>/<partner code>/*.csv|*.xlsx, each file
    once (by its content), compared with every station the partner exchanges with, for the month it
    arrived in. A file that cannot be read is kept as refused (named in the log), not read again.
    Returns the submissions made."""
    root = Path(root or settings.EXCHANGE_DROP_DIR or "")
    if not str(root) or not root.is_dir():
        return []
    now = now or timezone.now()
    made = []
    for partner in Partner.objects.prefetch_related("stations"):
        folder = root / partner.code
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in (".csv", ".xlsx") and p.is_file()):
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if PickedFile.objects.filter(partner=partner, sha256=digest).exists():
                continue
            try:
                with transaction.atomic():
                    PickedFile.objects.create(partner=partner, path=str(path)[:500], sha256=digest)
                    columns = _columns_of(data, path.name)
                    made.extend([submit_list(partner=partner, station=station, kind=kind,
                                             month=timezone.localdate(now).replace(day=1), file_name=path.name,
                                             data=data, columns=columns, via=ListVia.FOLDER, by=partner.responsible)
                                 for station in partner.stations.all()])
            except IntegrityError:
                continue  # read before
            except SheetRefused as e:
                PickedFile.objects.create(partner=partner, path=str(path)[:500], sha256=digest,
                                          refusal=str(e.message)[:500])
    return made
