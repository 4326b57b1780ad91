"""Forms of the review actions: approve, return (with per-section comments), reopen."""

from __future__ import annotations

from django import forms


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label="审核意见（可选）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="总体意见（必填）",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "退回时必须填写审核意见"},
    )

    def __init__(self, *args, sections: list[dict[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.section_keys = []
        for section in sections:
            name = f"section_{section['key']}"
            self.section_keys.append((name, section["key"]))
            self.fields[name] = forms.CharField(
                label=f"对“{section['title']}”的意见（可选）",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def section_comments(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name, "") for name, key in self.section_keys}


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="重新打开的原因（必填）",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "重新打开已通过的报告时必须填写原因"},
    )
