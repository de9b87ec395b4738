"""Every hook is typed, named by its family, says when it is called and what its
return means, and is listed in the README's plugin guide with its exact signature
(as datasette's tests/test_docs.py keeps its plugin hooks documented)."""
from __future__ import annotations

import fnmatch
import inspect
import pathlib
import re

import pytest

from app import hookspecs

ROOT = pathlib.Path(__file__).resolve().parent.parent
GUIDE_HEADING = "## Как написать плагин"
# A hook in the guide: a list item starting with its signature in backquotes.
GUIDE_HOOK = re.compile(r"^- `(?P<name>\w+)\((?P<params>[^)]*)\) -> (?P<returns>[^`]+)`", re.MULTILINE)

SPECS = {name: f for name, f in sorted(vars(hookspecs).items())
         if callable(f) and hasattr(f, f"{hookspecs.hookspec.project_name}_spec")}


def signature_text(spec) -> str:
    """``name(param: type, …) -> type`` as written in app/hookspecs.py (annotations stay text there)."""
    sig = inspect.signature(spec)
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    return f"{spec.__name__}({params}) -> {sig.return_annotation}"


def plugin_guide() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert GUIDE_HEADING in readme, "README.md has no plugin guide"
    section = readme.split(GUIDE_HEADING, 1)[1]
    return re.split(r"^## ", section, maxsplit=1, flags=re.MULTILINE)[0]


def guide_signatures() -> dict[str, str]:
    return {m["name"]: f"{m['name']}({m['params']}) -> {m['returns']}" for m in GUIDE_HOOK.finditer(plugin_guide())}


def test_there_are_hooks_to_check():
    assert len(SPECS) >= 15


@pytest.mark.parametrize("name", list(SPECS))
def test_hook_has_a_docstring_saying_when_and_what(name):
    doc = inspect.getdoc(SPECS[name]) or ""
    assert "Called" in doc, f"hook {name}: the docstring does not say when it is called"
    assert "Return" in doc or "return value is ignored" in doc, \
        f"hook {name}: the docstring does not say what its return means"


@pytest.mark.parametrize("name", list(SPECS))
def test_hook_is_typed(name):
    sig = inspect.signature(SPECS[name])
    assert "host" in sig.parameters, f"hook {name} must receive the host"
    untyped = [p.name for p in sig.parameters.values() if p.annotation is inspect.Parameter.empty]
    assert untyped == [], f"hook {name}: parameters without a type: {untyped}"
    assert sig.return_annotation is not inspect.Signature.empty, f"hook {name}: no return type"


@pytest.mark.parametrize("name", list(SPECS))
def test_hook_belongs_to_a_family(name):
    assert any(fnmatch.fnmatchcase(name, family) for family in hookspecs.FAMILIES), \
        f"hook {name} is in none of the families {hookspecs.FAMILIES}"


@pytest.mark.parametrize("name", list(SPECS))
def test_questions_are_first_result(name):
    """A ``get_*`` hook asks one question: the first answer wins, and its docstring says so."""
    firstresult = SPECS[name].ejournal_spec.get("firstresult", False)
    assert firstresult == name.startswith("get_"), f"hook {name}: firstresult only and always for get_*"
    if firstresult:
        assert "first" in inspect.getdoc(SPECS[name]), f"hook {name}: the docstring does not say the first answer wins"


@pytest.mark.parametrize("name", list(SPECS))
def test_hook_is_in_the_readme_with_its_signature(name):
    documented = guide_signatures()
    assert name in documented, f"hook {name} is missing from the README's plugin guide"
    assert documented[name] == signature_text(SPECS[name]), \
        f"hook {name}: the README says {documented[name]!r}, app/hookspecs.py {signature_text(SPECS[name])!r}"


def test_the_readme_lists_no_hook_that_does_not_exist():
    assert sorted(set(guide_signatures()) - set(SPECS)) == []


# Places still calling pluggy's hooks by hand instead of the host's typed methods;
# the list only shrinks.
STILL_CALLING_HOOKS: set[str] = set()


def test_hooks_are_called_only_through_the_host():
    hand_calls = {path.relative_to(ROOT).as_posix()
                  for folder in ("app", "plugins", "tests") for path in (ROOT / folder).rglob("*.py")
                  if ".hook." in path.read_text(encoding="utf-8")}
    assert hand_calls - {"app/plugins.py", "tests/test_hook_docs.py"} == STILL_CALLING_HOOKS


def test_implementations_use_plain_hook_names():
    """One module per part, each hook under its own name: no implementation aliased to
    a hook of another name with pluggy's ``specname`` option."""
    alias = "spec" + "name="
    found = {path.relative_to(ROOT).as_posix()
             for folder in ("app", "plugins", "tests") for path in (ROOT / folder).rglob("*.py")
             if alias in path.read_text(encoding="utf-8")}
    assert found == set()
