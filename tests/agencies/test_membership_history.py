"""An agency and a staff member's membership keep their history (simple-history): an administrator moving a user
to another agency in the admin, from the user's page or the membership's own, leaves who, when, the old and the
new agency, shown in the admin's "Lịch sử" (issue 17: the move left no trace but the admin log's sentence)."""

from agencies.models import Agency, Membership
from tests.reports.helpers import rendered_form_data


def _post_back(client, url, change):
    data = rendered_form_data(client.get(url).content.decode())
    data.update(change)
    data.pop("_addanother", None), data.pop("_continue", None), data.pop("_saveasnew", None)
    for many in ("groups", "user_permissions"):  # a multiple select with nothing chosen posts nothing
        if data.get(many) == "":
            data.pop(many)
    response = client.post(url, data)
    assert response.status_code == 302


def test_moving_a_user_on_the_user_page_keeps_who_when_old_and_new_agency(client, cast):
    client.force_login(cast["quantri"])
    user = cast["canbo.binhan"]
    membership = Membership.objects.get(user=user)
    old = membership.agency
    new = Agency.objects.active().exclude(pk=old.pk).get(code="UBND-BK")
    url = f"/quan-tri/auth/user/{user.pk}/change/"
    data = rendered_form_data(client.get(url).content.decode())
    agency_field = next(key for key in data if key.startswith("membership") and key.endswith("-agency"))
    _post_back(client, url, {agency_field: str(new.pk)})
    after, before = Membership.history.filter(id=membership.pk).order_by("-history_id")[:2]
    assert (before.agency_id, after.agency_id) == (old.pk, new.pk)
    assert after.history_user == cast["quantri"] and after.history_type == "~"
    page = client.get(f"/quan-tri/agencies/membership/{membership.pk}/history/").content.decode()
    assert "Lịch sử" in page and cast["quantri"].username in page
    assert old.name in page and new.name in page  # the change, old → new, on the history page


def test_moving_a_user_on_the_membership_page_keeps_its_history(client, cast):
    client.force_login(cast["quantri"])
    membership = Membership.objects.get(user=cast["canbo.binhan"])
    old = membership.agency
    new = Agency.objects.get(code="UBND-BK")
    _post_back(client, f"/quan-tri/agencies/membership/{membership.pk}/change/", {"agency": str(new.pk)})
    after, before = Membership.history.filter(id=membership.pk).order_by("-history_id")[:2]
    assert (before.agency_id, after.agency_id) == (old.pk, new.pk)
    assert after.history_user == cast["quantri"]
    page = client.get(f"/quan-tri/agencies/membership/{membership.pk}/history/").content.decode()
    assert old.name in page and new.name in page and cast["quantri"].username in page
    assert ">Thay đổi</th>" in page and "Chọn một thời điểm trong danh sách" in page
    record = client.get(f"/quan-tri/agencies/membership/{membership.pk}/history/{after.history_id}/")
    assert "Bấm nút “Khôi phục” bên dưới" in record.content.decode()
    for english in ("Choose a date", ">Changes<", "Press the 'Revert'"):  # simple-history's, untranslated
        assert english not in page + record.content.decode(), english


def test_an_agency_renamed_in_the_admin_keeps_its_old_name(client, cast):
    client.force_login(cast["quantri"])
    agency = Agency.objects.get(code="UBND-BK")
    old_name = agency.name
    _post_back(client, f"/quan-tri/agencies/agency/{agency.pk}/change/", {"name": "Ủy ban nhân dân xã Bình Khương mới"})
    after, before = Agency.history.filter(id=agency.pk).order_by("-history_id")[:2]
    assert (before.name, after.name) == (old_name, "Ủy ban nhân dân xã Bình Khương mới")
    assert after.history_user == cast["quantri"]
    page = client.get(f"/quan-tri/agencies/agency/{agency.pk}/history/").content.decode()
    assert old_name in page and cast["quantri"].username in page
