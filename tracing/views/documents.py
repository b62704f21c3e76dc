"""The printed documents of a case: the tracing notice (page and PDF) and the DNA request to the
police. Public documents in Chinese whatever the screen's language; every download is audited as an
export."""

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation

from face.selectors import main_image_url
from lib.http import download
from shelter.models import AuditEvent

from .. import documents
from ..selectors import case_for


@login_required
@permission_required("tracing.view_tracingcase", raise_exception=True)
def notice(request, pk):
    """The printable notice page, in Chinese like the PDF."""
    case = case_for(request.user, pk)
    AuditEvent.record(request, AuditEvent.EXPORT, case.stay.person, target=case, document="notice")
    with translation.override(settings.TRACING_DOCUMENT_LANGUAGE):
        return render(request, "tracing/notice.html", {
            "case": case, "facts": case.notice_facts(), "text": documents.notice_text(case),
            "may_come_from": documents.may_come_from_text(case.stay),
            "title": case.notice_title(),
            "portrait_url": main_image_url(case.stay.person, size=800), "today": timezone.localdate(),
        })


@login_required
@permission_required("tracing.view_tracingcase", raise_exception=True)
def notice_pdf(request, pk):
    case = case_for(request.user, pk)
    AuditEvent.record(request, AuditEvent.EXPORT, case.stay.person, target=case, document="notice.pdf")
    return pdf_response(documents.notice_pdf(case), f"notice-{case.stay.person.file_no}.pdf")


@login_required
@permission_required("tracing.view_tracingcase", raise_exception=True)
def dna_letter(request, pk):
    case = case_for(request.user, pk)
    referral = getattr(case, "dna_referral", None)
    if referral is None:
        raise Http404
    AuditEvent.record(request, AuditEvent.EXPORT, case.stay.person, target=referral, document="dna-letter.pdf")
    return pdf_response(documents.dna_letter_pdf(referral), f"{referral.reference_no}.pdf")


def pdf_response(data, filename):
    return download(data, filename, "application/pdf", inline=True)
