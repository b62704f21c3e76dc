import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Each web process (runserver, gunicorn's workers) loads the face models as it starts, not on the first
# portrait or live frame (seconds on a busy machine). Tests do not import this module.
from face.detection import load_models  # noqa: E402 (Django is set up by get_wsgi_application)

load_models()
