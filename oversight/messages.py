"""Oversight's message codes (lib.messages): the data-quality sweep's notifications. Worded when read,
in the reader's language; registered by OversightConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from lib import messages

messages.register("problem_new", subject=_("%(count)s new data-quality problem(s) to fix"),
                  body=_("The data-quality sweep found %(count)s new problem(s) in your files. "
                         "Open the problem list to see what is wrong and how to fix it."))
messages.register("problem_overdue", subject=_("%(count)s data-quality problem(s) past their fix-by date"),
                  body=_("%(count)s problem(s) of your station were not fixed by their fix-by date."))
