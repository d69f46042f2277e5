"""Page server time at production scale, the SQL plans behind it, and the changes that fix them.

    .venv/bin/python bench/scale.py [--skip-fill] [--requests 60] [--rounds 2] [--no-try] [--keep]

Fills a PostgreSQL database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
bench_scale, dropped and created afresh unless --skip-fill) with 100,000 practitioners, 200 courses,
4,000 lessons, ~120,000 enrollments, ~2.1 million lesson completions, ~535,000 quiz attempts with
their 5.3 million responses and 100,000 issued certificates (bench/scale_sql.py: rows are made in
SQL, not through the services, so no task runs), and prints the time of each step.

Then, through Django's test client in this process, as users picked at random among those with
data, it times every page (p50/p95 of --requests requests after a warm-up, best of --rounds),
counts its queries, runs EXPLAIN ANALYZE on every statement of a few requests, and prints the
sequential scans of large tables and the statements slower than 5 ms.

Last, unless --no-try, it applies the changes listed in changes() (indexes built with SQL in this
database, settings given with ALTER DATABASE, proposed view and query functions swapped in this
process), measures again, prints both tables side by side and each change as the application
should make it, and undoes them (indexes kept with --keep).

Run by hand; it never fails a build. The verification rate limit is switched off for the run, and
the local cache is given room for every session, as Redis has in production.
"""

import argparse
import json
import logging
import os
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path; keep it off so no file there can stand in for
# a standard library module.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from bench.database import fresh_database, setup_django  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_scale"
GOAL_P95_MS = 50.0
WARM_UP = 10
EXPLAINED_REQUESTS = 8  # per page: their statements are explained
SLOW_STATEMENT_MS = 5.0
LARGE_TABLES = {
    "academy_user",
    "courses_enrollment",
    "courses_lessoncompletion",
    "courses_attempt",
    "courses_response",
    "courses_certificate",
    "courses_certificateevent",
    "django_session",
}


# --- the changes tried ---------------------------------------------------------------------
#
# Each change is applied to this database or this process only (an index built with SQL, a view
# or queryset function swapped in memory), measured, and undone. What the application needs
# instead is printed beside it: `lasting`.


@dataclass(frozen=True)
class Change:
    label: str
    lasting: str
    apply: Callable[[], None]
    revert: Callable[[], None]


def sql_change(label: str, lasting: str, do: str, undo: str) -> Change:
    def run(sql: str) -> Callable[[], None]:
        def execute() -> None:
            from django.db import connection

            with connection.cursor() as cursor:
                for statement in sql.split(";"):
                    if statement.strip():
                        cursor.execute(statement)
            # Settings given with ALTER DATABASE apply to new sessions only.
            connection.close()

        return execute

    return Change(label, lasting, run(do), run(undo))


def swap(label: str, lasting: str, name: str, replacement: Callable[..., Any]) -> Change:
    """Replace a function everywhere it was imported (`name` is "module.function"), and in the
    URL patterns when it is a view."""
    import importlib

    module_name, attribute = name.rsplit(".", 1)
    original = getattr(importlib.import_module(module_name), attribute, None)
    if original is None:  # renamed while this was written: reported, not fatal
        return Change(f"{label} (skipped: no {name})", lasting, lambda: None, lambda: None)

    def replace(old: Any, new: Any) -> None:
        from django.urls import URLPattern, URLResolver, get_resolver

        for module in list(sys.modules.values()):
            if getattr(module, "__name__", "").startswith(("courses", "academy")):
                for key, value in list(vars(module).items()):
                    if value is old:
                        setattr(module, key, new)

        def walk(patterns: list[Any]) -> None:
            for p in patterns:
                if isinstance(p, URLResolver):
                    walk(p.url_patterns)
                elif isinstance(p, URLPattern) and p.callback is old:
                    p.callback = new

        walk(get_resolver().url_patterns)

    return Change(
        label,
        lasting,
        lambda: replace(original, replacement),
        lambda: replace(replacement, original),
    )


