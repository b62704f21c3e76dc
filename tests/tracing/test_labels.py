"""Every input a person fills on the case page and the family report page has a label (or an
aria-label): the refresh date, the withdrawal reason, the confirm/reject reasons, the report's steps."""

import datetime
import re

from django.utils import timezone

from family.models import Candidate


def unlabelled(html):
    """The visible inputs, selects and textareas with neither <label for=...> nor aria-label."""
    labelled = set(re.findall(r'<label[^>]* for="([^"]+)"', html))
    missing = []
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if re.search(r'type="(hidden|submit|button|checkbox|radio)"', tag) or "aria-label=" in tag:
            continue
        match = re.search(r'id="([^"]+)"', tag)
        if not match or match.group(1) not in labelled:
            missing.append(tag)
    return missing


def test_the_case_page_labels_its_inputs(client_as, station, reception, arrive, case_of, publish):
    case = case_of(arrive(station, reception, arrived_at=timezone.now() - datetime.timedelta(hours=5)))
    publish(case, reception, when=case.stay.arrived_at + datetime.timedelta(hours=1))
    html = client_as(reception).get(case.get_absolute_url()).content.decode()
    main = html[html.index("<main>"):]
    assert unlabelled(main[main.index('id="publications"'):main.index('id="dna"')]) == []


def test_the_report_page_labels_its_inputs(client_as, station, reception, supervisor, committed, resident,
                                           take_report):
    resident(station, reception, committed, face="biden_2", sex="M")
    report = take_report(reception, committed, photos=["biden_1"], sex="M")
    assert Candidate.objects.filter(report=report).exists()
    html = client_as(supervisor).get(report.get_absolute_url()).content.decode()
    assert unlabelled(html[html.index("<main>"):]) == []
