"""The core's account forms (the feature apps keep their forms in their own ``forms.py``)."""

from django.contrib.auth.forms import PasswordResetForm


class NoStaffPasswordResetForm(PasswordResetForm):
    """The e-mail reset (only when ``PASSWORD_RESET_BY_EMAIL`` is on) never mails an account
    with staff or superuser rights: whoever controls its address must not control it."""

    def get_users(self, email):
        return (
            user for user in super().get_users(email) if not user.is_staff and not user.is_superuser
        )
