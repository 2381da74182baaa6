"""Who reviews (or reads) which plan: a reviewer is appointed to one plan, or to every plan of the province."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from tasks.models import Plan


class PlanRoleKind(models.TextChoices):
    REVIEWER = "reviewer", "Thẩm định"
    VIEWER = "viewer", "Theo dõi (chỉ xem)"


class PlanRole(models.Model):
    """A reviewer (group "Văn phòng huyện (thẩm định)") reviews exactly the plans of their rows; a row without a plan
    is every plan of the province (the Sở Dân tộc và Tôn giáo). A viewer reads every plan unless rows restrict them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người dùng", on_delete=models.CASCADE, related_name="plan_roles"
    )
    role = models.CharField("vai trò", max_length=20, choices=PlanRoleKind.choices)
    plan = models.ForeignKey(
        Plan,
        verbose_name="kế hoạch",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="roles",
        help_text="Để trống: mọi kế hoạch của tỉnh.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "role", "plan"]
        verbose_name = "phân công theo kế hoạch"
        verbose_name_plural = "phân công theo kế hoạch"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "plan"], name="one_plan_role"),
            models.UniqueConstraint(fields=["user", "role"], condition=models.Q(plan=None), name="one_every_plan_role"),
        ]

    def __str__(self):
        where = self.plan.title if self.plan_id else "mọi kế hoạch của tỉnh"
        return f"{self.user}: {self.get_role_display().lower()} – {where}"
