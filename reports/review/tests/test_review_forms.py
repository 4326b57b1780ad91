"""The review page's blank forms are rendered once per process (``forms.form_html``): the
same HTML crispy renders, following the campaign's sections and indicators."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.utils import translation

from reports.models import IndicatorDefinition
from reports.review.forms import ApproveForm, ReopenForm, ReturnForm, form_html

SECTIONS = [{"key": "achievements", "title": "主要成效"}, {"key": "problems", "title": "存在问题"}]


def test_a_blank_form_is_the_html_crispy_renders(db):
    indicators = list(IndicatorDefinition.objects.order_by("code")[:3])
    for make in (
        ApproveForm,
        ReopenForm,
        lambda: ReturnForm(sections=SECTIONS, indicators=indicators),
        lambda: ReturnForm(sections=SECTIONS[:1]),
    ):
        assert form_html(make()) == form_html(make()) == as_crispy_form(make())


def test_the_return_form_follows_the_sections_and_indicators_it_is_made_of(db):
    one, two = IndicatorDefinition.objects.order_by("code")[:2]
    first = form_html(ReturnForm(sections=SECTIONS, indicators=[one]))
    assert "主要成效" in first and one.label in first and two.label not in first
    other = form_html(ReturnForm(sections=SECTIONS[1:], indicators=[one, two]))
    assert "主要成效" not in other and two.label in other
    renamed = [{"key": "achievements", "title": "工作成效"}]
    assert "工作成效" in form_html(ReturnForm(sections=renamed, indicators=[one]))


def test_each_language_has_its_own_rendering(db):
    with translation.override("en"):
        english = form_html(ApproveForm())
    assert form_html(ApproveForm()) == as_crispy_form(ApproveForm())
    with translation.override("en"):
        assert english == as_crispy_form(ApproveForm())


def test_a_form_sent_back_is_rendered_with_what_was_typed(db):
    bound = ReturnForm({"comment": "", "section_problems": "太笼统"}, sections=SECTIONS)
    assert not bound.is_valid()
    assert "太笼统" in form_html(bound) and "退回时必须填写审核意见" in form_html(bound)
    assert form_html(bound) == as_crispy_form(bound)
