"""The shared fixtures of ``tests/world.py`` (the three-county world, logins, Celery
helpers) serve the feature apps' own test folders too (``reports/<app>/tests/``)."""

pytest_plugins = ["tests.world"]
