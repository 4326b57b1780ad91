import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# gunicorn runs no system check: refuse to boot rather than answer every page with 500.
from reports.checks import require_static_manifest  # noqa: E402

require_static_manifest()