def count_of(queryset: Any) -> Any:
    """Proposed courses.models.catalog.count_of: COUNT(*) instead of COUNT(id)."""
    from django.db.models import BigIntegerField, Func, Subquery, Value
    from django.db.models.expressions import Star
    from django.db.models.functions import Coalesce

    counted = (
        queryset.order_by()
        .annotate(group=Value(1))
        .values("group")
        .annotate(n=Func(Star(), function="COUNT", output_field=BigIntegerField()))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted), 0)


REGISTER_PAGE = 25
DENORMALIZED_COURSE = False


def register(request: Any, course: str) -> Any:
    """Proposed teach.views.certificates.register: one page of 25 (?page=N), the heavy JSON
    columns left in the database, and the counts by status over the whole course."""
    from django.core.paginator import Paginator
    from django.db import connection
    from django.db.models import Count, Prefetch
    from django.shortcuts import get_object_or_404, render

    from courses.models import Certificate, CertificateEvent
    from courses.permissions import Action
    from teach.access import permitted_courses

    course_obj = get_object_or_404(permitted_courses(request, Action.VIEW_REGISTER), slug=course)
    if DENORMALIZED_COURSE:
        # Stands in for Certificate.course and its (course, -created_at, -id) index: the
        # trial keeps them in a side table instead of rewriting the certificates.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT status, count(*) FROM try_certificate_course WHERE course_id = %s"
                " GROUP BY status",
                [course_obj.pk],
            )
            counts = dict(cursor.fetchall())
            page_number = max(1, int(request.GET.get("page", "1") or 1))
            cursor.execute(
                "SELECT certificate_id FROM try_certificate_course WHERE course_id = %s"
                " ORDER BY created_at DESC, certificate_id DESC LIMIT %s OFFSET %s",
                [course_obj.pk, REGISTER_PAGE, (page_number - 1) * REGISTER_PAGE],
            )
            in_course = Certificate.objects.filter(pk__in=[r[0] for r in cursor.fetchall()])
    else:
        in_course = Certificate.objects.filter(enrollment__course=course_obj)
        counts = dict(in_course.order_by().values_list("status").annotate(n=Count("*")))
    unused = ("snapshot", "credential", "credential_jwt")
    listed = (
        in_course.select_related("enrollment__practitioner", "superseded_by")
        .defer(*unused, *(f"superseded_by__{f}" for f in unused))
        .prefetch_related(
            Prefetch("events", queryset=CertificateEvent.objects.select_related("actor"))
        )
        .order_by("-created_at", "-id")
    )
    if DENORMALIZED_COURSE:
        page = list(listed)
    else:
        paginator = Paginator(listed, REGISTER_PAGE)
        paginator.count = sum(counts.values())  # type: ignore[misc]  # known: no COUNT query
        page = paginator.get_page(request.GET.get("page"))
    certificates = list(page)
    # get_FOO_display() builds the whole choices dict, translating every label, on each call:
    # once per page instead (the template would read `status_label` and `kind_label`).
    status_labels = dict(Certificate.Status.choices)
    kind_labels = dict(CertificateEvent.Kind.choices)
    for certificate in certificates:
        certificate.status_label = status_labels[certificate.status]
        certificate.get_status_display = partial(str, certificate.status_label)
        for event in certificate.events.all():
            event.kind_label = kind_labels[event.kind]
            event.get_kind_display = partial(str, event.kind_label)
    context = {
        "course": course_obj,
        "certificates": certificates,
        "page": page,
        "counts": [(Certificate.Status(s).label, n) for s, n in sorted(counts.items())],
        "statuses": Certificate.Status,
    }
    return render(request, "teach/certificates/register.html", context)


