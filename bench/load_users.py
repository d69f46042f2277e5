"""Locust users for bench/load.py, which prepares the site and runs this file from its own
virtualenv (locust is not one of the project's dependencies). Not meant to be run by hand.

LOAD_PLAN names a JSON file written by bench/load.py: the accounts, the courses, the certificate
codes the public verifies and the answer key. LOAD_NOTES names the file this writes at exit with
counts of what the simulated people did (quizzes passed and failed, courses completed...).

Every visitor sends its own X-Forwarded-For address in 127.0.0.0/8 (bench/load_settings.py trusts
one proxy), so the per-address rate limits apply per simulated person, as they would in the wild.
Requests are named by route, so the statistics group per endpoint. A response is a failure when
its status is not the one the step expects; deliberate 4xx (a locked lesson clicked, an unknown
certificate code) are expected and not counted as errors.
"""

import itertools
import json
import os
import random
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
NOTES: Counter[str] = Counter()
DOUBLE_CLICKS = 0.1  # the share of form posts sent twice at once
LOCKED = {403: "This lesson is locked"}
_accounts = itertools.count()
_addresses = itertools.count(1)


def _address() -> str:
    """A distinct client address for each simulated person, in the loopback range."""
    n = next(_addresses)
    return f"127.{1 + (n >> 16) % 250}.{(n >> 8) & 255}.{n & 255}"


def _status(response: Any) -> str:
    """HTTP and the status, or the client's error when no response came."""
    if response.status_code:
        return f"HTTP {response.status_code}"
    return f"no response: {response.error!r}"


def _norm(text: str) -> str:
    return " ".join(text.split())


@events.quitting.add_listener
def _write_notes(**_kwargs: Any) -> None:
    path = os.environ.get("LOAD_NOTES")
    if path:
        Path(path).write_text(json.dumps(dict(NOTES), indent=1), encoding="utf-8")


