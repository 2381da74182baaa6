"""Browser pass 39: the agency's printed report named none of the evidence its page and its workbook list. Each
task's files are named under it, so the signed paper says what stands behind it; the PDF kept for the old content
is not served once a file is added."""

import subprocess

from tests.test_files_on_s3 import upload_evidence


def printed_text(client, report) -> str:
    response = client.get(f"/bao-cao/{report.pk}/in/")
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


def test_each_tasks_evidence_is_named_in_the_print(client, cast, plan, settings, tmp_path, drawn):
    settings.MEDIA_ROOT = tmp_path
    report, evidence = upload_evidence(client, cast, plan, name="bien-ban-hop-thon.pdf")
    task = evidence.entry.section.code
    before = printed_text(client, report)
    assert "Minh chứng kèm theo (1 tệp, xem trên Cổng): bien-ban-hop-thon.pdf." in before
    assert before.index(task) < before.index("bien-ban-hop-thon.pdf")  # under its task
    upload_evidence(client, cast, plan, name="danhsachho.pdf")  # pdftotext joins a hyphen at a line end
    after = printed_text(client, report)
    assert "Minh chứng kèm theo (2 tệp, xem trên Cổng): bien-ban-hop-thon.pdf; danhsachho.pdf." in after
    assert len(drawn) == 2  # drawn anew: the content changed
