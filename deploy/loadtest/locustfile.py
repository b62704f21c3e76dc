"""Fifty staff of two stations at work, for `make loadtest` (deploy/loadtest/run.sh starts everything).

Each simulated user logs in through the site's login form (CSRF token and all) as one of the staff that
`manage.py loadtest --prepare` made, then does what the desk does: the board, the people list and its
searches, a file, an arrival, a service, a portrait from the webcam (real test portraits, so the quality
check and the encoding run), a family report with a family photo; the supervisors also review candidates.
Beside them, two programs of a partner system (a tracing hotline) file family reports with a photo by
the partner API and read their status: the API's report has the desk's goal.

Environment: LOADTEST_PASSWORD, LOADTEST_FRAMES (640x480 frames), LOADTEST_PHOTOS (tests/faces),
LOADTEST_MAX_REQUESTS (the run stops there, whatever its time), LOADTEST_API_TOKEN_FILE (the partner's
key, from `manage.py loadtest --prepare --api-token`; without it no partner runs).
"""

import itertools
import os
import random
import re
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "homeward-demo")
FRAMES = sorted(Path(os.environ.get("LOADTEST_FRAMES", "var/loadtest/frames")).glob("*.jpg"))
PHOTOS = [Path(os.environ.get("LOADTEST_PHOTOS", "tests/faces")) / f"{n}.jpg" for n in ("obama_3", "biden_2", "leslie_1")]
MAX_REQUESTS = int(os.environ.get("LOADTEST_MAX_REQUESTS", "20000"))
API_TOKEN_FILE = Path(os.environ.get("LOADTEST_API_TOKEN_FILE", "var/loadtest/api-token"))
# 20 desk staff and 5 supervisors per station, as manage.py loadtest --prepare makes them.
ACCOUNTS = itertools.cycle(
    [f"lt-{s}-reception-{n:02}" for n in range(1, 21) for s in ("gz", "fs")]
    + [f"lt-{s}-supervisor-{n:02}" for n in range(1, 6) for s in ("gz", "fs")]
)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国德福"
SEARCHES = ["王", "李", "陈", "GZ", "FS", "张伟", "广州"]


@events.request.add_listener
def stop_after_enough(**_kwargs):
    """The run is bounded in requests as well as in time."""
    runner = stop_after_enough.runner
    if runner and runner.stats.total.num_requests >= MAX_REQUESTS:
        runner.quit()


stop_after_enough.runner = None


@events.init.add_listener
def keep_runner(environment, **_kwargs):
    stop_after_enough.runner = environment.runner


def minute(moment):
    return moment.strftime("%Y-%m-%dT%H:%M")