class Page(HTMLParser):
    """What a visitor acts on in a page: inputs, labels, select options, links, form actions."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.inputs: list[dict[str, str]] = []
        self.labels: dict[str, str] = {}
        self.selects: dict[str, dict[str, Any]] = {}
        self.links: list[tuple[str, str]] = []
        self.actions: list[str] = []
        self._text: list[str] | None = None
        self._label_for = ""
        self._select = ""
        self._option = ""
        self._href = ""
        self._in = ""
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input":
            self.inputs.append(a)
        elif tag == "form":
            self.actions.append(a.get("action", ""))
        elif tag == "select":
            self._select = a.get("name", "")
            self.selects[self._select] = {"id": a.get("id", ""), "options": []}
        elif tag in ("label", "option", "a"):
            self._in, self._text = tag, []
            self._label_for = a.get("for", "")
            self._option = a.get("value", "")
            self._href = a.get("href", "")

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = ""
        if tag != self._in or self._text is None:
            return
        text = _norm("".join(self._text))
        if tag == "label" and self._label_for:
            self.labels[self._label_for] = text
        elif tag == "option" and self._select:
            self.selects[self._select]["options"].append((self._option, text))
        elif tag == "a":
            self.links.append((self._href, text))
        self._in, self._text = "", None

    def value(self, name: str) -> str:
        return next((i.get("value", "") for i in self.inputs if i.get("name") == name), "")

    def values(self, name: str) -> list[str]:
        return [i.get("value", "") for i in self.inputs if i.get("name") == name]

    def link(self, *texts: str) -> str:
        return next((href for href, text in self.links if text in texts), "")


def answer_fields(page: Page, skill: float, rng: random.Random) -> list[list[tuple[str, str]]]:
    """Each scored question's fields, as the form would post them: right with probability
    `skill` (from the answer key, matched by the option's text), otherwise a guess."""
    questions = []
    for vid in page.values("v"):
        key = PLAN["answers"].get(vid, {})
        right = {_norm(t) for t in key.get("right", [])}
        knows = rng.random() < skill
        fields = [("v", vid)]
        name = f"q{vid}"
        options = [
            (i.get("value", ""), page.labels.get(i.get("id", ""), ""), i.get("type"))
            for i in page.inputs
            if i.get("name") == name and i.get("type") in ("radio", "checkbox")
        ]
        texts = [i for i in page.inputs if i.get("name") == name and i.get("type") == "text"]
        selects = {n: s for n, s in page.selects.items() if n.startswith(f"{name}_")}
        if options:
            multiple = options[0][2] == "checkbox"
            good = [place for place, text, _type in options if text in right]
            if knows and good:
                picked = good if multiple else good[:1]
            elif multiple:
                picked = [p for p, _t, _k in rng.sample(options, rng.randint(1, len(options)))]
            else:
                picked = [rng.choice(options)[0]]
            fields += [(name, place) for place in picked]
        elif texts:
            fields.append((name, key.get("right", ["?"])[0] if knows else "not sure"))
        for select_name, select in selects.items():
            prompt = page.labels.get(select["id"], "")
            choices = [(v, t) for v, t in select["options"] if v != ""]
            target = _norm(key.get("pairs", {}).get(prompt, ""))
            place = next((v for v, t in choices if t == target), "") if knows else ""
            fields.append((select_name, place or rng.choice(choices)[0]))
        questions.append(fields)
    return questions


class Visitor(HttpUser):
    """Someone with a browser: a fresh address, a session, CSRF tokens from the pages."""

    abstract = True

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-For"] = _address()
        self.rng = random.Random()

    def get(
        self,
        url: str,
        name: str,
        expect: tuple[int, ...] = (200,),
        notice: dict[int, str] | None = None,
        **kw: Any,
    ) -> Any:
        """`notice`: text a response of that status must show to be the deliberate one (a
        locked lesson's 403 says so; a bare 403 would be a fault)."""
        with self.client.get(url, name=name, catch_response=True, **kw) as response:
            status = response.status_code
            if status not in expect:
                response.failure(f"GET {url}: {_status(response)}")
            elif notice and status in notice and notice[status] not in (response.text or ""):
                response.failure(f"GET {url}: HTTP {status} without {notice[status]!r}")
            else:
                response.success()
            return response

    def post(
        self, url: str, name: str, data: Any, expect: tuple[int, ...] = (302,), **kw: Any
    ) -> Any:
        kw.setdefault("allow_redirects", False)
        with self.client.post(url, data=data, name=name, catch_response=True, **kw) as response:
            if response.status_code not in expect:
                response.failure(f"POST {url}: {_status(response)}")
            else:
                response.success()
            return response

    def log_in(self, email: str, password: str) -> bool:
        page = Page(self.get("/accounts/login/", "/accounts/login/").text)
        form = {
            "csrfmiddlewaretoken": page.value("csrfmiddlewaretoken"),
            "login": email,
            "password": password,
        }
        response = self.post("/accounts/login/", "/accounts/login/", form)
        return response.status_code == 302


class Practitioner(Visitor):
    """Logs in, works through its courses in order: reads each lesson, marks it complete, takes
    the quizzes (right answers with a probability of its own skill, retrying a failed one while
    attempts remain), enrols on the next course when the previous one unlocks it; browses the
    catalog, its learning page and its certificates between lessons."""

    weight = 8
    wait_time = between(0.5, 2.5)

    def on_start(self) -> None:
        super().on_start()
        accounts = PLAN["practitioners"]
        account = accounts[next(_accounts) % len(accounts)]
        self.courses: list[str] = list(account["courses"])
        self.skill = self.rng.uniform(0.7, 0.97)
        self.next_url = ""
        if not self.log_in(account["email"], PLAN["password"]):
            NOTES["practitioner log-ins refused"] += 1

    @task(14)
    def study(self) -> None:
        if not self.courses:
            self.catalog()
            return
        url, self.next_url = self.next_url, ""
        if not url:
            url = self._lesson_to_do(self.courses[0])
            if not url:
                return
        self._lesson(url)

    def clicked(self, url: str, name: str, form: Any) -> Any:
        """A form button pressed; now and then twice in quick succession, as people do (both
        posts are in flight together: the second must be harmless)."""
        if self.rng.random() >= DOUBLE_CLICKS:
            return self.post(url, name, form)
        NOTES["double clicks"] += 1
        second = gevent.spawn(self.post, url, name, form)
        response = self.post(url, name, form)
        second.join()
        return response

    def _lesson_to_do(self, course: str) -> str:
        """The course page's "Continue" lesson, after enrolling if need be; empty when the course
        is finished or closed to this practitioner (it moves on to the next)."""
        course_url = f"/courses/{course}/"
        response = self.get(course_url, "/courses/[course]/")
        text = response.text or ""
        if response.status_code != 200 or "You completed this course on" in text:
            self.courses.pop(0)
            return ""
        page = Page(text)
        if "Enrol on this course" in text:
            form = {"csrfmiddlewaretoken": page.value("csrfmiddlewaretoken")}
            enrolled = self.post(course_url, "/courses/[course]/", form)
            location = enrolled.headers.get("Location", "")
            if enrolled.status_code != 302 or location.rstrip("/") == course_url.rstrip("/"):
                NOTES["enrolments refused"] += 1
                self.courses.pop(0)
                return ""
            NOTES["enrolments"] += 1
            return location
        if "Complete the prerequisite courses" in text:
            NOTES["courses skipped (prerequisite not met)"] += 1
            self.courses.pop(0)
            return ""
        url = page.link("Continue", "Review the lessons")
        if not url:
            self.courses.pop(0)
        return url

    def _lesson(self, url: str) -> None:
        name = "/courses/[course]/[lesson]/"
        response = self.get(url, name, expect=(200, 403), notice=LOCKED)
        text = response.text or ""
        if response.status_code == 403:
            NOTES["locked lessons opened (403 expected)"] += 1
            return
        page = Page(text)
        start = url.rstrip("/") + "/quiz/"
        if any(a == start for a in page.actions) or page.link("Resume the quiz"):
            self._quiz(url, page, start)
        elif "Mark as complete" in text:
            form = {"csrfmiddlewaretoken": page.value("csrfmiddlewaretoken")}
            done = self.clicked(url, name, form)
            location = done.headers.get("Location", "")
            NOTES["lessons completed"] += 1
            if location.startswith("/learning/"):
                self._course_done()
            elif location and location.rstrip("/") != url.rstrip("/"):
                self.next_url = location
        elif "used every attempt" in text:
            NOTES["courses given up (quiz attempts used up)"] += 1
            self.courses.pop(0)

    def _course_done(self) -> None:
        NOTES["courses completed"] += 1
        self.courses.pop(0)
        self.get("/learning/", "/learning/")

    def _quiz(self, lesson_url: str, lesson_page: Page, start: str) -> None:
        attempt_url = lesson_page.link("Resume the quiz")
        if not attempt_url:
            form = {"csrfmiddlewaretoken": lesson_page.value("csrfmiddlewaretoken")}
            started = self.post(start, "/courses/[course]/[lesson]/quiz/", form)
            attempt_url = started.headers.get("Location", "")
            if not attempt_url.startswith("/attempts/"):
                NOTES["quiz starts refused"] += 1
                return
            NOTES["quiz attempts started"] += 1
        response = self.get(attempt_url, "/attempts/[id]/")
        page = Page(response.text or "")
        submit = attempt_url + "submit/"
        if submit not in page.actions:
            return  # already graded: the lesson page shows the result next time
        token = page.value("csrfmiddlewaretoken")
        questions = answer_fields(page, self.skill, self.rng)
        for fields in questions[: self.rng.randint(0, 3)]:  # htmx autosaves as they answer
            self.post(
                attempt_url + "save/",
                "/attempts/[id]/save/",
                fields,
                expect=(200,),
                headers={"X-CSRFToken": token, "HX-Request": "true"},
            )
            self.wait()
        form = [("csrfmiddlewaretoken", token)] + [f for q in questions for f in q]
        submitted = self.clicked(submit, "/attempts/[id]/submit/", form)
        result = self.get(
            submitted.headers.get("Location") or attempt_url, "/attempts/[id]/ result"
        )
        if "result-pass" in (result.text or ""):
            NOTES["quiz attempts passed"] += 1
            self.next_url = ""  # the course page says what comes next (or that it is complete)
            course_url = lesson_url.rsplit("/", 2)[0] + "/"
            check = self.get(course_url, "/courses/[course]/")
            if "You completed this course on" in (check.text or ""):
                self._course_done()
        else:
            NOTES["quiz attempts failed"] += 1
            self.next_url = lesson_url  # try again, if attempts remain

    @task(1)
    def peek_ahead(self) -> None:
        """Opens the last lesson of the current course from a bookmark: locked (403, with the
        notice) until the lessons before it are done when the course is taken in order."""
        if not self.courses:
            return
        course = self.courses[0]
        url = f"/courses/{course}/{PLAN['lessons'][course][-1]}/"
        name = "/courses/[course]/[lesson]/ ahead"
        if self.get(url, name, expect=(200, 403), notice=LOCKED).status_code == 403:
            NOTES["locked lessons opened (403 expected)"] += 1

    @task(2)
    def catalog(self) -> None:
        self.get("/courses/", "/courses/")

    @task(1)
    def learning(self) -> None:
        self.get("/learning/", "/learning/")

    @task(1)
    def certificates(self) -> None:
        page = Page(self.get("/certificates/", "/certificates/").text or "")
        pdfs = [href for href, _text in page.links if href.endswith(".pdf")]
        if pdfs:
            self.get(self.rng.choice(pdfs), "/certificates/[code].pdf")
            self.get(self.rng.choice(pdfs)[: -len(".pdf")] + ".json", "/certificates/[code].json")


class Instructor(Visitor):
    """The demo instructor, in several browsers: the teaching dashboard, a course's insight,
    its certificate register, a quiz's item statistics."""

    weight = 1
    wait_time = between(1.0, 4.0)

    def on_start(self) -> None:
        super().on_start()
        account = PLAN["instructor"]
        if not self.log_in(account["email"], account["password"]):
            NOTES["instructor log-ins refused"] += 1

    @task(2)
    def teaching(self) -> None:
        self.get("/teach/", "/teach/")

    @task(3)
    def insight(self) -> None:
        course = self.rng.choice(PLAN["taught"])
        self.get(f"/teach/courses/{course}/insight/", "/teach/courses/[course]/insight/")

    @task(2)
    def register(self) -> None:
        course = self.rng.choice(PLAN["taught"])
        self.get(f"/teach/courses/{course}/certificates/", "/teach/courses/[course]/certificates/")

    @task(2)
    def statistics(self) -> None:
        course, lesson = self.rng.choice(PLAN["quizzes"])
        self.get(
            f"/teach/courses/{course}/{lesson}/quiz/statistics/",
            "/teach/courses/[course]/[lesson]/quiz/statistics/",
        )


class Public(Visitor):
    """Employers and registration boards checking certificates, and people browsing the site
    without an account."""

    weight = 3
    wait_time = between(0.5, 2.5)

    @task(5)
    def verify(self) -> None:
        code = self.rng.choice(PLAN["codes"])
        self.get(f"/verify/{code}/", "/verify/[code]/")

    @task(3)
    def verify_json(self) -> None:
        code = self.rng.choice(PLAN["codes"])
        self.get(f"/verify/{code}.json", "/verify/[code].json")

    @task(1)
    def verify_typo(self) -> None:
        """A mistyped code: the same 404 as an unknown one, by design."""
        code = self.rng.choice(PLAN["codes"])
        typo = code[:-1] + ("0" if code[-1] != "0" else "1")
        self.get(f"/verify/{typo}/", "/verify/[code]/ unknown", expect=(404,))
        NOTES["unknown codes looked up (404 expected)"] += 1

    @task(3)
    def catalog(self) -> None:
        self.get("/courses/", "/courses/ anonymous")

    @task(1)
    def course(self) -> None:
        course = self.rng.choice(PLAN["published"])
        self.get(f"/courses/{course}/", "/courses/[course]/ anonymous")

    @task(1)
    def home(self) -> None:
        self.get("/", "/ anonymous")

    @task(1)
    def keys(self) -> None:
        self.get("/.well-known/jwks.json", "/.well-known/jwks.json")
