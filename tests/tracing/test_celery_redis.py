"""Integration: a real Celery worker with beat, on a real Redis (Debian's redis-server on loopback),
sweeping a real SQLite file database. The reminders must arrive once each, however many ticks pass.

Everything this test starts it stops: Redis and the worker run in their own process groups and are
terminated (then killed if need be) whatever happens.
"""

import json
import os
import pathlib
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = [pytest.mark.redis, pytest.mark.slow]

ROOT = pathlib.Path(__file__).resolve().parents[2]  # the project, above tests/tracing
REDIS_SERVER = shutil.which("redis-server") or ("/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None)
SWEEP_SECONDS = 2
TICKS_AFTER = 4  # beat ticks that must pass after the reminders went out, without sending more

SETUP = textwrap.dedent("""
    import datetime, sys
    sys.path.insert(0, {root!r})
    import django
    django.setup()
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from shelter.models import Person, Station, Stay, User

    station = Station.objects.create(code="GZ", name="广州市救助管理站")
    staff = {{}}
    for role, phone in (("reception", "13800000001"), ("supervisor", "13800000002")):
        user = User.objects.create_user(role, station=station, email=role + "@example.org", phone=phone)
        user.groups.add(Group.objects.get(name=role))
        staff[role] = user
    now = timezone.now()
    for hours in (30, 50, 20):  # two notices overdue, one at risk
        person = Person.objects.create(station=station, sex="M", created_by=staff["reception"])
        Stay.objects.create(person=person, arrived_at=now - datetime.timedelta(hours=hours), found_place="广州火车站",
                            brought_by="police", entered_by=staff["reception"], staff_in_charge=staff["reception"])
    print("ok")
""")

EXPECTED = sorted([("tracing_notice_overdue", "supervisor")] * 2 + [("tracing_notice_at_risk", "reception")])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process, timeout=15):
    """Terminate a process group we started; kill it if it does not stop in time."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
    except ProcessLookupError:
        pass


def wait_for(condition, timeout, what, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    detail = f"\n--- worker log ---\n{log.read_text(errors='replace')[-4000:]}" if log else ""
    pytest.fail(f"timed out after {timeout} s waiting for {what}{detail}")


@pytest.fixture
def redis_url(tmp_path):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed: `make system-deps` installs Debian's redis-server")
    port = free_port()
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        def answers():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    return s.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_for(answers, 15, "redis-server to answer")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(server)


def test_a_real_worker_and_beat_send_each_reminder_once(tmp_path, redis_url):
    db = tmp_path / "homeward.sqlite3"
    env = dict(
        os.environ, DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=f"sqlite:///{db}",
        VAR_DIR=str(tmp_path / "var"), CELERY_BROKER_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="0",
        TRACING_SWEEP_SECONDS=str(SWEEP_SECONDS), EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SMS_BACKEND="lib.sms.FileBackend", SMS_FILE_PATH=str(tmp_path / "sms.log"),
    )
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    setup = tmp_path / "setup.py"
    setup.write_text(SETUP.format(root=str(ROOT)), encoding="utf-8")
    subprocess.run([python, str(setup)], cwd=ROOT, env=env, check=True, timeout=60, capture_output=True)

    log = tmp_path / "worker.log"
    celery = str(pathlib.Path(python).with_name("celery"))
    with open(log, "w") as out:
        worker = subprocess.Popen(
            [celery, "-A", "config", "worker", "-B", "--concurrency=2", "--loglevel=info", "--without-gossip",
             "--without-mingle", "-s", str(tmp_path / "beat-schedule")],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        def sent():
            with sqlite3.connect(db, timeout=20) as conn:
                return sorted(conn.execute(
                    "SELECT n.kind, u.username FROM shelter_notification n JOIN shelter_user u ON u.id = n.user_id "
                    "WHERE n.kind LIKE 'tracing_notice_%'").fetchall())  # the other clocks have their own tests

        def sweeps():
            lines = log.read_text(errors="replace").splitlines()
            return sum("tracing.tasks.sweep_deadlines" in line and "succeeded" in line for line in lines)

        wait_for(lambda: len(sent()) >= len(EXPECTED), 90, "the reminders", log)
        after = sweeps()
        wait_for(lambda: sweeps() >= after + TICKS_AFTER, 60, f"{TICKS_AFTER} more sweeps", log)
        assert worker.poll() is None, log.read_text(errors="replace")[-4000:]
        assert sent() == EXPECTED
        text = log.read_text(errors="replace")
        assert "Traceback" not in text, text[-4000:]
        with sqlite3.connect(db) as conn:
            claimed = conn.execute("SELECT count(*) FROM tracing_tracingcase WHERE notice_overdue_sent_at IS NOT NULL"
                                   ).fetchone()[0]
        assert claimed == 2
    finally:
        stop(worker, timeout=20)


ACT = textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, {root!r})
    import django
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from PIL import Image
    from devtools.images import frame, jpeg
    from shelter.models import Person, User

    faces = {root!r} + "/tests/faces/"
    client = Client()
    client.force_login(User.objects.get(username="reception"))
    person = Person.objects.get()
    started = time.monotonic()
    portrait = client.post("/face/people/%d/capture/" % person.pk, {{
        "image": SimpleUploadedFile("w.jpg", jpeg(frame(Image.open(faces + "obama_1.jpg"), (640, 480)))),
        "source": "webcam"}})
    report = client.post("/family/reports/new/", {{
        "reported_via": "counter", "reporter_name": "张伟", "reporter_relation": "儿子",
        "reporter_phone": "13912345678", "name": "张德明", "sex": "M",
        "photos": SimpleUploadedFile("p.jpg", open(faces + "obama_3.jpg", "rb").read(), "image/jpeg")}})
    print(json.dumps([portrait.status_code, report.status_code, round(time.monotonic() - started, 1)]))
""")


