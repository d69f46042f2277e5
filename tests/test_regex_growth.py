"""Every regular expression of the project against inputs built to make it backtrack: the work
must grow with the input, not with its square. Times are compared at n and 4n characters (a
linear expression takes about 4 times as long, a quadratic one 16 times), each the fastest of
several runs, so a busy machine slows both sizes alike rather than failing the test.

Every compiled pattern in the project's modules must appear in PATTERNS: a new one fails
test_every_pattern_is_fuzzed until it is given its adversarial inputs here. An expression
written inline (re.sub(r"...", ...)) cannot be found that way, so the source may hold none but
the one in credentials.load_public_keys, which reads the operator's key bundle, not user text."""

import contextlib
import importlib
import pkgutil
import re
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from types import ModuleType

import pytest

import academy
import courses
from academy.logs import redact
from courses.lib import gift

# Characters and fragments that start, continue or nearly close a match of many expressions.
GENERIC = ["a", "1", "<", "[", "\\", "-", ".", ":", " ", "/", "\\]", "a."]

# (module, attribute): how the code applies it, and fragments repeated to build the input.
PATTERNS: dict[tuple[str, str], tuple[str, list[str]]] = {
    ("courses.lib.gift", "_NUMBER"): ("fullmatch", ["1e", ".1", "+1"]),
    ("courses.lib.gift", "_WEIGHT"): ("fullmatch", [".1", "+1"]),
    ("courses.lib.gift", "_ID"): ("findall", ["[id:", "[id:\\]", "[id:a"]),
    ("courses.lib.gift", "_TAG"): ("findall", ["[tag:", "[tag:\\]", "[tag:a"]),
    ("courses.lib.gift", "_TAG_MARKUP"): ("sub", ["<<", "<a "]),
    ("learn.views.learner", "PROGRESS_MARKER"): (
        "sub",
        ["<!--progress:", "<!--progress:1", "<!--progress:1--"],
    ),
    ("courses.lib.credentials", "_IDENTITY_HASH"): ("fullmatch", ["sha256$", "sha256$a", "md5$1"]),
    ("courses.lib.credentials", "_COMPACT_JWS"): ("fullmatch", ["a.", "a.a.", "-_"]),
    ("teach.views.quiz_editor", "_ID"): ("fullmatch", ["1"]),
    ("learn.views.quizzes", "_PLACE"): ("fullmatch", ["1", "²"]),
    ("courses.lib.scoring", "_SCIENTIFIC"): ("match", ["1", "1.", ".1", " ", "1e", "e1"]),
    ("academy.fields", "_BREAKS"): ("sub", ["\n", "a\n", "\x00 ", "\u2028"]),
    ("courses.lib.video", "_YOUTUBE_ID"): ("match", ["a", "-"]),
    ("courses.lib.video", "_VIMEO_ID"): ("match", ["1"]),
    ("academy.logs", "_INCOMING_ID"): ("fullmatch", ["a", "._-"]),
    ("academy.logs", "_PRIVATE_KEY_BEGIN"): ("findall", ["-----BEGIN ", "-----BEGIN A", "A "]),
    ("academy.logs", "_PRIVATE_KEY_END"): ("findall", ["-----END ", "-----END A", "A "]),
    ("academy.logs", "_URL_PASSWORD"): ("sub", ["a://", "a://a:", "a://a:a", "a+", "a://a"]),
}

# A linear expression grows about 4 times over a 4 times longer input, a quadratic one about 16.
MAX_GROWTH = 10.0
RUNS = 5
SHORTEST_RUN = 0.003  # seconds: below this a timing is mostly the clock's noise


def project_modules() -> Iterator[ModuleType]:
    for package in (academy, courses):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".migrations" in info.name or info.name.endswith((".wsgi", ".asgi")):
                continue
            yield importlib.import_module(info.name)


def compiled_patterns() -> set[tuple[str, str]]:
    return {
        (module.__name__, name)
        for module in project_modules()
        for name, value in vars(module).items()
        if isinstance(value, re.Pattern)
    }


