from django.apps import AppConfig


class ProvinceConfig(AppConfig):
    """The province's view across its plans (the Sở Dân tộc và Tôn giáo and leadership): the app on top, which
    nothing imports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "province"
    verbose_name = "Toàn tỉnh"
