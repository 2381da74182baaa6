"""Agencies named in a plan, and the staff membership that ties a user to one agency."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


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
    governing_body = models.CharField(
        "cơ quan chủ quản",
        max_length=255,
        blank=True,
        help_text="In ở dòng trên tên đơn vị trong tiêu đề báo cáo của đơn vị (Nghị định 30/2020/NĐ-CP), ví dụ "
        "“Sở Y tế tỉnh Quảng Ngãi”. Để trống: theo loại đơn vị (phòng, trung tâm: cơ quan giữ kế hoạch trong năm; "
        "sở: UBND tỉnh).",
    )
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
    history = HistoricalRecords()  # its names, kind, whether it works and its successor as they were, who changed them

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

    # which agency a person belonged to when, and who moved them (in the admin, or a reorganisation)
    history = HistoricalRecords()

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


class ReorganisationKind(models.TextChoices):
    RENAME = "rename", "Đổi tên"
    MERGE = "merge", "Sáp nhập, hợp nhất"
    SPLIT = "split", "Chia tách"
    TRANSFER = "transfer", "Chuyển giao nhiệm vụ, chỉ tiêu"
    DISSOLUTION = "dissolution", "Giải thể"


# After these the predecessors no longer exist; a transfer leaves its predecessor in place.
ENDING_KINDS = {ReorganisationKind.RENAME, ReorganisationKind.MERGE, ReorganisationKind.SPLIT,
                ReorganisationKind.DISSOLUTION}  # fmt: skip


class Reorganisation(models.Model):
    """Agencies renamed, merged, split, dissolved, or some of their tasks and targets handed over, from a date.

    The plan's own assignments are never rewritten: who holds a task or target on a date is derived from
    them through the reorganisations in force on that date (agencies/lineage.py)."""

    code = models.SlugField("mã", max_length=60, unique=True, help_text="Mã trong tệp sắp xếp, để nạp lại tệp.")
    kind = models.CharField("hình thức", max_length=20, choices=ReorganisationKind.choices)
    effective_on = models.DateField("có hiệu lực từ ngày")
    legal_basis = models.TextField("căn cứ pháp lý", help_text="Văn bản quyết định việc sắp xếp: số, ngày, cơ quan.")
    note = models.TextField("ghi chú", blank=True)
    applied_at = models.DateTimeField(
        "đã áp dụng lúc",
        null=True,
        blank=True,
        editable=False,
        help_text="Lúc cán bộ được chuyển sang đơn vị kế thừa và đơn vị cũ ngừng hoạt động.",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["effective_on", "pk"]
        verbose_name = "sắp xếp tổ chức"
        verbose_name_plural = "sắp xếp tổ chức"

    def __str__(self):
        return f"{self.get_kind_display()} từ ngày {self.effective_on:%d/%m/%Y} ({self.code})"

    @property
    def ends_predecessors(self) -> bool:
        return self.kind in ENDING_KINDS


class ReorganisationPredecessor(models.Model):
    reorganisation = models.ForeignKey(
        Reorganisation, verbose_name="sắp xếp", on_delete=models.CASCADE, related_name="predecessor_links"
    )
    agency = models.ForeignKey(
        Agency, verbose_name="đơn vị trước sắp xếp", on_delete=models.PROTECT, related_name="reorganised_from"
    )

    class Meta:
        ordering = ["reorganisation", "pk"]
        verbose_name = "đơn vị trước sắp xếp"
        verbose_name_plural = "đơn vị trước sắp xếp"
        constraints = [models.UniqueConstraint(fields=["reorganisation", "agency"], name="one_predecessor_link")]

    def __str__(self):
        return str(self.agency)


class ReorganisationSuccessor(models.Model):
    reorganisation = models.ForeignKey(
        Reorganisation, verbose_name="sắp xếp", on_delete=models.CASCADE, related_name="successor_links"
    )
    agency = models.ForeignKey(
        Agency, verbose_name="đơn vị sau sắp xếp", on_delete=models.PROTECT, related_name="reorganised_into"
    )
    is_main = models.BooleanField(
        "tiếp nhận phần còn lại",
        default=False,
        help_text="Chia tách: đơn vị nhận các nhiệm vụ, chỉ tiêu không nêu riêng và cán bộ của đơn vị cũ.",
    )

    class Meta:
        ordering = ["reorganisation", "-is_main", "pk"]
        verbose_name = "đơn vị sau sắp xếp"
        verbose_name_plural = "đơn vị sau sắp xếp"
        constraints = [models.UniqueConstraint(fields=["reorganisation", "agency"], name="one_successor_link")]

    def __str__(self):
        return str(self.agency)


class ReorganisationMove(models.Model):
    """In a split, transfer or dissolution: one task (the plan's section where the predecessor is assigned)
    or one target, and an agency that takes it."""

    reorganisation = models.ForeignKey(
        Reorganisation, verbose_name="sắp xếp", on_delete=models.CASCADE, related_name="moves"
    )
    section = models.ForeignKey(
        "tasks.Section", verbose_name="nhiệm vụ", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target = models.ForeignKey(
        "targets.Target", verbose_name="chỉ tiêu", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(Agency, verbose_name="giao cho", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reorganisation", "pk"]
        verbose_name = "nhiệm vụ, chỉ tiêu chuyển giao"
        verbose_name_plural = "nhiệm vụ, chỉ tiêu chuyển giao"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(section__isnull=False, target__isnull=True)
                | models.Q(section__isnull=True, target__isnull=False),
                name="move_names_a_section_or_a_target",
            ),
            models.UniqueConstraint(fields=["reorganisation", "section", "agency"], name="one_section_move"),
            models.UniqueConstraint(fields=["reorganisation", "target", "agency"], name="one_target_move"),
        ]

    def __str__(self):
        return f"{self.section or self.target} → {self.agency.short_name}"


class MembershipMove(models.Model):
    """A staff account moved from an agency to its successor by a reorganisation: who, from where, to where, when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người dùng", on_delete=models.CASCADE, related_name="membership_moves"
    )
    from_agency = models.ForeignKey(Agency, verbose_name="từ đơn vị", on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, verbose_name="sang đơn vị", on_delete=models.PROTECT, related_name="+")
    reorganisation = models.ForeignKey(
        Reorganisation, verbose_name="theo sắp xếp", on_delete=models.PROTECT, related_name="membership_moves"
    )
    moved_at = models.DateTimeField("chuyển lúc", default=timezone.now)

    class Meta:
        ordering = ["-moved_at", "pk"]
        verbose_name = "chuyển cán bộ theo sắp xếp"
        verbose_name_plural = "chuyển cán bộ theo sắp xếp"
        constraints = [models.UniqueConstraint(fields=["user", "reorganisation"], name="one_move_per_reorganisation")]

    def __str__(self):
        return f"{self.user}: {self.from_agency.short_name} → {self.to_agency.short_name}"


class KnownDevice(models.Model):
    """A browser an account signed in from (agencies/throttling.py, README "Logins and sessions"): the browser keeps
    the key in a signed cookie; its owner's sign-ins from it are judged on this row's own count of wrong passwords,
    not on the locks of the address it shares with an office, so a colleague behind the same address cannot lock
    her out of her own machine."""

    key = models.CharField("mã trình duyệt", max_length=43, db_index=True)
    username = models.CharField("tên đăng nhập", max_length=150)
    signed_in_at = models.DateTimeField("đăng nhập lần cuối lúc", default=timezone.now)
    failures = models.PositiveIntegerField("số lần sai liên tiếp", default=0)
    failed_at = models.DateTimeField("sai lần cuối lúc", null=True, blank=True)

    class Meta:
        verbose_name = "trình duyệt đã đăng nhập"
        verbose_name_plural = "trình duyệt đã đăng nhập"
        constraints = [models.UniqueConstraint(fields=["key", "username"], name="one_known_device_per_account")]

    def __str__(self):
        return f"{self.username} ({self.signed_in_at:%d/%m/%Y})"
