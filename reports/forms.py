from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms


class OrgImportForm(forms.Form):
    sheet = forms.FileField(
        label="表格文件",
        help_text="支持 .xlsx 或 .csv；列：单位代码、单位名称、单位类型、上级单位代码、学段、寄宿、"
        "账号、姓名、角色、初始密码、邮箱",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", "导入"))

    def clean_sheet(self):
        sheet = self.cleaned_data["sheet"]
        if not sheet.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("只支持 .xlsx 或 .csv 格式的表格")
        if sheet.size > 10 * 1024 * 1024:
            raise forms.ValidationError("表格文件不能超过 10 MB")
        return sheet
