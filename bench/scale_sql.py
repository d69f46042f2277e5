"""The SQL that fills the bench_scale database (see bench/scale.py): one statement list per step.

Rows are generated inside PostgreSQL (INSERT ... SELECT over generate_series) with explicit ids
wherever later steps compute ids arithmetically (lesson, quiz, question, version and choice ids
follow from the course number), so no step reads rows back into Python. The only values made in
Python are the certificate codes, with the site's own generator, copied in through COPY.

Layout per course c (1-based), module m (0-3) and lesson j (0-4) in it:
    module id   (c-1)*4 + m + 1
    lesson id   (c-1)*20 + m*5 + j + 1, position m*5 + j, a quiz lesson when j = 4
    quiz id     (c-1)*4 + m + 1 on the module's last lesson
    question id (quiz-1)*10 + k + 1 (k = 0-9); its one version has the same id
    choice id   (version-1)*4 + n + 1 (n = 0-3); n = 0 is the right answer
"""

INSTRUCTORS = 40
PRACTITIONERS = 100_000
TOPICS = 8
COURSES = 200
MODULES = 4  # per course
LESSONS = 5  # per module; the last one of each module has the quiz
QUESTIONS = 10  # per quiz
CHOICES = 4  # per question
CERTIFICATES = 100_000
# 100,000 certificates need that many completed enrollments (one current certificate each):
# this share of ~120,000 enrollments, minus the superseded ones that top the count up.
COMPLETED_SHARE = 0.81


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words(
    "Ana Ben Chloé Dmitri Emma Farid Greta Hiro Ines Jonas Kaia Liam Maya Nils Olga Pablo Quinn "
    "Rosa Sami Tove Uma Viktor Wren Xenia Yusuf Zoë Aoife Bram Carmen Dev Elif Femi Gwen Hamid "
    "Ilse Jae Kofi"
)
LAST_NAMES = _words(
    "Abbott Brennan Castillo Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kowalski Larsen "
    "Moreau Nakamura Okafor Petrov Quist Rossi Schmidt Tanaka Ulrich Varga Walsh Xu Yilmaz "
    "Zielinski Andersen Bauer Costa Dahl Evans Fontaine Gomez Horvat Ibrahim Janssen Kim Lindqvist "
    "Murphy Novak Ortega"
)
TOPIC_NAMES = (
    "Anatomy and physiology",
    "Ethics and practice",
    "Fascia",
    "Lymphatic drainage",
    "Myofascial release",
    "Pregnancy massage",
    "Sports massage",
    "Trigger points",
)
PARAGRAPH = (
    "Fascia wraps every **fibre** of muscle and grows as it wears. Before you work a restricted "
    "area, assess the client's range of movement, ask about recent injuries and explain what you "
    "will do and why. Work slowly: tissue that is rushed guards against the pressure."
)
PARAGRAPH_HTML = (
    "<p>Fascia wraps every <strong>fibre</strong> of muscle and grows as it wears. Before you work "
    "a restricted area, assess the client's range of movement, ask about recent injuries and "
    "explain what you will do and why. Work slowly: tissue that is rushed guards against the "
    "pressure.</p>"
)


def _array(words: tuple[str, ...] | list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + w.replace("'", "''") + "'" for w in words) + "]"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


USERS = [
    f"""
    INSERT INTO academy_user (id, password, is_superuser, email, full_name, is_instructor,
                              is_staff, is_active, date_joined)
    SELECT i, '!bench-no-password', false,
           CASE WHEN i <= {INSTRUCTORS} THEN 'instructor' || i
                ELSE 'p' || (i - {INSTRUCTORS}) END || '@bench.example',
           ({_array(FIRST_NAMES)})[1 + i % {len(FIRST_NAMES)}] || ' ' ||
           ({_array(LAST_NAMES)})[1 + (i / {len(FIRST_NAMES)}) % {len(LAST_NAMES)}],
           i <= {INSTRUCTORS}, false, true, now() - random() * interval '900 days'
    FROM generate_series(1, {INSTRUCTORS + PRACTITIONERS}) i
    """,
]

