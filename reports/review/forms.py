"""Forms of the review actions: approve, return (with per-section comments), reopen."""

from __future__ import annotations

from django import forms


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label="审核意见（可选）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _label(definition) -> str:
    return f"{definition.label}（{definition.unit}）" if definition.unit else definition.label


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="总体意见（必填）",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "退回时必须填写审核意见"},
    )

    def __init__(self, *args, sections: list[dict[str, str]], indicators=(), **kwargs) -> None:
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

        if indicators:
            self.fields["indicators"] = forms.MultipleChoiceField(
                label="需要修改的指标（可选）",
                required=False,
                choices=[
                    (d.code, f"{d.label}（{d.unit}）" if d.unit else d.label) for d in indicators
                ],
                widget=forms.CheckboxSelectMultiple,
                help_text="写了分栏意见或勾选了指标时，学校只能修改这些栏目和指标，其余保持原样；"
                "只写总体意见则全部开放修改。",
            )

    def section_comments(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name, "") for name, key in self.section_keys}


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="重新打开的原因（必填）",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "重新打开已通过的报告时必须填写原因"},
    )
