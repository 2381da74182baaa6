"""The 30th probe: a .docx or .xlsx carrying an Office web add-in (webextensions/ parts, its task pane set to open
with the document, from a catalog on a share or the Office Store) and a .docx whose "online video" embeds any web
page were accepted as evidence. Both run or show what comes from elsewhere: refused, next to the field, the typed
text kept; the same documents without them are accepted (test_evidence.py, libreoffice.docx/.xlsx)."""

import pytest

from tests.reports.editing.test_evidence import SAVED, assert_refused

ADD_IN = "có phần bổ trợ web (Office Add-in) gắn kèm, có thể tự mở khi mở tệp: không nhận"
FETCHES = "có trường hoặc công thức lấy nội dung từ tệp hoặc địa chỉ bên ngoài"


@pytest.mark.parametrize(
    ("file", "name", "message"),
    [
        ("probe30-webaddin-office-store.docx", "bao-cao.docx", ADD_IN),
        ("probe30-webaddin-share-catalog.docx", "bao-cao-2.docx", ADD_IN),
        ("probe30-webaddin-share-catalog.xlsx", "so-lieu.xlsx", ADD_IN),
        ("probe30-online-video-iframe.docx", "video.docx", FETCHES),
    ],
)
def test_an_office_file_with_a_web_add_in_or_a_web_page_inside_is_refused(
    client, cast, report, tmp_path, settings, file, name, message
):
    settings.MEDIA_ROOT = tmp_path
    assert_refused(client, cast, report, tmp_path, name, (SAVED / file).read_bytes(), message)