CATALOG = [
    f"""
    INSERT INTO courses_topic (id, slug, name)
    SELECT i, 'topic-' || i, ({_array(TOPIC_NAMES)})[i] FROM generate_series(1, {TOPICS}) i
    """,
    f"""
    INSERT INTO courses_course (id, slug, title, summary, description, description_html, level,
                                ce_hours, status, order_required, created_at, updated_at, topic_id)
    SELECT c, 'course-' || c,
           ({_array(["Essentials of", "Advanced", "Working with", "Clinical", "Foundations of"])})
           [1 + c % 5] || ' ' || lower(t.name) || ' ' || c,
           'A practical course for massage therapists: assessment, technique and aftercare.',
           repeat({_literal(PARAGRAPH + chr(10) + chr(10))}, 8),
           repeat({_literal(PARAGRAPH_HTML)}, 8),
           ({_array(["introductory", "intermediate", "advanced"])})[1 + c % 3],
           0.5 * (2 + c % 12), 'published', true,
           now() - interval '1000 days' + c * interval '2 days', now() - interval '20 days',
           t.id
    FROM generate_series(1, {COURSES}) c JOIN courses_topic t ON t.id = 1 + c % {TOPICS}
    """,
    # An owner on every course (instructor n owns courses n, n+40, ...), an editor on every third.
    f"""
    INSERT INTO courses_courseinstructor (course_id, instructor_id, role, position)
    SELECT c, 1 + (c - 1) % {INSTRUCTORS}, 'owner', 0 FROM generate_series(1, {COURSES}) c
    UNION ALL
    SELECT c, 1 + (c + 16) % {INSTRUCTORS}, 'editor', 1
    FROM generate_series(1, {COURSES}) c WHERE c % 3 = 0
    """,
    f"""
    INSERT INTO courses_module (id, course_id, position, title, summary)
    SELECT (c - 1) * {MODULES} + m + 1, c, m, 'Module ' || (m + 1), 'What this module covers.'
    FROM generate_series(1, {COURSES}) c, generate_series(0, {MODULES - 1}) m
    """,
    f"""
    INSERT INTO courses_lesson (id, module_id, course_id, position, title, slug, body, body_html,
                                video_url, transcript, minutes, required, safety_notice, kind,
                                published)
    SELECT (c - 1) * {MODULES * LESSONS} + m * {LESSONS} + j + 1, (c - 1) * {MODULES} + m + 1, c,
           m * {LESSONS} + j, 'Lesson ' || (m * {LESSONS} + j + 1),
           'lesson-' || (m * {LESSONS} + j + 1),
           repeat({_literal(PARAGRAPH + chr(10) + chr(10))}, 12),
           repeat({_literal(PARAGRAPH_HTML)}, 12),
           '', '', 8 + (m * {LESSONS} + j) % 12,
           NOT (m = 1 AND j = 2), '',
           CASE WHEN j = {LESSONS - 1} THEN 'quiz' ELSE 'reading' END, true
    FROM generate_series(1, {COURSES}) c, generate_series(0, {MODULES - 1}) m,
         generate_series(0, {LESSONS - 1}) j
    """,
    """
    INSERT INTO courses_accreditingbody (id, name, abbreviation, website) VALUES
      (1, 'National Certification Board for Therapeutic Massage & Bodywork', 'NCBTMB',
       'https://www.ncbtmb.org'),
      (2, 'Complementary and Natural Healthcare Council', 'CNHC', 'https://www.cnhc.org.uk')
    """,
    """
    INSERT INTO courses_accreditation (course_id, body_id, provider_name, provider_number,
                                       provider_contact, approved_title, approved_hours,
                                       delivery_type, valid_from, valid_until)
    SELECT id, 1 + id % 2, 'Bodywork Academy Ltd', 'P-' || (4000 + id),
           '12 Harbour Street, Leith, EH6 6QN', title, ce_hours, 'home_study',
           (now() - interval '800 days')::date, NULL
    FROM courses_course WHERE id % 4 = 0
    """,
    f"""
    INSERT INTO courses_quiz (id, lesson_id, pass_mark, attempts_allowed, time_limit_minutes,
                              shuffle_questions, shuffle_choices, draw_count, review_marks,
                              review_answers)
    SELECT (c - 1) * {MODULES} + m + 1,
           (c - 1) * {MODULES * LESSONS} + m * {LESSONS} + {LESSONS},
           70, CASE WHEN c % 2 = 0 THEN 3 END, NULL, true, true, NULL, 'immediately', 'after_last'
    FROM generate_series(1, {COURSES}) c, generate_series(0, {MODULES - 1}) m
    """,
    f"""
    INSERT INTO courses_question (id, quiz_id, position, created_at)
    SELECT (q - 1) * {QUESTIONS} + k + 1, q, k, now() - interval '700 days'
    FROM generate_series(1, {COURSES * MODULES}) q, generate_series(0, {QUESTIONS - 1}) k
    """,
    """
    INSERT INTO courses_questionversion (id, question_id, number, kind, name, prompt, prompt_html,
                                         points, general_feedback, created_at)
    SELECT id, id, 1, 'single', 'Question ' || id,
           'Which structure does **fascia** surround? (' || id || ')',
           '<p>Which structure does <strong>fascia</strong> surround? (' || id || ')</p>',
           1, 'Fascia surrounds every muscle fibre, bundle and muscle.', created_at
    FROM courses_question
    """,
    f"""
    INSERT INTO courses_choice (id, version_id, position, text, fraction, feedback,
                                numeric_value, tolerance, match_prompt)
    SELECT (v.id - 1) * {CHOICES} + n + 1, v.id, n,
           ({_array(["Every muscle fibre", "Only the skin", "Only bones", "Nothing"])})[n + 1],
           CASE WHEN n = 0 THEN 1 ELSE 0 END,
           CASE WHEN n = 0 THEN 'Right.' ELSE 'Look again at the lesson on layers.' END,
           NULL, NULL, ''
    FROM courses_questionversion v, generate_series(0, {CHOICES - 1}) n
    """,
    f"""
    INSERT INTO courses_questionstatistic (version_id, responses, facility, discrimination,
                                           choice_counts, computed_at)
    SELECT v.id, 400 + v.id % 300, 0.55 + (v.id % 40) / 100.0, 0.1 + (v.id % 50) / 100.0,
           jsonb_build_object(((v.id - 1) * {CHOICES} + 1)::text, 300,
                              ((v.id - 1) * {CHOICES} + 2)::text, 60,
                              ((v.id - 1) * {CHOICES} + 3)::text, 30,
                              ((v.id - 1) * {CHOICES} + 4)::text, 10),
           now() - interval '1 hour'
    FROM courses_questionversion v
    """,
]

