import pytest

from tests.reports.helpers import current_report


@pytest.fixture
def report(plan):
    """This year's report of Phòng Lao động – Thương binh và Xã hội, which the tests of the report page fill in (a
    module needing another report defines its own)."""
    return current_report(plan, "LDTBXH")
