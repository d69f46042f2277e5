"""Where code lives: forms in forms modules, never inside a view module."""

import importlib
import inspect
import pkgutil
from types import ModuleType

from django import forms
from django.forms.formsets import BaseFormSet

import learn.views
import teach.views

FORM_TYPES = (forms.BaseForm, BaseFormSet)


def _view_modules() -> list[ModuleType]:
    modules = []
    for package in (learn.views, teach.views):
        modules.append(package)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            modules.append(importlib.import_module(info.name))
    return modules


def _forms_defined_in(module: ModuleType) -> list[str]:
    return [
        name
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and value.__module__ == module.__name__
        and issubclass(value, FORM_TYPES)
    ]


def test_the_walk_sees_every_view_module():
    names = {module.__name__ for module in _view_modules()}
    assert {"learn.views.certificates", "teach.views.signoffs", "teach.views.structure"} <= names


def test_no_view_module_defines_a_form():
    found = {module.__name__: _forms_defined_in(module) for module in _view_modules()}
    found = {name: defined for name, defined in found.items() if defined}
    assert found == {}, "forms belong in learn/forms.py or teach/forms/: " + repr(found)


def test_the_check_sees_a_form_defined_in_a_module():
    module = ModuleType("learn.views.example")
    exec(  # noqa: S102
        "from django import forms\nclass ExampleForm(forms.Form):\n    name = forms.CharField()\n",
        vars(module),
    )
    assert _forms_defined_in(module) == ["ExampleForm"]
