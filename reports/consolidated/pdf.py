"""The consolidated report as a PDF/A in the layout of Decree 30/2020/NĐ-CP, with an empty signature
field over the signer's block so the province's signing software can sign it in place."""

from django.template.loader import render_to_string

from reports.consolidated.document import build_document
from reports.documents.pdf import render_pdf

SIGNATURE_FIELD = "ChuKyNguoiKy"


def consolidated_context(data) -> dict:
    return document_context(build_document(data))


def document_context(doc) -> dict:
    """The template's context for any Document (reports.consolidated.blocks) printed in this layout."""
    return {
        "doc": doc,
        "issuer_line1": doc.issuer_line1,
        "issuer_line2": doc.issuer_line2,
        "superior_line": doc.superior_line,
        "number": doc.number,
        "place_date": doc.place_date,
        "subject": doc.subject,
        "addressee": doc.addressee,
        "recipients": doc.recipients,
        "signer_authority": doc.signer_authority,
        "signer_position": doc.signer_position,
        "signer_name": doc.signer_name,
    }


def consolidated_html(data) -> str:
    return render_to_string("reports/pdf/consolidated.html", consolidated_context(data))


def consolidated_pdf(data) -> bytes:
    return render_pdf(consolidated_html(data), archival=True, signature_field=SIGNATURE_FIELD)