# Most practitioners take one course, some two, a few three to six; popular courses are skewed
# towards the low numbers (course 1 has about 7% of all enrollments).
ENROLLMENTS = [
    f"""
    CREATE TEMP TABLE bench_enrollment AS
    WITH wanted AS (
        SELECT id AS practitioner_id,
               CASE WHEN r < 0.86 THEN 1 WHEN r < 0.97 THEN 2
                    ELSE 3 + floor(random() * 4)::int END AS k
        FROM (SELECT id, random() AS r FROM academy_user WHERE id > {INSTRUCTORS}) u
    ), drawn AS (
        SELECT DISTINCT w.practitioner_id,
               1 + floor({COURSES} * power(random(), 2.2))::int AS course_id
        FROM wanted w, generate_series(1, w.k)
    ), dated AS (
        SELECT practitioner_id, course_id,
               now() - interval '10 days' - random() * interval '720 days' AS enrolled_at,
               random() < {COMPLETED_SHARE} AS completed
        FROM drawn
    )
    SELECT row_number() OVER (ORDER BY enrolled_at) AS id, practitioner_id, course_id,
           enrolled_at,
           CASE WHEN completed
                THEN least(enrolled_at + interval '2 days' + random() * interval '60 days',
                           now() - interval '1 hour') END AS completed_at,
           CASE WHEN completed THEN {MODULES * LESSONS}
                ELSE floor({MODULES * LESSONS - 1} * power(random(), 1.6))::int END AS done
    FROM dated
    """,
    """
    INSERT INTO courses_enrollment (id, practitioner_id, course_id, enrolled_at, completed_at)
    SELECT id, practitioner_id, course_id, enrolled_at, completed_at FROM bench_enrollment
    """,
]

