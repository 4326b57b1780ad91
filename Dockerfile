# Image for the web, worker and beat services of docker-compose.yml.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir -e . || true
COPY . .
# The static manifest is built here: without it the portal refuses to start (reports/checks.py).
RUN pip install --no-cache-dir -e . \
 && SECRET_KEY=build-only STATIC_MANIFEST=1 python manage.py collectstatic --noinput -v0
RUN useradd --system --create-home jianfu && mkdir -p /data/media && chown jianfu /data/media
USER jianfu
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "32", "--timeout", "60"]
