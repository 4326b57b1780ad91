"""Accounts and the org tree: users, units (省 → 市 → 县 → 学区 → 学校), memberships."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Concat, Left, Length, Substr
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from reports.analysis.names import MAX_NAME_CHARS, OFFICE_SUFFIXES, REGULAR_NAME
from reports.choices import (
    OrgKind,
    Role,
    SchoolType,
)

#: ``Organization.match_name``: the name a text uses for the unit (``names.place_name``:
#: 白水县教育局 → 白水县; a school by its full name). Computed by the database, so every
#: write path (save, bulk_create, update, the import) keeps it right.
MATCH_NAME = models.Case(
    models.When(kind=OrgKind.SCHOOL, then=models.F("name")),
    *(
        models.When(name__endswith=suffix, then=Left("name", Length("name") - len(suffix)))
        for suffix in OFFICE_SUFFIXES
    ),
    default=models.F("name"),
)
#: the units ``names.candidate_names`` cannot find (``names.is_odd_name``), read on every
#: lookup through their own small partial index (a two-clause condition: the planner proves
#: it at once). Changing the suffixes or separators changes it: ``makemigrations --check``
#: then asks for a migration.
ODD_NAME = ~Q(match_name__regex=REGULAR_NAME) | Q(GreaterThan(Length("match_name"), MAX_NAME_CHARS))


class User(AbstractUser):
    """A portal account. ``must_change_password`` is set on accounts created by import.

    ``password_changed_at`` is stamped by ``save`` whenever ``set_password`` was called
    (the password expiry counts from it, from ``date_joined`` when empty);
    ``session_key`` is the one session allowed when ``SINGLE_SESSION`` is on.
    """

    must_change_password = models.BooleanField("首次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    session_key = models.CharField(max_length=40, blank=True, default="", editable=False)

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"

    def save(self, *args, **kwargs) -> None:
        if self._password is not None:  # set_password was called since the last save
            self.password_changed_at = timezone.now()
            fields = kwargs.get("update_fields")
            if fields is not None and "password" in fields:
                kwargs["update_fields"] = {*fields, "password_changed_at"}
        super().save(*args, **kwargs)

    @property
    def membership_or_none(self) -> Membership | None:
        try:
            return self.membership
        except Membership.DoesNotExist:
            return None


class Organization(models.Model):
    """A node of the 省 → 市 → 县(区) → (学区/镇) → 学校 tree.

    ``path`` is a materialised path of primary keys (``/1/7/42/``) kept by ``save``; a
    subtree is ``path__startswith``, one indexed query whatever the depth.
    """

    name = models.CharField("单位名称", max_length=200)
    code = models.CharField(
        "单位代码", max_length=32, unique=True, help_text="学校为10位学校标识码"
    )
    kind = models.CharField("单位类型", max_length=16, choices=OrgKind.choices)
    school_type = models.CharField(
        "学段", max_length=16, choices=SchoolType.choices, blank=True, default=""
    )
    boarding = models.BooleanField("寄宿制", default=False)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # db_index on a CharField also gets a varchar_pattern_ops index on PostgreSQL, which
    # serves the ``LIKE '/1/7/%'`` of a subtree query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    # 套用他校 looks a text's candidate spans up here (reports.peers.other_unit_names).
    match_name = models.GeneratedField(
        expression=MATCH_NAME,
        output_field=models.CharField(max_length=200),
        db_persist=True,
        verbose_name="文中名称",
    )

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["match_name"], name="organization_match_name"),
            models.Index(fields=["match_name"], condition=ODD_NAME, name="organization_odd_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrgKind.values), name="organization_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(school_type="") | Q(kind=OrgKind.SCHOOL),
                name="organization_school_type_only_for_schools",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id else "/"
        new_path = f"{parent_path}{self.pk}/"
        if new_path == old_path:
            return
        if self.parent_id and (parent_path.startswith(old_path) and old_path):
            raise ValueError("单位不能挂在自己的下级单位之下")
        new_depth = new_path.count("/") - 2
        Organization.objects.filter(pk=self.pk).update(path=new_path, depth=new_depth)
        if old_path:
            # Move the whole subtree along with this node.
            Organization.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(models.Value(new_path), Substr("path", len(old_path) + 1)),
                depth=models.F("depth") + (new_depth - self.depth),
            )
        self.path, self.depth = new_path, new_depth

    @property
    def is_school(self) -> bool:
        return self.kind == OrgKind.SCHOOL

    def ancestor_ids(self) -> list[int]:
        """Primary keys from the root down to this unit's parent (no query)."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]


class Membership(models.Model):
    """Gives one user one role at one unit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE
    )
    organization = models.ForeignKey(
        Organization, verbose_name="单位", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = "角色分配"
        verbose_name_plural = "角色分配"
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"