def fastest(work: Callable[[], object], repeat: int, runs: int = RUNS) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(repeat):
            work()
        best = min(best, time.perf_counter() - start)
    return best


def growth(apply: Callable[[str], object], build: Callable[[int], str]) -> tuple[float, int]:
    """Time at 4n over time at n, the lowest of up to three measurements: a super-linear
    expression is slow every time, while another job taking the core spoils one measurement
    now and then (seen: a linear pattern measured x10 once with the load average at 5)."""
    ratio, n = _growth_once(apply, build)
    for _ in range(2):
        if ratio <= MAX_GROWTH:
            break
        ratio = min(ratio, _growth_once(apply, build)[0])
    return ratio, n


def _growth_once(apply: Callable[[str], object], build: Callable[[int], str]) -> tuple[float, int]:
    """Time at 4n over time at n, for an n large enough to time (capped at 50,000 units)."""
    n, repeat = 250, 1
    while fastest(partial(apply, build(n)), repeat, runs=1) < SHORTEST_RUN:
        if n < 50_000:
            n *= 2
        elif repeat < 64:
            repeat *= 4
        else:
            break
    small, large = build(n), build(4 * n)
    return fastest(partial(apply, large), repeat) / fastest(partial(apply, small), repeat), n


def repeated(fragment: str, end: str, n: int) -> str:
    return fragment * n + end


def applier(pattern: re.Pattern[str], method: str) -> Callable[[str], object]:
    if method == "sub":
        return lambda text: pattern.sub(" ", text)
    return getattr(pattern, method)


def test_every_pattern_is_fuzzed() -> None:
    assert compiled_patterns() <= set(PATTERNS), "give each new pattern its adversarial inputs"


def test_no_expression_is_written_inline() -> None:
    inline = re.compile(r"\bre\.(?:sub|subn|match|fullmatch|search|findall|finditer|split)\(")
    found = {
        module.__name__
        for module in project_modules()
        if module.__file__ and inline.search(Path(module.__file__).read_text())
    }

    assert found <= {"courses.lib.credentials"}, "compile it at module level and add it to PATTERNS"


@pytest.mark.parametrize(("module", "name"), sorted(PATTERNS))
def test_pattern_work_grows_linearly_with_the_input(module: str, name: str) -> None:
    pattern = getattr(importlib.import_module(module), name)
    method, fragments = PATTERNS[(module, name)]
    apply = applier(pattern, method)
    slow = []
    for fragment in dict.fromkeys(fragments + GENERIC):
        for end in ("", "\x01"):
            ratio, n = growth(apply, partial(repeated, fragment, end))
            if ratio > MAX_GROWTH:
                slow.append(f"{fragment!r} * n + {end!r}: x{ratio:.1f} from n={n}")
    assert not slow, f"{module}.{name} is super-linear on: {slow}"


@pytest.mark.parametrize(
    "fragment",
    [
        "-----BEGIN A PRIVATE KEY-----",
        "-----BEGIN A PRIVATE KEY-----x-----END A PRIVATE KEY----",
        "a://a:",
        "a://a:a",
    ],
)
def test_log_redaction_grows_linearly_with_the_message(fragment: str) -> None:
    ratio, n = growth(redact, lambda n: fragment * n)
    assert ratio < MAX_GROWTH, f"{fragment!r}: x{ratio:.1f} from n={n}"


@pytest.mark.parametrize(
    "unit",
    [
        "<",
        "<<a",
        "[tag:",
        "{",
        "}",
        "~",
        "=",
        "#",
        "%",
        "%1",
        "::",
        "->",
        "\\",
        "1..",
        "\n",
        "\n\n",
    ],
)
def test_gift_reading_grows_linearly_with_the_file(unit: str) -> None:
    def parse(text: str) -> None:
        with contextlib.suppress(gift.GiftSyntaxError):
            gift.parse_gift(text)

    for build in (lambda n: unit * n, lambda n: "Q {=a ~b}\n// " + unit * n + "\nQ {=a ~b}"):
        ratio, n = growth(parse, build)
        assert ratio < MAX_GROWTH, f"{unit!r}: x{ratio:.1f} from n={n}"