# When the enrollment `e` completed its lesson at position `p`: spread evenly up to the course's
# completion, or a lesson a day for those still in progress.
COMPLETED_AT = f"""
    CASE WHEN e.completed_at IS NOT NULL
         THEN e.enrolled_at + (e.completed_at - e.enrolled_at) * (p + 1) / {MODULES * LESSONS}
         ELSE least(e.enrolled_at + p * interval '1 day', now() - interval '1 hour') END"""

# The first `done` lessons of each enrollment, in course order.
COMPLETIONS = [
    f"""
    INSERT INTO courses_lessoncompletion (enrollment_id, lesson_id, completed_at)
    SELECT e.id, (e.course_id - 1) * {MODULES * LESSONS} + p + 1, {COMPLETED_AT}
    FROM bench_enrollment e, generate_series(0, e.done - 1) p
    """,
]

# A passed attempt behind every completed quiz lesson (after a failed one now and then), and for
# in-progress enrollments standing at a quiz lesson: a failed or an open attempt.
ATTEMPTS = [
    f"""
    CREATE TEMP TABLE bench_layout AS
    SELECT q AS quiz_id,
           jsonb_agg(jsonb_build_object(
               'version', (q - 1) * {QUESTIONS} + k + 1,
               'choices', jsonb_build_array(
                   ((q - 1) * {QUESTIONS} + k) * {CHOICES} + 2,
                   ((q - 1) * {QUESTIONS} + k) * {CHOICES} + 1,
                   ((q - 1) * {QUESTIONS} + k) * {CHOICES} + 4,
                   ((q - 1) * {QUESTIONS} + k) * {CHOICES} + 3)) ORDER BY k) AS layout
    FROM generate_series(1, {COURSES * MODULES}) q, generate_series(0, {QUESTIONS - 1}) k
    GROUP BY q
    """,
    f"""
    CREATE TEMP TABLE bench_quiz_pass AS
    SELECT e.id AS enrollment_id, e.practitioner_id, e.course_id,
           (e.course_id - 1) * {MODULES} + p / {LESSONS} + 1 AS quiz_id,
           {COMPLETED_AT} AS completed_at,
           1 + (random() < 0.22)::int + (random() < 0.06)::int AS tries
    FROM bench_enrollment e, generate_series(0, e.done - 1) p
    WHERE p % {LESSONS} = {LESSONS - 1}
    """,
    """
    INSERT INTO courses_attempt (practitioner_id, quiz_id, number, started_at, deadline_at,
                                 submitted_at, layout, points, max_points, score, passed)
    SELECT s.practitioner_id, s.quiz_id, s.number, s.started_at, NULL,
           s.started_at + interval '9 minutes', l.layout, s.points, 10, s.points * 10,
           s.points >= 7
    FROM (
        SELECT t.practitioner_id, t.quiz_id, n AS number,
               t.completed_at - (t.tries - n + 1) * interval '25 minutes' AS started_at,
               CASE WHEN n = t.tries THEN 7 + floor(random() * 4)::int
                    ELSE floor(random() * 7)::int END AS points
        FROM bench_quiz_pass t, generate_series(1, t.tries) n
    ) s JOIN bench_layout l ON l.quiz_id = s.quiz_id
    """,
    f"""
    INSERT INTO courses_attempt (practitioner_id, quiz_id, number, started_at, deadline_at,
                                 submitted_at, layout, points, max_points, score, passed)
    SELECT e.practitioner_id, q.quiz_id, 1, s.started_at,
           NULL, CASE WHEN s.open THEN NULL ELSE s.started_at + interval '11 minutes' END,
           l.layout, CASE WHEN s.open THEN NULL ELSE s.points END,
           CASE WHEN s.open THEN NULL ELSE 10 END,
           CASE WHEN s.open THEN NULL ELSE s.points * 10 END,
           CASE WHEN s.open THEN NULL ELSE false END
    FROM bench_enrollment e
    CROSS JOIN LATERAL (SELECT (e.course_id - 1) * {MODULES} + e.done / {LESSONS} + 1 AS quiz_id) q
    CROSS JOIN LATERAL (
        SELECT least(e.enrolled_at + e.done * interval '1 day', now() - interval '2 hours')
                   AS started_at,
               e.id % 2 = 0 AS open, (e.id % 7)::int AS points
    ) s
    JOIN bench_layout l ON l.quiz_id = q.quiz_id
    WHERE e.completed_at IS NULL AND e.done % {LESSONS} = {LESSONS - 1}
    """,
]