def denormalize_course() -> None:
    global DENORMALIZED_COURSE
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE TABLE try_certificate_course AS
            SELECT c.id AS certificate_id, e.course_id, c.created_at, c.status
            FROM courses_certificate c JOIN courses_enrollment e ON e.id = c.enrollment_id
            """
        )
        cursor.execute(
            "CREATE INDEX try_certificate_course_newest ON try_certificate_course"
            " (course_id, created_at DESC, certificate_id DESC) INCLUDE (status)"
        )
        # Autocommit: VACUUM sets the visibility map that index-only scans need.
        cursor.execute("VACUUM ANALYZE try_certificate_course")
    DENORMALIZED_COURSE = True


def undo_denormalize_course() -> None:
    global DENORMALIZED_COURSE
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS try_certificate_course")
    DENORMALIZED_COURSE = False


def changes(database: str) -> list[Change]:
    import gc

    return [
        Change(
            "gc.freeze() after start-up",
            "academy/wsgi.py, after get_wsgi_application(): gc.freeze()  # the ~110,000"
            " objects of a started site are never garbage: full collections skip them",
            gc.freeze,
            gc.unfreeze,
        ),
        sql_change(
            "JIT off",
            'academy/settings.py, PostgreSQL branch: DATABASES["default"]["OPTIONS"] = '
            '{"options": "-c jit=off -c random_page_cost=1.1"}  # (or in postgresql.conf)'
            " JIT compiling costs 100-400 ms on a page query",
            f'ALTER DATABASE "{database}" SET jit = off',
            f'ALTER DATABASE "{database}" RESET jit',
        ),
        sql_change(
            "random_page_cost 1.1 (SSD)",
            "with jit=off above: PostgreSQL's default of 4 prices an index probe as a disk seek,"
            " and picks a sequential scan of a large table instead of a few thousand probes",
            f'ALTER DATABASE "{database}" SET random_page_cost = 1.1',
            f'ALTER DATABASE "{database}" RESET random_page_cost',
        ),
        swap(
            "count_of counts rows with COUNT(*)",
            "courses/models/catalog.py count_of: .annotate(n=Func(Star(), function='COUNT',"
            " output_field=BigIntegerField())) (from django.db.models.expressions import Star):"
            " COUNT(id) reads every row from the table, COUNT(*) is answered from the index",
            "courses.models.catalog.count_of",
            count_of,
        ),
        sql_change(
            "certificates that need attention, failed included",
            "Certificate.Meta.indexes: models.Index(fields=['status', 'created_at'],"
            " condition=Q(status__in=['pending', 'rendering', 'blocked', 'failed']),"
            " name='certificate_unfinished')  # 'failed' added: the teaching dashboard counts them",
            "CREATE INDEX try_certificate_attention ON courses_certificate (status, created_at)"
            " WHERE status IN ('pending', 'rendering', 'blocked', 'failed')",
            "DROP INDEX IF EXISTS try_certificate_attention",
        ),
        sql_change(
            "attempts by quiz, covering",
            "Attempt.Meta.indexes: models.Index(fields=['quiz', 'practitioner'],"
            " include=['number', 'started_at', 'submitted_at', 'passed'],"
            " name='attempt_quiz_practitioner')  # then quiz = ForeignKey(..., db_index=False)",
            "CREATE INDEX try_attempt_quiz_practitioner ON courses_attempt (quiz_id,"
            " practitioner_id) INCLUDE (number, started_at, submitted_at, passed)",
            "DROP INDEX IF EXISTS try_attempt_quiz_practitioner",
        ),
        sql_change(
            "completions by lesson and date",
            "LessonCompletion.Meta.indexes: models.Index(fields=['lesson', 'completed_at'],"
            " name='completion_lesson_done')  # then lesson = ForeignKey(..., db_index=False)",
            "CREATE INDEX try_completion_lesson_done ON courses_lessoncompletion (lesson_id,"
            " completed_at)",
            "DROP INDEX IF EXISTS try_completion_lesson_done",
        ),
        Change(
            "certificates carry their course",
            "Certificate.course = models.ForeignKey(Course, on_delete=models.PROTECT,"
            " related_name='certificates', editable=False)  # copied from the enrollment where"
            " certificates are created (issuing services), filled by a data migration;"
            " Meta.indexes: models.Index(fields=['course', '-created_at', '-id'],"
            " include=['status'], name='certificate_course_newest'); the register then"
            " filters Certificate.objects.filter(course=course_obj)",
            denormalize_course,
            undo_denormalize_course,
        ),
        swap(
            "register: 25 a page, without the JSON columns",
            "teach/views/certificates.py register: as bench/scale.py register, and a pager in"
            " templates/teach/certificates/register.html",
            "teach.views.certificates.register",
            register,
        ),
    ]


# --- database -------------------------------------------------------------------------------


def fill(url: str) -> None:
    import psycopg

    from bench import scale_sql as s
    from courses.models.certificates import new_code

    def copy_codes(cursor: Any) -> None:
        """Certificate codes from the site's own generator, for the certificates step."""
        codes: set[str] = set()
        while len(codes) < s.CERTIFICATES:
            codes.add(new_code())
        cursor.execute("CREATE TEMP TABLE bench_code (n bigint PRIMARY KEY, code text)")
        with cursor.copy("COPY bench_code (n, code) FROM STDIN") as copy:
            for n, code in enumerate(codes, 1):
                copy.write_row((n, code))

    # (label, statements, table counted afterwards, what runs first)
    steps: list[tuple[str, list[str], str, Callable[[Any], None] | None]] = [
        ("users", s.USERS, "academy_user", None),
        ("catalog, quizzes", s.CATALOG, "courses_lesson", None),
        ("enrollments", s.ENROLLMENTS, "courses_enrollment", None),
        ("lesson completions", s.COMPLETIONS, "courses_lessoncompletion", None),
        ("quiz attempts", s.ATTEMPTS, "courses_attempt", None),
        ("responses", s.RESPONSES, "courses_response", None),
        ("certificates, events", s.CERTIFICATES_SQL, "courses_certificate", copy_codes),
    ]
    print("fill:")
    started_all = time.perf_counter()
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        # Foreign keys are right by construction: their triggers would check millions of rows one
        # by one at commit.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for label, statements, table, before in steps:
            started = time.perf_counter()
            if before is not None:
                before(cursor)
            for statement in statements:
                cursor.execute(statement)  # type: ignore[arg-type]
            conn.commit()
            cursor.execute(f"SELECT count(*) FROM {table}")  # type: ignore[arg-type]
            count = cursor.fetchone()[0]  # type: ignore[index]
            print(f"  {label:<22}{time.perf_counter() - started:>7.1f} s   {table}: {count:,} rows")
        for table in s.EXPLICIT_ID_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # type: ignore[arg-type]
                f" (SELECT max(id) FROM {table}))"
            )
        conn.commit()
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        # Autovacuum would have run on a live site: visibility maps make index-only scans work.
        conn.execute("VACUUM (ANALYZE)")
    print(f"  {'VACUUM (ANALYZE)':<22}{time.perf_counter() - started:>7.1f} s")
    print(f"  {'total':<22}{time.perf_counter() - started_all:>7.1f} s")
    with psycopg.connect(url) as conn:
        sizes = conn.execute(
            """
            SELECT relname, n_live_tup, pg_size_pretty(pg_total_relation_size(relid))
            FROM pg_stat_user_tables WHERE n_live_tup > 1000 ORDER BY n_live_tup DESC
            """
        ).fetchall()
    print("  table sizes: " + ", ".join(f"{r[0]} {r[1]:,} ({r[2]})" for r in sizes))


