"""A view changes rows only through a service: no view module saves, creates, updates or deletes rows,
nor calls a model's write method. An AST walk over every app's views.py and views/*.py."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Calls that write rows, whatever they are called on (a model, a queryset, a manager, a form).
WRITES = {"save", "create", "get_or_create", "update_or_create", "update", "delete", "bulk_create", "bulk_update"}
# The models' own write methods (each has a service: the services of shelter, face, tracing, family and oversight).
MODEL_WRITES = {
    "merge_into", "mark_late_seen", "mark_read", "refresh_last_arrival", "mark_repeats", "plan_review",
    "claim_review_reminder", "allocate_file_no", "count_out", "send", "move_person", "copy_person_facts",
    "make_main", "store",
    # tracing: records that are not steps, the case's deadlines, reminders, a case opened
    "allow_without_portrait", "mark_received", "restart_refresh", "recount_notice", "claim_reminder", "open_for",
    # family and oversight: a warning recorded, a problem's reminder claimed, the candidates re-ranked
    "notify_confirmed", "claim", "rerank",
}

# (module, line text) of calls that write no row (e.g. a dict's update), each said why. Keep it short:
# none is needed today.
ALLOWED: set[tuple[str, str]] = set()


def view_modules():
    found = {p for pattern in ("*/views.py", "*/views/*.py") for p in ROOT.glob(pattern)}
    return sorted(str(p.relative_to(ROOT)) for p in found if not p.relative_to(ROOT).parts[0].startswith("."))


def writes_in(module):
    """[(line, text)] of the calls in `module` that write rows, less the allowed ones."""
    source = (ROOT / module).read_text()
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr in WRITES or node.func.attr in MODEL_WRITES:
            text = lines[node.lineno - 1].strip()
            if (module, text) not in ALLOWED:
                found.append((node.lineno, text))
    return found


def test_the_view_modules_are_found():
    modules = view_modules()
    assert "shelter/views/people.py" in modules and "face/views.py" in modules
    assert not any(m.startswith(".venv") for m in modules)
    assert {"tracing/views/cases.py", "family/views/reports.py", "oversight/views/month.py"} <= set(modules)


@pytest.mark.parametrize("module", view_modules())
def test_a_view_module_writes_no_row(module):
    assert writes_in(module) == []


def test_a_write_in_a_view_is_caught(tmp_path, monkeypatch):
    """The check itself: a view that saves its form is named."""
    (tmp_path / "app" / "views").mkdir(parents=True)
    (tmp_path / "app" / "views" / "page.py").write_text(
        "def page(request, form):\n    form.save()\n    Person.objects.filter(pk=1).update(name='x')\n"
        "    person.merge_into(other, by, 'same')\n    case.allow_without_portrait(by, 'x')\n"
        "    referral.mark_received(at, 'police')\n    context = {}\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert [line for line, _ in writes_in("app/views/page.py")] == [2, 3, 4, 5, 6]
