from django.apps import AppConfig


class SubmissionConfig(AppConfig):
    """The school's side: the report form (autosave, submit, copy forward), document import,
    attachments, rectification items. Uses the core (models, selectors, services, workflow);
    never another feature app; no models of its own."""

    name = "reports.submission"
    label = "submission"
    verbose_name = "学校填报"