# --- pages ----------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    # (user id or None for anonymous, path); the first WARM_UP are the warm-up.
    requests: list[tuple[int | None, str]]
    note: str = ""
    error: str = ""
    # Run, untimed, before each request (to time a page with nothing stored for it).
    before: Callable[[], None] | None = None


@dataclass
class Measured:
    p50: float
    p95: float
    queries: int
    statuses: dict[int, int] = field(default_factory=dict)


def rows(sql: str, *params: Any) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def route_names() -> dict[str, str]:
    """Every URL pattern of the site as {route: name}, so optional pages are found by route."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                found[prefix + str(p.pattern)] = namespace + p.name

    walk(get_resolver().url_patterns, "", "")
    return found


def build_pages(n: int) -> list[Page]:
    from django.urls import reverse

    total = n + WARM_UP
    routes = route_names()
    pages: list[Page] = [Page("bare view (floor)", [(None, "/bench/bare/")] * total)]

    learners = [
        r[0]
        for r in rows(
            "SELECT practitioner_id FROM courses_enrollment ORDER BY random() LIMIT %s", total
        )
    ]
    pages.append(Page("dashboard /learning/", [(u, "/learning/") for u in learners]))
    pages.append(Page("catalog, logged in", [(u, "/courses/") for u in learners]))
    pages.append(Page("catalog, anonymous", [(None, "/courses/")] * total, "cached 60 s"))
    enrolled = rows(
        """
        SELECT e.practitioner_id, c.slug,
               (SELECT count(*) FROM courses_lessoncompletion l WHERE l.enrollment_id = e.id)
        FROM courses_enrollment e JOIN courses_course c ON c.id = e.course_id
        ORDER BY random() LIMIT %s
        """,
        total,
    )
    pages.append(Page("course page", [(u, f"/courses/{c}/") for u, c, _ in enrolled]))
    chance = random.Random(7)
    pages.append(
        Page(
            "lesson page",
            [
                (u, f"/courses/{c}/lesson-{chance.randint(1, min(done + 1, 20))}/")
                for u, c, done in enrolled
            ],
        )
    )
    codes = rows(
        "SELECT code FROM courses_certificate WHERE status IN ('issued', 'revoked', 'superseded')"
        " ORDER BY random() LIMIT %s",
        total,
    )
    pages.append(Page("verify /verify/<code>/", [(None, f"/verify/{c}/") for (c,) in codes]))
    holders = rows(
        "SELECT e.practitioner_id FROM courses_certificate c"
        " JOIN courses_enrollment e ON e.id = c.enrollment_id ORDER BY random() LIMIT %s",
        total,
    )
    pages.append(Page("my certificates", [(u, "/certificates/") for (u,) in holders]))

    teaching = rows(
        """
        SELECT r.instructor_id, c.slug, c.id FROM courses_courseinstructor r
        JOIN courses_course c ON c.id = r.course_id ORDER BY random() LIMIT %s
        """,
        total,
    )
    largest = rows(
        """
        SELECT r.instructor_id, c.slug, c.id FROM courses_courseinstructor r
        JOIN courses_course c ON c.id = r.course_id
        WHERE c.id = (SELECT course_id FROM courses_enrollment GROUP BY course_id
                      ORDER BY count(*) DESC LIMIT 1)
        ORDER BY r.position LIMIT 1
        """
    )
    dashboard = routes.get("teach/")
    if dashboard:
        path = reverse(dashboard)
        pages.append(Page("teaching dashboard", [(u, path) for u, _, _ in teaching]))
    else:
        print("(no teaching dashboard at /teach/ yet: skipped)")

    def per_course(label: str, name: str, lesson: bool = False) -> None:
        if name not in routes.values():
            print(f"(no URL named {name} yet: {label} skipped)")
            return

        def path(slug: str, course_id: int) -> str:
            kwargs = {"course": slug}
            if lesson:
                quiz = chance.randint(1, 4) * 5
                kwargs["lesson"] = f"lesson-{quiz}"
            return reverse(name, kwargs=kwargs)

        pages.append(Page(label, [(u, path(s, c)) for u, s, c in teaching], "random course"))
        u, s, c = largest[0]
        pages.append(Page(f"{label}, largest", [(u, path(s, c))] * total, f"course {s}"))

    per_course("certificate register", "courses:certificate_register")
    per_course("course insight", "courses:course_insight")
    if "courses:course_insight" in routes.values():
        # The figures are stored and refreshed by a worker; this is the request that finds none.
        from courses.models import Course
        from courses.services.insight import forget_figures

        u, s, c = largest[0]
        biggest = Course.objects.get(pk=c)
        pages.append(
            Page(
                "course insight, largest, computing",
                [(u, reverse("courses:course_insight", kwargs={"course": s}))] * total,
                "nothing stored: the worker's cost",
                before=partial(forget_figures, biggest),
            )
        )
    per_course("quiz statistics", "courses:quiz_statistics", lesson=True)
    return pages


class Clients:
    """One test client, switched between users by its session cookie.

    A new Client would load the middleware again on its first request (WhiteNoise alone scans
    every static file then), which is no part of the server time of a page.
    """

    def __init__(self) -> None:
        from django.test import Client

        self.client = Client()
        self._sessions: dict[int, str] = {}

    def login(self, user_id: int) -> None:
        if user_id in self._sessions:
            return
        from importlib import import_module

        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

        from academy.models import User

        user = User.objects.get(pk=user_id)
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "academy.auth.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        self._sessions[user_id] = session.session_key

    def __call__(self, user_id: int | None) -> Any:
        from http.cookies import SimpleCookie

        from django.conf import settings

        self.client.cookies = SimpleCookie()
        if user_id is not None:
            self.login(user_id)
            self.client.cookies[settings.SESSION_COOKIE_NAME] = self._sessions[user_id]
        return self.client


def percentile(values: list[float], p: float) -> float:
    """Linear between the closest ranks, as statistics.quantiles(method="inclusive")."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def keep_best(best: dict[str, Measured], measured: dict[str, Measured]) -> None:
    """Each page keeps its best round: other work on the machine only ever adds time."""
    for name, m in measured.items():
        if name not in best or m.p95 < best[name].p95:
            best[name] = m


