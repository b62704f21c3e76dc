# Homeward's production image: the web app (gunicorn), the Celery worker and beat all run from it
# (see docker-compose.yml). Installs as the Makefile does, without the test-only packages.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/var/lib/homeward \
    MEDIA_ROOT=/var/lib/homeward/media

# A CJK font for the Chinese text of generated PDFs (tracing notices, DNA requests).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-wqy-zenhei \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt requirements-nodeps.txt ./
RUN pip install --no-cache-dir -r requirements.txt \
 && pip install --no-cache-dir --no-deps -r requirements-nodeps.txt

COPY . .
# Named volumes mounted on these folders start with this ownership.
RUN useradd --system --home-dir /var/lib/homeward homeward \
 && mkdir -p /var/lib/homeward/media /var/lib/homeward/static /var/lib/homeward/beat \
 && chown -R homeward:homeward /var/lib/homeward
USER homeward

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
