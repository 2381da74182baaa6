"""Agencies named in a plan, and the staff membership that ties a user to one agency."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db import models
from django.urls import reverse


class AgencyKind(models.TextChoices):
    DISTRICT_OFFICE = "district_office", "Văn phòng huyện"
    SPECIALISED_OFFICE = "specialised_office", "Cơ quan chuyên môn"
    CENTRE = "centre", "Trung tâm, đơn vị sự nghiệp"
    PARTY_MASS = "party_mass", "Cơ quan Đảng, Mặt trận và đoàn thể"
    ARMED_FORCES = "armed_forces", "Lực lượng vũ trang, công an"
    BANK_INSURANCE = "bank_insurance", "Ngân hàng, bảo hiểm"
    COMMUNE = "commune", "Ủy ban nhân dân xã"
    PROVINCIAL = "provincial", "Cơ quan cấp tỉnh"


class AgencyQuerySet(models.QuerySet):
    def active(self):
        """Agencies that still exist under their own name."""
        return self.filter(is_active=True)


class Agency(models.Model):
    code = models.SlugField("mã", max_length=32, unique=True)
    name = models.CharField("tên đầy đủ", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=100)
    symbol = models.CharField(
        "chữ viết tắt trên văn bản",
        max_length=20,
        blank=True,
        help_text="Dùng trong số, ký hiệu văn bản, ví dụ …/BC-LĐTBXH. Để trống: dùng mã.",
    )
    kind = models.CharField("loại", max_length=32, choices=AgencyKind.choices)
    is_active = models.BooleanField("đang hoạt động", default=True)
    successor = models.ForeignKey(
        "self",
        verbose_name="đơn vị kế thừa",
        help_text="Khi đơn vị đổi tên hoặc sáp nhập: đơn vị tiếp nhận nhiệm vụ.",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "cơ quan, đơn vị"
        verbose_name_plural = "cơ quan, đơn vị"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agencies:detail", args=[self.code])

    @property
    def document_symbol(self) -> str:
        """The abbreviation in a document's number, as the agency writes it: "LĐTBXH" in "…/BC-LĐTBXH"."""
        return self.symbol or self.code


class Membership(models.Model):
    """A staff user belongs to exactly one agency."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="người dùng",
        on_delete=models.CASCADE,
        related_name="membership",
    )
    agency = models.ForeignKey(Agency, verbose_name="cơ quan, đơn vị", on_delete=models.PROTECT, related_name="members")

    class Meta:
        verbose_name = "cán bộ của đơn vị"
        verbose_name_plural = "cán bộ của đơn vị"

    def __str__(self):
        return f"{self.user} – {self.agency.short_name}"


class LoginLockout(AccessAttempt):
    """Wrong passwords recorded by django-axes (per account and address), under Vietnamese names for the
    admin, where deleting the rows unlocks at once."""

    class Meta:
        proxy = True
        verbose_name = "lần đăng nhập sai"
        verbose_name_plural = "khóa đăng nhập (lần đăng nhập sai)"
