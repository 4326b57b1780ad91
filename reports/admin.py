"""The Django admin is for operators; bureau staff get scoped pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from reports.audit import audit_record
from reports.copyindex import index_reference
from reports.models import (
    AuditEvent,
    Campaign,
    ChecklistItemDefinition,
    IndicatorDefinition,
    Membership,
    Organization,
    ReferenceText,
    User,
)
from reports.tasks import reanalyze_campaign


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    autocomplete_fields = ["organization"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "email", "must_change_password", "is_active"]
    fieldsets = (*UserAdmin.fieldsets, ("首次登录", {"fields": ["must_change_password"]}))


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "school_type", "boarding", "parent"]
    list_filter = ["kind", "school_type", "boarding"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_name", "action", "result", "target", "ip_address"]
    list_filter = ["action", "result"]
    search_fields = ["target", "actor_name", "actor__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "unit", "group", "kind", "policy_min", "policy_max", "order"]
    list_filter = ["group", "kind"]
    search_fields = ["code", "label"]


@admin.register(ChecklistItemDefinition)
class ChecklistItemDefinitionAdmin(admin.ModelAdmin):
    list_display = ["code", "text", "topic", "order"]
    list_filter = ["topic"]
    search_fields = ["code", "text"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """Operators' view of tasks; the bureau edits drafts on its own pages. Edits here are
    audited like those (``campaign_edit`` with ``via: admin``)."""

    list_display = ["title", "period", "topic", "target_unit", "deadline", "status"]
    list_filter = ["status", "topic"]
    readonly_fields = ["created_by", "created_at", "published_at", "closed_at"]
    actions = ["reanalyze"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        audit_record(
            action="campaign_edit" if change else "campaign_create",
            actor=request.user,
            target=obj.title,
            organization=obj.issuer,
            detail={"campaign": obj.pk, "via": "admin", "fields": list(form.changed_data)},
            request=request,
        )

    @admin.action(description="重新分析所选任务的全部报告（后台运行）")
    def reanalyze(self, request, queryset):
        for campaign in queryset:
            try:
                reanalyze_campaign.delay(campaign.pk)
            except Exception:  # broker down: run the (quick) enqueueing here instead
                reanalyze_campaign(campaign.pk)
        self.message_user(request, "已安排重新分析，结果会陆续更新")


@admin.register(ReferenceText)
class ReferenceTextAdmin(admin.ModelAdmin):
    """范文库. Saving (re)indexes the text so new submissions are compared with it."""

    list_display = ["title", "source", "active", "created_by", "created_at"]
    search_fields = ["title", "source", "text"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not obj.created_by_id:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        index_reference(obj)
        _audit_reference(request, "reference_text_edit" if change else "reference_text_create", obj)

    def delete_model(self, request, obj):
        _audit_reference(request, "reference_text_delete", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            _audit_reference(request, "reference_text_delete", obj)
        super().delete_queryset(request, queryset)


def _audit_reference(request, action: str, obj: ReferenceText) -> None:
    """范文库 edits are in the audit log: who added, changed or removed which text."""
    audit_record(
        action=action,
        actor=request.user,
        target=obj.title,
        detail={"reference": obj.pk, "source": obj.source, "active": obj.active},
        request=request,
    )
