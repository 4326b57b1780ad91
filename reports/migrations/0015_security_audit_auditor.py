"""等保 2.0: the auditor role, the audit row's subject/result/user agent, password expiry and
the single session fields, and on PostgreSQL the trigger that makes the audit log
append-only (see reports/audit.py).

The trigger refuses every UPDATE and DELETE on reports_auditevent except:
- a DELETE inside reports_audit_prune(days) (which sets reports.audit_prune for its own
  statement) of a row older than 180 days — the legal floor, whatever the caller asks;
- the SET NULL of actor_id / organization_id when an account or unit is deleted, nothing
  else changing (actor_name and target keep who and what it was).
SQLite (the `make run` demo) gets no trigger.
"""

from django.db import migrations, models

GUARD = """
CREATE OR REPLACE FUNCTION reports_auditevent_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF current_setting('reports.audit_prune', true) = 'on'
       AND OLD.created_at < now() - interval '180 days' THEN
      RETURN OLD;
    END IF;
  ELSIF (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
    AND (NEW.organization_id IS NULL OR NEW.organization_id = OLD.organization_id)
    AND (to_jsonb(NEW) - 'actor_id' - 'organization_id')
        = (to_jsonb(OLD) - 'actor_id' - 'organization_id') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '审计日志不可修改或删除（%）', TG_OP USING ERRCODE = '42501';
END $$;

CREATE OR REPLACE FUNCTION reports_audit_prune(keep_days integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE removed bigint;
BEGIN
  IF keep_days < 180 THEN
    RAISE EXCEPTION '审计日志至少保留 180 天' USING ERRCODE = '22023';
  END IF;
  PERFORM set_config('reports.audit_prune', 'on', true);
  DELETE FROM reports_auditevent WHERE created_at < now() - make_interval(days => keep_days);
  GET DIAGNOSTICS removed = ROW_COUNT;
  PERFORM set_config('reports.audit_prune', 'off', true);
  RETURN removed;
END $$;

DROP TRIGGER IF EXISTS reports_auditevent_append_only ON reports_auditevent;
CREATE TRIGGER reports_auditevent_append_only
  BEFORE UPDATE OR DELETE ON reports_auditevent
  FOR EACH ROW EXECUTE FUNCTION reports_auditevent_guard();
"""

UNGUARD = """
DROP TRIGGER IF EXISTS reports_auditevent_append_only ON reports_auditevent;
DROP FUNCTION IF EXISTS reports_audit_prune(integer);
DROP FUNCTION IF EXISTS reports_auditevent_guard();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


def backfill_actor_name(apps, schema_editor):
    """Rows written before this migration name their actor by username too."""
    AuditEvent = apps.get_model("reports", "AuditEvent")
    for event in AuditEvent.objects.filter(actor__isnull=False).select_related("actor"):
        AuditEvent.objects.filter(pk=event.pk).update(actor_name=event.actor.username)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0014_rectification_history_campaign_doc'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='membership',
            name='membership_role_valid',
        ),
        migrations.AddField(
            model_name='auditevent',
            name='actor_name',
            field=models.CharField(blank=True, default='', max_length=150, verbose_name='操作账号'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='result',
            field=models.CharField(choices=[('success', '成功'), ('failure', '失败')], default='success', max_length=16, verbose_name='结果'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='user_agent',
            field=models.CharField(blank=True, default='', max_length=255, verbose_name='浏览器'),
        ),
        migrations.AddField(
            model_name='user',
            name='password_changed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='密码修改时间'),
        ),
        migrations.AddField(
            model_name='user',
            name='session_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=40),
        ),
        migrations.AlterField(
            model_name='membership',
            name='role',
            field=models.CharField(choices=[('submitter', '填报员'), ('reviewer', '审核员'), ('supervisor', '上级查看'), ('admin', '管理员'), ('auditor', '审计员')], max_length=16, verbose_name='角色'),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.CheckConstraint(condition=models.Q(('result__in', ['success', 'failure'])), name='auditevent_result_valid'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['submitter', 'reviewer', 'supervisor', 'admin', 'auditor'])), name='membership_role_valid'),
        ),
        migrations.RunPython(backfill_actor_name, migrations.RunPython.noop),
        migrations.RunPython(_on_postgresql(GUARD), _on_postgresql(UNGUARD)),
    ]
