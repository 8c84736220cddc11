# The web, worker and beat image: docker-compose.yml runs it three ways.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.production

RUN python -m venv /opt/venv \
    && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home app

WORKDIR /app

# Dependencies first: a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Hashed, compressed static files are part of the image. Production settings
# need their secrets to import; these placeholders exist only for this step
# and nothing connects to the services they name.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    REDIS_URL=redis://localhost:6379/0 \
    AWS_STORAGE_BUCKET_NAME=collectstatic \
    STRIPE_SECRET_KEY=collectstatic \
    STRIPE_WEBHOOK_SECRET=collectstatic \
    BADGES_KEY_ENCRYPTION_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var \
    && chown app:app /app/var

USER app

EXPOSE 8000

CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "--no-control-socket", "--access-logfile", "-"]
