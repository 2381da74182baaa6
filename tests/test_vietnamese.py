"""Vietnamese everywhere: Django's own messages (password rules, form and model errors, admin) where its
Vietnamese catalogue has gaps, from the project's locale/vi; the password page and the user menu."""

import gettext
import re
from pathlib import Path

import django
from django.conf import global_settings, settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"
DJANGO = Path(django.__file__).parent
# English source catalogues of what a person can meet: forms, models, validators, pagination, auth, admin.
SOURCES = ["conf/locale", "contrib/auth/locale", "contrib/admin/locale"]
SAME_IN_VIETNAMESE = {"…", "IPv4", "IPv6", ":?.!", ":", ", ", "%(truncated_text)s…", "%(class_name)s %(instance)s"}
SAME_IN_VIETNAMESE |= {f"%s {unit}" for unit in ("KB", "MB", "GB", "TB", "PB")}
# Never in front of a person here: language names (one language), the welcome page of a project without URLs,
# Django's CSRF page (the portal has its own: CSRF_FAILURE_VIEW), the syndication app's name.
NEVER_SHOWN = ["conf/global_settings.py", "views/templates/default_urlconf.html", "contrib/syndication/"]
if settings.CSRF_FAILURE_VIEW != global_settings.CSRF_FAILURE_VIEW:
    NEVER_SHOWN += ["views/csrf.py", "views/templates/csrf_403.html"]


def po_field(block: str, name: str) -> str | None:
    found = re.search(rf'^{name} ((?:".*"\n?)+)', block + "\n", re.M)
    text = "".join(re.findall(r'"(.*)"', found.group(1))) if found else None
    return text.replace('\\"', '"').replace("\\n", "\n") if text is not None else None


def po_entries(path: Path):
    """(context, msgid, plural, msgstr, where it is used) of a .po file, strings unescaped."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if po_field(block, "msgid"):
            fields = ("msgctxt", "msgid", "msgid_plural", r"msgstr(?:\[0\])?")
            used_in = re.findall(r"^#: (.*)$", block, re.M)
            yield *(po_field(block, name) for name in fields), " ".join(used_in).split()


def never_shown(used_in: list[str]) -> bool:
    return bool(used_in) and all(any(place in use for place in NEVER_SHOWN) for use in used_in)


def test_the_compiled_catalogue_matches_its_source():
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    entries = list(po_entries(LOCALE / "django.po"))
    assert len(entries) > 100
    for context, msgid, plural, msgstr, _ in entries:
        key = f"{context}\x04{msgid}" if context else msgid
        found = compiled.ngettext(key, plural, 1) if plural else compiled.gettext(key)
        assert found == msgstr, f"locale/vi/LC_MESSAGES/django.mo is out of date for “{msgid}”: run msgfmt"


def test_every_django_message_a_person_can_meet_is_vietnamese():
    untranslated = []
    with translation.override("vi"):
        for source in SOURCES:
            for context, msgid, plural, _, used_in in po_entries(DJANGO / source / "en" / "LC_MESSAGES" / "django.po"):
                if msgid in SAME_IN_VIETNAMESE or never_shown(used_in):
                    continue
                if plural:
                    shown = (
                        translation.npgettext(context, msgid, plural, 5)
                        if context
                        else translation.ngettext(msgid, plural, 5)
                    )
                    english = plural
                else:
                    shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                    english = msgid
                if shown == english:
                    untranslated.append(f"{source}: {msgid}")
    assert untranslated == []


def test_password_rules_and_errors_are_vietnamese(client, cast):
    client.force_login(cast["canbo.gddt"])
    page = client.get("/doi-mat-khau/").content.decode()
    assert "Mật khẩu của bạn phải chứa ít nhất 8 ký tự." in page
    response = client.post(
        "/doi-mat-khau/", {"old_password": "binhson-demo", "new_password1": "a1b2", "new_password2": "a1b2"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in page
    assert "too short" not in page and "This password" not in page


def test_the_user_menu_has_a_link_to_change_the_password(client, cast):
    for name in ("canbo.gddt", "vanphong", "lanhdao"):
        client.force_login(cast[name])
        page = client.get("/ke-hoach/").content.decode()
        assert re.search(r'<nav.*<a [^>]*href="/doi-mat-khau/"[^>]*>Đổi mật khẩu</a>.*</nav>', page, re.S), name
