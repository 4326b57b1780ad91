"""Start-up checks: refuse to serve what would only answer 500.

With DEBUG off and the manifest storage on, ``{% static %}`` looks every file up in
``STATIC_ROOT/staticfiles.json``; without it every page fails while the database is fine.
The system check stops ``runserver``, ``migrate`` and every management command,
``portal/wsgi.py`` stops gunicorn's workers from booting, and ``/healthz`` answers 503.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

MISSING_MANIFEST = "missing manifest"


def static_manifest_problem() -> str | None:
    """``"missing manifest"`` when pages would fail for want of the static manifest, else None."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    if settings.DEBUG:  # hashed names are not used with DEBUG on
        return None
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return None
    if storage.manifest_storage.exists(storage.manifest_name):
        return None
    return MISSING_MANIFEST


@checks.register("static_manifest")  # not Tags.staticfiles: collectstatic must still run
def check_static_manifest(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if static_manifest_problem() is None:
        return []
    return [
        checks.Error(
            f"静态文件清单 {settings.STATIC_ROOT}/staticfiles.json 不存在：每个页面都会出错。",
            hint="先运行 python manage.py collectstatic --noinput（或设置 STATIC_MANIFEST=0）。",
            id="reports.E001",
        )
    ]


def require_static_manifest() -> None:
    """Raise at WSGI start-up when the manifest is missing (gunicorn runs no system check)."""
    if static_manifest_problem() is not None:
        raise ImproperlyConfigured(
            f"{settings.STATIC_ROOT}/staticfiles.json is missing: run collectstatic first"
        )
