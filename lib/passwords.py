"""Passwords that guessers try first: the user's own names, the station's, the product's."""

from difflib import SequenceMatcher

from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PRODUCT_WORDS = ("homeward", "huijia", "回家")


class NotLikeTheUserOrTheStation:
    """Django's similarity check on the user name, names and e-mail, and the same for the station's
    code and name and the product's name: a password that is one of them with a few characters added
    ("homeward2026", "GZ-station1") is refused."""

    def __init__(self, max_similarity=0.7, min_rest=6):
        self.similar = UserAttributeSimilarityValidator(max_similarity=max_similarity)
        self.max_similarity, self.min_rest = max_similarity, min_rest

    def validate(self, password, user=None):
        self.similar.validate(password, user)
        words = list(PRODUCT_WORDS)
        station = getattr(user, "station", None) if user is not None else None
        if station is not None:
            words += [station.code, station.name]
        lowered = password.lower()
        for word in (w.lower() for w in words if w):
            contained = word in lowered and len(lowered) - len(word) < self.min_rest
            if contained or SequenceMatcher(a=lowered, b=word).quick_ratio() >= self.max_similarity:
                raise ValidationError(_("The password is too like the station's or the product's name."),
                                      code="password_too_similar")

    def get_help_text(self):
        return _("Your password cannot be like your name, your station's name or the product's name.")
