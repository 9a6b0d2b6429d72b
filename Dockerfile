# One image for web, worker and beat (see docker-compose.yml); the same Makefile targets
# as on a developer machine run inside it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/app/var STATIC_ROOT=/app/staticfiles PATH=/app/.venv/bin:$PATH
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN python -m venv .venv && .venv/bin/pip install -r requirements.txt

COPY . .
# The stamp tells `make` the virtualenv is installed, so targets start at once.
RUN touch .venv/.installed \
    && SECRET_KEY=build-only DEBUG=0 ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && useradd --system --create-home tracker && mkdir -p /app/var \
    && chown -R tracker /app/var /app/staticfiles
USER tracker

EXPOSE 8000
# Static files were collected above, at build: the container starts gunicorn alone.
CMD ["make", "serve", "HOST=0.0.0.0"]
