"""A season's load: the week before 05/12, 50 people at once in a district, 200 in the province (loadtest/run.sh
starts it).

Staff open their agency's report and save it; reviewers go through their plan's queue, open submitted reports and
look at the dashboard; viewers read the dashboard and target pages; anonymous visitors read the public page and the
open-data API. With the province's cast, the Sở (a reviewer of every plan) and leaders also read the province view
(/tinh/) and the indicator API, and the reviewers' queues, dashboards and target pages are spread over every plan.
LOAD_CAST names the JSON written by loadtest/prepare.py (its `people`: how many of each class below; a class it
does not name stays out); LOAD_THINK is the mean pause between two pages of one person in seconds (0: no pause, to
find the saturation throughput).
"""

import itertools
import json
import os
import random
from urllib.parse import urlsplit

from form_reader import FormReader  # beside this file (locust puts its folder on the path)
from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser
from requests.cookies import create_cookie

CAST = json.loads(open(os.environ["LOAD_CAST"], encoding="utf-8").read())
THINK = float(os.environ.get("LOAD_THINK", "3"))
STAFF = itertools.count()  # the n-th staff member takes the n-th editable report
SESSIONS = {role: iter(CAST.get(role, [])) for role in ("viewers", "department", "leaders")}
REVIEWERS = iter(CAST["reviewers"])
PLANS = CAST["plans"]
YEAR = CAST["year"]


def any_plan() -> str:
    return random.choice(list(PLANS))


class Person(FastHttpUser):
    """Someone already signed in (loadtest/prepare.py made the session), as in the middle of a working day."""

    abstract = True
    wait_time = between(THINK / 2, THINK * 1.5) if THINK else constant(0)
    role = ""

    def on_start(self):
        self.sign_in(next(SESSIONS[self.role]))

    def sign_in(self, session_key):
        self.client.cookiejar.set_cookie(create_cookie("sessionid", session_key, domain=urlsplit(self.host).hostname))

    def get(self, url, name):
        return self.client.get(url, name=name)


class Staff(Person):
    """Opens the agency's report, types, saves; opens it again (the page a save leads back to), and so on.
    One person per editable report; a staff member beyond them (a second person of an agency) only reads."""

    def on_start(self):
        number = next(STAFF)
        cast = CAST["staff"][number % len(CAST["staff"])]
        self.report, self.saves = cast["report"], number < len(CAST["staff"])
        self.sign_in(cast["session"])

    @task
    def open_and_save(self):
        page = self.get(self.report, "báo cáo: mở")
        if not self.saves:
            return
        self.wait()  # typing
        reader = FormReader()
        reader.feed(page.text)
        data = reader.data | {"action": "save"}
        data["difficulties"] = f"Khó khăn cập nhật lúc {random.randint(1, 10**6)}."
        with self.client.post(
            self.report, data=data, headers={"Referer": f"{self.host}{self.report}"},
            name="báo cáo: lưu", allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 302:  # saved: back to the report; anything else kept nothing
                response.failure(f"lưu không thành công: {response.status_code}")


class Reviewer(Person):
    """A reviewer of one plan (the district: five people on Bình Sơn's; the province: one per plan)."""

    def on_start(self):
        cast = next(REVIEWERS)
        self.plan = cast["plan"]
        self.sign_in(cast["session"])

    @task(2)
    def queue(self):
        self.get(f"/ke-hoach/{self.plan}/tham-dinh/", "hàng chờ thẩm định")

    @task(2)
    def dashboard(self):
        self.get(f"/bang-dieu-khien/{self.plan}/{YEAR}/", "bảng điều khiển")

    @task(1)
    def open_submitted(self):
        report = random.choice(PLANS[self.plan]["queue"] or PLANS[self.plan]["reports"])
        self.get(f"/ke-hoach/{self.plan}/bao-cao/{report}/", "báo cáo: thẩm định")


class Viewer(Person):
    role = "viewers"

    @task(1)
    def dashboard(self):
        plan = any_plan()
        self.get(f"/bang-dieu-khien/{plan}/{YEAR}/", "bảng điều khiển")

    @task(2)
    def target(self):
        plan = any_plan()
        self.get(f"/ke-hoach/{plan}/chi-tieu/{random.choice(PLANS[plan]['targets'])}/", "trang chỉ tiêu")


class Department(Person):
    """The Sở Dân tộc và Tôn giáo, a reviewer of every plan: the province view, the indicators, any plan's queue."""

    role = "department"

    @task(2)
    def province(self):
        self.get(f"/tinh/?year={YEAR}", "toàn tỉnh (/tinh/)")

    @task(1)
    def indicators(self):
        self.get(f"/api/indicators/?year={YEAR}", "API: chỉ số")

    @task(1)
    def queue(self):
        self.get(f"/ke-hoach/{any_plan()}/tham-dinh/", "hàng chờ thẩm định")

    @task(1)
    def dashboard(self):
        self.get(f"/bang-dieu-khien/{any_plan()}/{YEAR}/", "bảng điều khiển")


class Leader(Viewer):
    """The province's leadership: the province view and the indicators besides every plan's dashboard and targets."""

    role = "leaders"

    @task(2)
    def province(self):
        self.get(f"/tinh/?year={YEAR}", "toàn tỉnh (/tinh/)")

    @task(1)
    def indicators(self):
        self.get(f"/api/indicators/?year={YEAR}", "API: chỉ số")


class Visitor(FastHttpUser):
    wait_time = Person.wait_time

    @task(2)
    def public_page(self):
        self.client.get(f"/cong-khai/{any_plan()}/", name="trang công khai")

    @task(1)
    def progress_api(self):
        self.client.get(f"/api/plans/{any_plan()}/progress/?year={YEAR}", name="API: tiến độ")

    @task(1)
    def plan_api(self):
        self.client.get(f"/api/plans/{any_plan()}/", name="API: kế hoạch")


# Each class's head count in this cast; a class the cast does not name is left out.
for user_class in (Staff, Reviewer, Viewer, Department, Leader, Visitor):
    user_class.fixed_count = CAST["people"].get(user_class.__name__, 0)
    user_class.abstract = not user_class.fixed_count
del user_class  # locust would take the name for one more class
