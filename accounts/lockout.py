"""The log-in lockout's count (django-axes' database handler, settings.AXES_HANDLER). A user name from an
address is locked after settings.LOGIN_MAX_FAILURES failures; the address itself, whatever names it tries,
only after settings.LOGIN_MAX_FAILURES_PER_ADDRESS: a station's desks reach the site from one address
(its NAT or proxy), and a few typing errors there must not lock everyone out. A success clears the
user's own count only, so an account of one's own does not wipe the guesses at others."""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum

# settings.AXES_LOCKOUT_PARAMETERS, in this order: the user name from the address, the address.
PER_NAME, PER_ADDRESS = 0, 1


class StationLockoutHandler(AxesDatabaseHandler):

    def get_failures(self, request, credentials=None):
        counts = [attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
                  for attempts in self.get_user_attempts(request, credentials)]
        if counts[PER_ADDRESS] >= settings.LOGIN_MAX_FAILURES_PER_ADDRESS:
            return max(counts[PER_NAME], settings.AXES_FAILURE_LIMIT)
        return counts[PER_NAME]

    def reset_user_attempts(self, request, credentials=None):
        count, _ = self.filter_user_attempts(request, credentials)[PER_NAME].delete()
        return count