def measure_once(pages: list[Page], clients: Clients) -> dict[str, Measured]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {}
    for page in pages:
        if page.error:
            continue
        for user, _ in page.requests:
            if user is not None:
                clients.login(user)
        statuses: dict[int, int] = {}
        times = []
        try:
            for i, (user, path) in enumerate(page.requests):
                client = clients(user)
                if page.before is not None:
                    page.before()
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                if i >= WARM_UP:
                    times.append(elapsed)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            counts = []
            for user, path in page.requests[WARM_UP : WARM_UP + EXPLAINED_REQUESTS]:
                if page.before is not None:
                    page.before()
                with CaptureQueriesContext(connection) as captured:
                    clients(user).get(path)
                counts.append(len(captured))
        except Exception as exc:  # a page still being written: reported, not fatal
            page.error = f"{type(exc).__name__}: {exc}"[:200]
            continue
        results[page.name] = Measured(
            p50=percentile(times, 50),
            p95=percentile(times, 95),
            queries=max(counts),
            statuses=statuses,
        )
    return results


# --- plans ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    page: str
    sql: str
    ms: float
    seq_scans: tuple[tuple[str, int], ...]  # (table, rows it read)
    plan: str


def plan_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def plan_outline(node: dict[str, Any], depth: int = 0) -> Iterator[str]:
    label = node["Node Type"]
    if "Relation Name" in node:
        label += f" on {node['Relation Name']}"
    if "Index Name" in node:
        label += f" using {node['Index Name']}"
    loops = node.get("Actual Loops", 1)
    # PostgreSQL gives rows and time per loop; the total is what the page waits for.
    yield (
        f"{'  ' * depth}{label}  (rows {node.get('Actual Rows', 0)}"
        f"{f' x{loops} loops' if loops > 1 else ''},"
        f" {node.get('Actual Total Time', 0) * loops:.1f} ms)"
    )
    for child in node.get("Plans", []):
        yield from plan_outline(child, depth + 1)


