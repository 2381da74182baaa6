# The portal's image: web (gunicorn), worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev fonts-liberation2 \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils curl postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --noinput

RUN useradd --create-home portal && mkdir -p /var/lib/binhson/media /var/lib/binhson/backups && chown -R portal /var/lib/binhson
USER portal
EXPOSE 8000
CMD ["gunicorn", "binhson_plan.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
