"""The password rule 等保 2.0 asks for (身份鉴别: 复杂度要求), and password expiry.

``CharacterClassesValidator`` is one of ``AUTH_PASSWORD_VALIDATORS``, so Django applies it
wherever it validates a password: the change form, the e-mail reset, the Django admin,
``createsuperuser``; the import checks 初始密码 with ``validate_password`` and the one-time
passwords of a reset are generated to pass it (``services.accounts.generate_password``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

CLASS_NAMES = ("大写字母", "小写字母", "数字", "符号")


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and other characters the password uses."""
    return sum(
        (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


class CharacterClassesValidator:
    """At least ``min_classes`` of the four classes (upper, lower, digit, symbol)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = max(1, min(4, min_classes))

    def validate(self, password: str, user=None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                self.get_help_text(), code="password_too_simple", params={"min": self.min_classes}
            )

    def get_help_text(self) -> str:
        return f"密码须包含{('、'.join(CLASS_NAMES))}中的至少 {self.min_classes} 种。"


def password_expired(user) -> bool:
    """True when ``PASSWORD_EXPIRY_DAYS`` is on and the password is older than that."""
    days = int(getattr(settings, "PASSWORD_EXPIRY_DAYS", 0) or 0)
    if days <= 0 or not user.is_authenticated:
        return False
    changed = user.password_changed_at or user.date_joined
    return changed < timezone.now() - timedelta(days=days)
