"""PDF documents in the official layout of Decree 30/2020/NĐ-CP, rendered by WeasyPrint."""


def issuer_lines(body: str) -> tuple[str, str]:
    """'Ủy ban nhân dân huyện Bình Sơn' → ('ỦY BAN NHÂN DÂN', 'HUYỆN BÌNH SƠN')."""
    prefix = "Ủy ban nhân dân "
    if body.startswith(prefix):
        return "ỦY BAN NHÂN DÂN", body[len(prefix) :].upper()
    return "", body.upper()


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: it costs about a second per process

    return HTML(string=html, base_url=".").write_pdf()
