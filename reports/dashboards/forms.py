"""The export form: a campaign, a unit (not a school) and what to export, all within the
user's scope."""

from __future__ import annotations

from typing import Any

from django import forms

from reports.choices import ExportKind, OrgKind
from reports.models import Campaign, Organization, User
from reports.selectors import campaigns_visible_to, units_visible_to, user_unit


class ExportForm(forms.Form):
    campaign = forms.ModelChoiceField(label="填报任务", queryset=Campaign.objects.none())
    unit = forms.ModelChoiceField(label="范围（单位）", queryset=Organization.objects.none())
    kind = forms.ChoiceField(label="导出内容", choices=ExportKind.choices)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns_visible_to(user)
        self.fields["unit"].queryset = (
            units_visible_to(user).exclude(kind=OrgKind.SCHOOL).order_by("path")
        )
        self.fields["unit"].initial = user_unit(user)