def start_redis(port, folder):
    return subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def test_work_queued_while_redis_is_down_is_done_when_it_returns(tmp_path):
    """Redis stopped: a portrait and a family report are taken at the desk (no error page), the rows
    record the work; Redis started again with a worker and beat: the catch-up encodes and searches."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed: `make system-deps` installs Debian's redis-server")
    port = free_port()
    db = tmp_path / "homeward.sqlite3"
    env = dict(
        os.environ, DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=f"sqlite:///{db}",
        VAR_DIR=str(tmp_path / "var"), CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0", CELERY_TASK_ALWAYS_EAGER="0",
        CATCH_UP_SECONDS="2", ALLOWED_HOSTS="testserver", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SMS_BACKEND="lib.sms.FileBackend", SMS_FILE_PATH=str(tmp_path / "sms.log"), MEDIA_ROOT=str(tmp_path / "media"),
    )
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    setup = tmp_path / "setup.py"
    setup.write_text(SETUP.format(root=str(ROOT)), encoding="utf-8")
    subprocess.run([python, str(setup)], cwd=ROOT, env=env, check=True, timeout=60, capture_output=True)
    act = tmp_path / "act.py"
    act.write_text(ACT.format(root=str(ROOT)), encoding="utf-8")
    # The setup registered three people; the desk photographs the first of them.
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM tracing_tracingcase WHERE stay_id IN (SELECT id FROM shelter_stay WHERE person_id > "
                     "(SELECT min(id) FROM shelter_person))")
        conn.execute("DELETE FROM shelter_stay WHERE person_id > (SELECT min(id) FROM shelter_person)")
        conn.execute("DELETE FROM shelter_person WHERE id > (SELECT min(id) FROM shelter_person)")

    done = subprocess.run([python, str(act)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-4000:]
    portrait_status, report_status, seconds = json.loads(done.stdout.strip().splitlines()[-1])
    assert (portrait_status, report_status) == (302, 302), done.stderr[-4000:]

    def state():
        with sqlite3.connect(db, timeout=20) as conn:
            encoded = conn.execute("SELECT count(*) FROM face_portrait WHERE encoding IS NOT NULL").fetchone()[0]
            searched = conn.execute("SELECT count(*) FROM family_familyreport WHERE searched_at IS NOT NULL"
                                    ).fetchone()[0]
            waiting = conn.execute("SELECT (SELECT count(*) FROM face_portrait WHERE encoding_requested_at IS NOT NULL)"
                                   " + (SELECT count(*) FROM family_familyreport WHERE search_requested_at IS NOT NULL)"
                                   ).fetchone()[0]
        return encoded, searched, waiting

    assert state() == (0, 0, 2)  # nothing done, both recorded

    server = start_redis(port, tmp_path)
    log = tmp_path / "worker.log"
    celery = str(pathlib.Path(python).with_name("celery"))
    try:
        with open(log, "w") as out:
            worker = subprocess.Popen(
                [celery, "-A", "config", "worker", "-B", "--concurrency=1", "--loglevel=info", "--without-gossip",
                 "--without-mingle", "-s", str(tmp_path / "beat-schedule")],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        try:
            wait_for(lambda: state() == (1, 1, 0), 120, "the catch-up to encode and search", log)

            def candidates():
                with sqlite3.connect(db, timeout=20) as conn:
                    return conn.execute("SELECT count(*) FROM family_candidate").fetchone()[0]

            # The son's photo finds his father: by the report's search if the portrait was encoded first,
            # else by the portrait's own search, queued once its encoding is stored (the two catch-ups run
            # in either order).
            wait_for(lambda: candidates() == 1, 60, "the resident proposed for the report", log)
        finally:
            stop(worker, timeout=20)
    finally:
        stop(server)
