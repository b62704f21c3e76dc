"""Chinese first: the language is the one the user chose (cookie), else LANGUAGE_CODE.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a station PC with an
English browser would show English to staff who never asked for it. A partner's program on the API
(/api/) has no cookie: it asks by Accept-Language, and without one reads Chinese.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language is None and request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
