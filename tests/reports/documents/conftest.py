"""The prints' tests: LĐ-TB&XH's report of the year, and the HTML of every PDF drawn."""

import pytest

from reports.documents import pdf as pdf_module
from tests.reports.helpers import current_report


@pytest.fixture
def report(plan):
    return current_report(plan, "LDTBXH")


@pytest.fixture
def drawn(monkeypatch):
    """The HTML of every PDF drawn, in order."""
    laid_out = []
    real = pdf_module.render_pdf
    monkeypatch.setattr(pdf_module, "render_pdf", lambda html, **kw: laid_out.append(html) or real(html, **kw))
    return laid_out