# Ten responses per submitted attempt (the first `points` questions right), three per open one.
RESPONSES = [
    f"""
    INSERT INTO courses_response (attempt_id, version_id, answer, saved_at, points, correct)
    SELECT a.id, (a.quiz_id - 1) * {QUESTIONS} + k + 1,
           jsonb_build_array(((a.quiz_id - 1) * {QUESTIONS} + k) * {CHOICES}
                             + CASE WHEN k < coalesce(a.points, 0) THEN 1 ELSE 2 + k % 3 END),
           coalesce(a.submitted_at, a.started_at + interval '3 minutes'),
           CASE WHEN a.submitted_at IS NULL THEN NULL
                WHEN k < a.points THEN 1 ELSE 0 END,
           CASE WHEN a.submitted_at IS NULL THEN NULL ELSE k < a.points END
    FROM courses_attempt a,
         generate_series(0, CASE WHEN a.submitted_at IS NULL THEN 2 ELSE {QUESTIONS - 1} END) k
    """,
]

# Codes come from Python (bench_code); everything printed is frozen in `snapshot` as the issuing
# service does, and `credential` / `credential_jwt` carry an Open Badges credential of the same
# size as the real one.
CERTIFICATES_SQL = [
    """
    CREATE TEMP TABLE bench_instructors AS
    SELECT r.course_id, jsonb_agg(u.full_name ORDER BY r.position, r.id) AS names
    FROM courses_courseinstructor r JOIN academy_user u ON u.id = r.instructor_id
    GROUP BY r.course_id
    """,
    """
    CREATE TEMP TABLE bench_current AS
    SELECT e.id AS enrollment_id, e.completed_at, u.email, u.full_name, e.course_id,
           row_number() OVER (ORDER BY e.completed_at, e.id) AS n,
           random() < 0.02 AS revoked
    FROM courses_enrollment e JOIN academy_user u ON u.id = e.practitioner_id
    WHERE e.completed_at IS NOT NULL
    """,
    """
    CREATE TEMP TABLE bench_certificate AS
    SELECT c.n, k.code, c.enrollment_id, c.revoked,
           c.completed_at + interval '1 second' AS created_at,
           c.completed_at + interval '20 seconds' AS issued_at,
           jsonb_build_object(
               'code', k.code,
               'verification_url', 'https://academy.example/verify/' || k.code || '/',
               'platform_name', 'Bodywork Academy',
               'platform_url', 'https://academy.example/',
               'holder_name', c.full_name,
               'course_title', coalesce(a.approved_title, co.title),
               'course_url', 'https://academy.example/courses/' || co.slug || '/',
               'course_summary', co.summary,
               'ce_hours', co.ce_hours::text,
               'delivery_type', 'Home study',
               'completed_on', (c.completed_at at time zone 'UTC')::date::text,
               'issued_on', (c.completed_at at time zone 'UTC')::date::text,
               'instructor_names', coalesce(i.names, '[]'::jsonb),
               'administrator_name', 'Dr Morag Lindsay',
               'accreditation', CASE WHEN a.id IS NULL THEN NULL ELSE jsonb_build_object(
                   'body_name', b.name, 'body_abbreviation', b.abbreviation,
                   'provider_name', a.provider_name, 'provider_number', a.provider_number,
                   'provider_contact', a.provider_contact, 'approved_title', a.approved_title,
                   'approved_hours', a.approved_hours::text) END,
               'recipient_hash', 'sha256$' || encode(sha256(convert_to(c.email || s.salt,
                                                                        'UTF8')), 'hex'),
               'recipient_salt', s.salt,
               'extra', '{}'::jsonb) AS snapshot
    FROM bench_current c
    JOIN bench_code k ON k.n = c.n
    JOIN courses_course co ON co.id = c.course_id
    LEFT JOIN courses_accreditation a ON a.course_id = co.id
    LEFT JOIN courses_accreditingbody b ON b.id = a.body_id
    LEFT JOIN bench_instructors i ON i.course_id = co.id
    CROSS JOIN LATERAL (SELECT md5(c.n::text || random()::text) AS salt) s
    """,
    """
    CREATE TEMP TABLE bench_credential AS
    SELECT n, jsonb_build_object(
        '@context', jsonb_build_array('https://www.w3.org/ns/credentials/v2',
                                      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'),
        'id', 'https://academy.example/certificates/' || code || '.json',
        'type', jsonb_build_array('VerifiableCredential', 'OpenBadgeCredential'),
        'issuer', jsonb_build_object('id', 'https://academy.example/issuer',
                                     'type', jsonb_build_array('Profile'),
                                     'name', 'Bodywork Academy',
                                     'url', 'https://academy.example/'),
        'validFrom', to_char(issued_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'name', (snapshot ->> 'course_title') || ' — Certificate of Completion',
        'description', 'Certificate of completion for “' || (snapshot ->> 'course_title')
                       || '”: ' || (snapshot ->> 'ce_hours') || ' CE hours, home study.',
        'credentialSubject', jsonb_build_object(
            'type', jsonb_build_array('AchievementSubject'),
            'identifier', jsonb_build_array(jsonb_build_object(
                'type', 'IdentityObject', 'identityHash', snapshot ->> 'recipient_hash',
                'identityType', 'emailAddress', 'hashed', true,
                'salt', snapshot ->> 'recipient_salt')),
            'creditsEarned', (snapshot ->> 'ce_hours')::numeric,
            'achievement', jsonb_build_object(
                'id', snapshot ->> 'course_url',
                'type', jsonb_build_array('Achievement'),
                'achievementType', 'CertificateOfCompletion',
                'name', snapshot ->> 'course_title',
                'description', snapshot ->> 'course_summary',
                'criteria', jsonb_build_object('id', snapshot ->> 'course_url',
                                               'narrative', 'Complete the course.'),
                'creditsAvailable', (snapshot ->> 'ce_hours')::numeric)),
        'credentialSchema', jsonb_build_array(jsonb_build_object(
            'id', 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/'
                  'ob_v3p0_achievementcredential_schema.json',
            'type', '1EdTechJsonSchemaValidator2019'))) AS credential
    FROM bench_certificate
    """,
    """
    INSERT INTO courses_certificate (id, enrollment_id, code, status, created_at, lease_until,
                                     tries, last_error, blocked_reason, snapshot, issued_at,
                                     pdf_key, pdf_sha256, credential, credential_jwt, emailed_at,
                                     revoked_at, revocation_reason, superseded_by_id,
                                     course_id)
    SELECT c.n, c.enrollment_id, c.code, CASE WHEN c.revoked THEN 'revoked' ELSE 'issued' END,
           c.created_at, NULL, 1, '', '', c.snapshot, c.issued_at,
           'certificates/' || c.code || '.pdf',
           encode(sha256(convert_to(c.code, 'UTF8')), 'hex'),
           r.credential,
           'eyJhbGciOiJFZERTQSIsImtpZCI6ImtleS0xIiwidHlwIjoiSldUIn0.'
           || translate(encode(convert_to(r.credential::text, 'UTF8'), 'base64'),
                        E'+/=\n', '-_')
           || '.' || translate(encode(sha512(convert_to(c.code, 'UTF8')), 'base64'),
                               E'+/=\n', '-_'),
           c.issued_at + interval '5 seconds',
           CASE WHEN c.revoked THEN c.issued_at + interval '30 days' END,
           CASE WHEN c.revoked THEN 'Issued in error: the practical was not assessed.'
                ELSE '' END,
           NULL,
           (SELECT e.course_id FROM courses_enrollment e WHERE e.id = c.enrollment_id)
    FROM bench_certificate c JOIN bench_credential r ON r.n = c.n
    """,
    # Older certificates that a re-issue replaced, up to the wanted total.
    """
    INSERT INTO courses_certificate (id, enrollment_id, code, status, created_at, lease_until,
                                     tries, last_error, blocked_reason, snapshot, issued_at,
                                     pdf_key, pdf_sha256, credential, credential_jwt, emailed_at,
                                     revoked_at, revocation_reason, superseded_by_id,
                                     course_id)
    SELECT k.n, c.enrollment_id, k.code, 'superseded', c.created_at - interval '3 days', NULL,
           1, '', '', jsonb_set(c.snapshot, '{code}', to_jsonb(k.code)),
           c.issued_at - interval '3 days', 'certificates/' || k.code || '.pdf',
           encode(sha256(convert_to(k.code, 'UTF8')), 'hex'), c.credential, c.credential_jwt,
           c.emailed_at - interval '3 days', NULL, '', c.id, c.course_id
    FROM (SELECT *, row_number() OVER (ORDER BY random()) AS pick
          FROM courses_certificate WHERE status = 'issued') c
    JOIN bench_code k ON k.n = (SELECT count(*) FROM bench_certificate) + c.pick
    """,
    """
    INSERT INTO courses_certificateevent (certificate_id, kind, at, actor_id, note)
    SELECT c.id, e.kind, e.at, e.actor, e.note
    FROM courses_certificate c
    JOIN courses_enrollment en ON en.id = c.enrollment_id
    CROSS JOIN LATERAL (VALUES
        ('requested', c.created_at, NULL::bigint, ''),
        ('issued', c.issued_at, NULL, ''),
        ('emailed', c.emailed_at, NULL, '')) e(kind, at, actor, note)
    UNION ALL
    SELECT c.id, 'revoked', c.revoked_at, 1 + (en.course_id - 1) % 40, c.revocation_reason
    FROM courses_certificate c JOIN courses_enrollment en ON en.id = c.enrollment_id
    WHERE c.status = 'revoked'
    UNION ALL
    SELECT c.id, 'reissued', c.issued_at + interval '3 days', 1 + (en.course_id - 1) % 40,
           'Name corrected at the practitioner''s request.'
    FROM courses_certificate c JOIN courses_enrollment en ON en.id = c.enrollment_id
    WHERE c.status = 'superseded'
    """,
]

# Tables whose ids were given explicitly: their identity sequences continue after the fill.
EXPLICIT_ID_TABLES = (
    "academy_user",
    "courses_topic",
    "courses_course",
    "courses_module",
    "courses_lesson",
    "courses_accreditingbody",
    "courses_quiz",
    "courses_question",
    "courses_questionversion",
    "courses_choice",
    "courses_enrollment",
    "courses_certificate",
)
