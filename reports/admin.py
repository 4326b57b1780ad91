"""The Django admin is for operators; bureau staff get scoped pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from reports.models import AuditEvent, Membership, Organization, User


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
    list_display = ["created_at", "actor", "action", "target", "ip_address"]
    list_filter = ["action"]
    search_fields = ["target", "actor__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
