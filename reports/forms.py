"""The core's account forms (the feature apps keep their forms in their own ``forms.py``)."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm


class LoginForm(AuthenticationForm):
    """Django's login form plus "记住此设备": a longer session on a device only this person
    uses (``REMEMBER_DEVICE_DAYS``), instead of the working-day session."""

    remember_device = forms.BooleanField(required=False, label="记住此设备")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if settings.REMEMBER_DEVICE_DAYS <= 0:  # the county turned the choice off
            del self.fields["remember_device"]
            return
        self.fields["remember_device"].help_text = (
            f"{settings.REMEMBER_DEVICE_DAYS} 天内在本设备上免登录。公用电脑请勿勾选；"
            "点“退出”或修改密码即失效。"
        )


class NoStaffPasswordResetForm(PasswordResetForm):
    """The e-mail reset (only when ``PASSWORD_RESET_BY_EMAIL`` is on) never mails an account
    with staff or superuser rights: whoever controls its address must not control it."""

    def get_users(self, email):
        return (
            user for user in super().get_users(email) if not user.is_staff and not user.is_superuser
        )