class Staff(HttpUser):
    wait_time = between(2, 8)  # reading the page, typing, talking to the person at the desk

    def on_start(self):
        self.username = next(ACCOUNTS)
        self.supervisor = "-supervisor-" in self.username
        self.people = []  # file ids seen in lists
        self.stays = []  # open stays of files this desk registered
        self.mine = []  # files this desk registered (portraits go there)
        page = self.client.get("/accounts/login/", name="login form")
        response = self.client.post("/accounts/login/", {**self.hidden(page.text), "username": self.username,
                                                         "password": PASSWORD}, headers=self.csrf(), name="login",
                                    allow_redirects=False)
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not log in ({response.status_code})")

    # --- helpers ----------------------------------------------------------------------------------------

    def csrf(self):
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": self.host + "/"}

    @staticmethod
    def hidden(html):
        return dict(HIDDEN.findall(html))

    def post(self, url, data, name, files=None):
        """A form post that must be accepted: a redirect (302), anything else is a failure."""
        with self.client.post(url, data, files=files, headers=self.csrf(), name=name, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}: form refused")
            return response

    def remember_people(self, html):
        found = [int(pk) for pk in re.findall(r'href="/people/(\d+)/"', html)]
        if found:
            self.people = found[:50]

    # --- what staff do ----------------------------------------------------------------------------------

    @task(6)
    def board(self):
        """Supervisors land on the deadline board; the desk on the people list."""
        if self.supervisor:
            self.client.get("/oversight/", name="board")
        else:
            self.remember_people(self.client.get("/people/", name="people list").text)

    @task(6)
    def people_search(self):
        params = random.choice([{"q": random.choice(SEARCHES)}, {"state": "admitted"}, {"sex": "F"}, {"age": "70"},
                                {"page": "2"}, {"arrived_from": (datetime.now() - timedelta(days=30)).date().isoformat()}])
        self.remember_people(self.client.get("/people/", params=params, name="people search").text)

    @task(6)
    def open_file(self):
        if not self.people:
            self.remember_people(self.client.get("/people/", name="people list").text)
        if self.people:
            pk = random.choice(self.people)
            self.client.get(f"/people/{pk}/", name="person file")
            self.client.get(f"/face/people/{pk}/portraits/", name="portraits (htmx)", headers={"HX-Request": "true"})

    @task(2)
    def intake(self):
        if self.supervisor:
            return
        form = self.client.get("/people/new/", name="intake form")
        name = random.choice(SURNAMES) + "".join(random.sample(GIVEN, 2))
        data = {**self.hidden(form.text), "p-name": name, "p-sex": random.choice("MF"),
                "p-age_min": str(random.randint(20, 60)), "p-age_max": str(random.randint(61, 85)),
                "s-arrived_at": minute(datetime.now() - timedelta(minutes=random.randint(5, 120))),
                "s-found_place": random.choice(["广州南站", "火车站广场", "天桥下", "医院门口"]), "s-brought_by": "self",
                "s-mental_state": random.choice(["normal", "dementia"]), "s-identity": "unknown",
                "s-intake_token": str(uuid.uuid4()), "not_duplicate": "1"}
        response = self.post("/people/new/", data, name="intake")
        if response.status_code == 302:
            page = self.client.get(response.headers["Location"], name="person file")
            self.mine.append(int(re.search(r"/people/(\d+)/", response.headers["Location"]).group(1)))
            self.stays += re.findall(r'/stays/(\d+)/services/', page.text)[:1]

    @task(3)
    def service(self):
        if not self.stays:
            return
        stay = random.choice(self.stays)
        self.post(f"/stays/{stay}/services/", {"svc-kind": random.choice(["meal", "clothing", "bath", "medical"]),
                                                "svc-given_at": minute(datetime.now()), "svc-notes": "午餐"},
                  name="service")

    @task(2)
    def portrait(self):
        if not self.mine:
            return
        pk = self.mine[-1]
        self.client.get(f"/face/people/{pk}/capture/", name="capture page")
        frame = random.choice(FRAMES)
        self.post(f"/face/people/{pk}/capture/", {"source": "webcam"}, name="portrait upload",
                  files={"image": (frame.name, frame.read_bytes(), "image/jpeg")})
        self.mine.remove(pk)  # one accepted portrait per file

    @task(1)
    def family_report(self):
        if self.supervisor:
            return
        self.client.get("/family/reports/new/", name="family report form")
        photo = random.choice(PHOTOS)
        data = {"reported_via": "phone", "reporter_name": "张伟", "reporter_relation": "儿子",
                "reporter_phone": "139" + "".join(random.choices("0123456789", k=8)), "name": random.choice(SURNAMES) + "德明",
                "sex": random.choice("MF"), "age_min": "60", "age_max": "75", "native_place": "河南省周口市",
                "dialect": "河南话", "last_seen_on": (datetime.now() - timedelta(days=20)).date().isoformat(),
                "last_seen_place": "广州火车站", "description": "短发花白", "health": "老年痴呆"}
        response = self.post("/family/reports/new/", data, name="family report",
                             files={"photos": (photo.name, photo.read_bytes(), "image/jpeg")})
        if response.status_code == 302:
            self.client.get(response.headers["Location"], name="family report page")

    @task(2)
    def review_candidate(self):
        if not self.supervisor:
            return
        listing = self.client.get("/family/reports/", name="family reports")
        reports = re.findall(r'href="/family/reports/(\d+)/"', listing.text)
        if not reports:
            return
        report = random.choice(reports[:20])
        page = self.client.get(f"/family/reports/{report}/", name="family report page")
        pending = re.findall(r'action="/family/candidates/(\d+)/reject/"', page.text)
        if pending:
            self.post(f"/family/candidates/{pending[0]}/reject/", {"reason": "家属看照片说不是"}, name="candidate review")


class PartnerSystem(HttpUser):
    """A partner's program (two of the users): files a family report with a photo through the partner API,
    as the desk does through its form, then reads the report's status."""

    fixed_count = 2 if API_TOKEN_FILE.exists() else 0
    wait_time = between(2, 8)

    def on_start(self):
        self.headers = {"Authorization": f"Bearer {API_TOKEN_FILE.read_text().strip()}"}
        self.filed = []

    @task(2)
    def file_report(self):
        photo = random.choice(PHOTOS)
        data = {"station": random.choice(["GZ", "FS"]), "reporter_name": "热线志愿者", "reporter_relation": "女儿",
                "reporter_phone": "138" + "".join(random.choices("0123456789", k=8)),
                "name": random.choice(SURNAMES) + random.choice(GIVEN), "sex": random.choice("MF"),
                "age_min": "55", "age_max": "75", "native_place": "湖南省邵阳市",
                "last_seen_on": (datetime.now() - timedelta(days=30)).date().isoformat(),
                "last_seen_place": "广州南站", "description": "灰色外套，说湘语"}
        with self.client.post("/api/v1/reports", data, files={"photos": (photo.name, photo.read_bytes(), "image/jpeg")},
                              headers={**self.headers, "Idempotency-Key": str(uuid.uuid4())},
                              name="API: family report", catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            self.filed.append(response.json()["id"])

    @task(1)
    def report_status(self):
        if self.filed:
            self.client.get(f"/api/v1/reports/{random.choice(self.filed[-20:])}", headers=self.headers,
                            name="API: report status")
