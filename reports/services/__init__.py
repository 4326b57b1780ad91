"""Writes: keyword-only functions named ``<noun>_<verb>``, each owning its transaction."""
