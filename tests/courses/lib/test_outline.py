from types import SimpleNamespace

from courses.lib.outline import State, build_outline


def lessons(*required: bool) -> list:
    module = SimpleNamespace(pk=1, title="Module 1")
    return [
        SimpleNamespace(
            pk=i + 1, title=f"Lesson {i + 1}", required=r, module_id=1, module=module, minutes=10
        )
        for i, r in enumerate(required)
    ]


def test_in_order_course_locks_everything_after_the_first_unfinished_required_lesson():
    outline = build_outline(
        lessons=lessons(True, True, True), completed_ids={1}, order_required=True
    )

    assert [e.state for e in outline.entries] == [State.DONE, State.OPEN, State.LOCKED]
    assert "Lesson 2" in outline.entries[2].locked_reason
    assert outline.first_unfinished.pk == 2


def test_optional_lessons_do_not_lock_what_follows():
    outline = build_outline(lessons=lessons(False, True), completed_ids=set(), order_required=True)

    assert [e.state for e in outline.entries] == [State.OPEN, State.OPEN]


def test_free_order_course_locks_nothing():
    outline = build_outline(
        lessons=lessons(True, True, True), completed_ids=set(), order_required=False
    )

    assert all(e.state is State.OPEN for e in outline.entries)


def test_percent_counts_required_lessons_only():
    outline = build_outline(
        lessons=lessons(True, False, True, True), completed_ids={1, 2}, order_required=False
    )

    assert (outline.required_done, outline.required_total, outline.percent) == (1, 3, 33)


def test_neighbours_follow_the_course_order():
    items = lessons(True, True, True)
    outline = build_outline(lessons=items, completed_ids=set(), order_required=False)

    assert outline.neighbours(items[0]) == (None, items[1])
    assert outline.neighbours(items[2]) == (items[1], None)
