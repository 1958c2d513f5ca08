"""The soak's simulated users (scripts/drill.py runs locust headless on loopback with this file).

Mixed traffic: API reads with a bearer token, console list pages after a login through the login form,
fresh logins, dispatches through the API (writes) and through the console page with a 公文 file (uploads).
Every dispatch the server acknowledged (201 with its id, or the redirect to its page) is recorded, and the
drill checks afterwards that each is in the database and that created rows match the audit log.
A response is a failure when its status is not the expected one; the failure names the status.
"""

import json
import os
import re
import threading

from locust import HttpUser, between, events, task

WRITER_TOKEN = os.environ.get("DRILL_TOKEN_WRITER", "")
READER_TOKEN = os.environ.get("DRILL_TOKEN_READER", "")
WRITER = os.environ.get("DRILL_WRITER", "")
READER = os.environ.get("DRILL_READER", "")
PASSWORD = os.environ.get("DRILL_PASSWORD", "")
TARGETS = [int(t) for t in os.environ.get("DRILL_TARGETS", "").split(",") if t]
ACKED_FILE = os.environ.get("DRILL_ACKED", "")
# A minimal valid PDF, the 公文 file of each upload.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
_lock = threading.Lock()
acked = {"dispatches": [], "uploads": 0}


def expect(response, *statuses: int) -> bool:
    if response.status_code in statuses:
        response.success()
        return True
    response.failure(f"status {response.status_code}")
    return False


def csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


class ApiReader(HttpUser):
    """An integration reading the API with a bearer token."""

    weight = 4
    wait_time = between(0.5, 2)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {READER_TOKEN}"

    @task(2)
    def me(self):
        with self.client.get("/api/v1/me", catch_response=True) as response:
            expect(response, 200)

    @task(3)
    def children(self):
        with self.client.get(f"/api/v1/units/{TARGETS[0]}/children", name="/api/v1/units/{id}/children",
                             catch_response=True) as response:
            expect(response, 200)

    @task(2)
    def inbox(self):
        with self.client.get("/api/v1/dispatch/inbox", catch_response=True) as response:
            expect(response, 200)

    @task(1)
    def messages(self):
        with self.client.get("/api/v1/messages", catch_response=True) as response:
            expect(response, 200)


class ApiWriter(HttpUser):
    """An integration sending dispatches through the API and reading their tracking."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {WRITER_TOKEN}"

    @task
    def dispatch(self):
        with self.client.post("/api/v1/dispatch", json={"kind": "notice", "title": "压力测试通知", "body": "正文",
                                                         "units": TARGETS}, catch_response=True) as response:
            if expect(response, 201):
                pk = response.json()["id"]
                with _lock:
                    acked["dispatches"].append(pk)
                with self.client.get(f"/api/v1/dispatch/{pk}", name="/api/v1/dispatch/{id}",
                                     catch_response=True) as tracking:
                    expect(tracking, 200)


class ConsoleUser(HttpUser):
    """Staff in the console: signs in through the form, walks list pages, signs in again now and then."""

    weight = 3
    wait_time = between(1, 3)
    mobile = READER

    def on_start(self):
        self.login()

    def login(self):
        self.client.cookies.clear()
        page = self.client.get("/login/", name="/login/ (form)")
        with self.client.post("/login/", data={"mobile": self.mobile, "password": PASSWORD,
                                               "csrfmiddlewaretoken": csrf(page.text), "next": ""},
                              headers={"Referer": self.host + "/login/"}, allow_redirects=False,
                              catch_response=True) as response:
            expect(response, 302)

    @task(1)
    def sign_in_again(self):
        self.login()

    @task(4)
    def pages(self):
        for path in ("/", "/todos/", "/dispatch/inbox/", "/messages/"):
            with self.client.get(path, catch_response=True) as response:
                expect(response, 200)


class Uploader(ConsoleUser):
    """A department head sending a 公文 with its PDF from the console page (an upload and a dispatch)."""

    weight = 1
    wait_time = between(2, 5)
    mobile = WRITER

    @task(3)
    def send_document(self):
        form = self.client.get("/dispatch/new/")
        with self.client.post("/dispatch/new/", data={
            "csrfmiddlewaretoken": csrf(form.text), "kind": "notice", "title": "压力测试附件通知", "body": "见附件",
            "units": [str(t) for t in TARGETS], "confirmed": "1",
        }, files={"files": ("通知.pdf", PDF, "application/pdf")}, headers={"Referer": self.host + "/dispatch/new/"},
                allow_redirects=False, catch_response=True) as response:
            if expect(response, 302):
                match = re.search(r"/dispatch/(\d+)/", response.headers.get("Location", ""))
                if match:
                    with _lock:
                        acked["dispatches"].append(int(match.group(1)))
                        acked["uploads"] += 1
                else:
                    response.failure("no dispatch page after the send")


@events.quitting.add_listener
def _save(environment, **kwargs):
    if ACKED_FILE:
        with _lock, open(ACKED_FILE, "w") as handle:
            json.dump(acked, handle)