def explain(pages: list[Page], clients: Clients) -> list[Finding]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    findings: list[Finding] = []
    for page in pages:
        if page.error:
            continue
        statements: dict[str, None] = {}
        for user, path in page.requests[WARM_UP : WARM_UP + EXPLAINED_REQUESTS]:
            if page.before is not None:
                page.before()
            with CaptureQueriesContext(connection) as captured:
                clients(user).get(path)
            for query in captured.captured_queries:
                sql = query["sql"]
                if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    statements[sql] = None
        for sql in statements:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                raw = cursor.fetchone()[0]
                transaction.set_rollback(True)
            document = raw if isinstance(raw, list) else json.loads(raw)
            top = document[0]
            seq = tuple(
                (n["Relation Name"], n.get("Actual Rows", 0) + n.get("Rows Removed by Filter", 0))
                for n in plan_nodes(top["Plan"])
                if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in LARGE_TABLES
            )
            ms = top.get("Execution Time", 0.0) + top.get("Planning Time", 0.0)
            if seq or ms >= SLOW_STATEMENT_MS:
                outline = "\n".join(plan_outline(top["Plan"]))
                jit = top.get("JIT", {}).get("Timing", {}).get("Total")
                if jit:
                    outline += f"\nJIT compilation {jit:.1f} ms of the {ms:.1f}"
                findings.append(Finding(page.name, sql, ms, seq, outline))
    return findings


# --- output ---------------------------------------------------------------------------------


