"""Fixtures of the offline-entry tests: a report of the year and its agency's staff, signed in."""

import pytest

from tests.reports.helpers import current_report


@pytest.fixture
def report(plan):
    return current_report(plan, "LDTBXH")


@pytest.fixture
def owner(client, cast):
    client.force_login(cast["canbo.ldtbxh"])
    return client
