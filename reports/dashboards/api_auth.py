"""API token authentication that refuses impossible keys before querying.

DRF's ``TokenAuthentication`` looks any header value up in the database; PostgreSQL refuses
a NUL byte in text, so ``Authorization: Token a\\x00b`` answered 500. A key is 40 lowercase
hexadecimal characters (``Token.generate_key``): anything else is an invalid token (401).
"""

from __future__ import annotations

import re

from rest_framework import authentication, exceptions

KEY_RE = re.compile(r"[0-9a-f]{40}")


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str):
        if not KEY_RE.fullmatch(key):
            raise exceptions.AuthenticationFailed("令牌无效")
        return super().authenticate_credentials(key)