def print_table(title: str, pages: list[Page], *runs: dict[str, Measured]) -> None:
    print(f"\n{title}")
    header = f"{'page':<34}"
    for i in range(len(runs)):
        tag = "" if len(runs) == 1 else ("before " if i == 0 else "after ")
        header += f"{tag + 'p50':>12}{tag + 'p95':>12}{'queries':>9}"
    print(header + f"{'p95<=50ms':>11}  note")
    for page in pages:
        line = f"{page.name:<34}"
        if page.error:
            print(f"{line}failed, not measured: {page.error}")
            continue
        for run in runs:
            m = run[page.name]
            line += f"{m.p50:>12.1f}{m.p95:>12.1f}{m.queries:>9}"
        last = runs[-1][page.name]
        odd = {s: n for s, n in last.statuses.items() if s != 200}
        note = page.note + (f" statuses {odd}" if odd else "")
        print(line + f"{'yes' if last.p95 <= GOAL_P95_MS else 'NO':>11}  {note}")


def shape(sql: str) -> str:
    """The statement with its literals taken out, to group the same query for other users."""
    return re.sub(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b", "?", " ".join(sql.split()))


def print_findings(title: str, findings: list[Finding]) -> None:
    print(f"\n{title}")
    if not findings:
        print("  none")
    worst: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        worst.setdefault((f.page, shape(f.sql)), []).append(f)
    for group in sorted(worst.values(), key=lambda g: (not g[0].seq_scans, -max(x.ms for x in g))):
        f = max(group, key=lambda x: x.ms)
        scans = ", ".join(f"Seq Scan on {t} ({n:,} rows read)" for t, n in f.seq_scans)
        seen = f", {len(group)} times" if len(group) > 1 else ""
        print(f"- [{f.page}] {f.ms:.1f} ms (worst{seen}){'; ' + scans if scans else ''}")
        sql = " ".join(f.sql.split())
        print(f"  SQL: {sql[:600]}{' ...' if len(sql) > 600 else ''}")
        print("  " + f.plan.replace("\n", "\n  "))


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-fill", action="store_true", help="re-measure an existing database")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    parser.add_argument(
        "--rounds", type=int, default=2, help="measure each page N times, keep the best"
    )
    parser.add_argument("--no-try", action="store_true", help="do not try the changes")
    parser.add_argument("--keep", action="store_true", help="leave the indexes tried in place")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    if not args.skip_fill:
        fresh_database(url)
    setup_django(url)
    # A failing page is reported in the table; its traceback would bury the figures.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    if not args.skip_fill:
        fill(url)

    limits = {k: v for k, v in settings.ACCOUNT_RATE_LIMITS.items() if k != "verify_certificate"}
    # Plain static URLs: the manifest storage would need a collectstatic into the shared var/.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Redis in production: a local cache with room for every session and card, not 300 entries.
    caches = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        },
    }
    with override_settings(ACCOUNT_RATE_LIMITS=limits, STORAGES=storages, CACHES=caches):
        pages = build_pages(args.requests)
        clients = Clients()
        tried = [] if args.no_try else changes(connection.settings_dict["NAME"])
        before: dict[str, Measured] = {}
        after: dict[str, Measured] = {}
        loads = []
        # Rounds alternate without and with the changes, so that both see the same other work
        # on the machine; each page keeps its best round.
        for number in range(args.rounds):
            keep_best(before, measure_once(pages, clients))
            loads.append(os.getloadavg()[0])
            if number == 0:
                findings_before = explain(pages, clients)
            if not tried:
                continue
            try:
                for change in tried:
                    change.apply()
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
                keep_best(after, measure_once(pages, clients))
                loads.append(os.getloadavg()[0])
                if number == 0:
                    findings_after = explain(pages, clients)
            finally:
                if not (args.keep and number == args.rounds - 1):
                    for change in reversed(tried):
                        change.revert()
        load = f"load average {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} CPUs"
        print_table(
            f"server time in ms, {args.requests} requests a page, best of {args.rounds} rounds"
            f" ({load})",
            pages,
            before,
        )
        print_findings(
            "statements with a Seq Scan on a large table, or slower than "
            f"{SLOW_STATEMENT_MS:.0f} ms (EXPLAIN ANALYZE):",
            findings_before,
        )
        if not tried:
            return
        print_table("before and after the changes tried", pages, before, after)
        print_findings("after: remaining findings", findings_after)
        print("\nthe changes tried, as the application should make them:")
        for change in tried:
            print(f"- {change.label}:\n    {change.lasting}")


if __name__ == "__main__":
    main()
