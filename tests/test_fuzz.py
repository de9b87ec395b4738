"""Bad input never answers 500: every route of the URL map, as the organisation's
Администратор (who may reach the most; what he may not, as the system administrator), with ids past 2^31, NUL bytes, 100,000
characters, impossible dates, negative pages, broken search strings, JSON of the wrong
type and JSON nested too deep. An answer refusing the input (400, 413, 422) says why in
Russian, and a refused write leaves the data as it was (the audit has no new row); a
redirect never carries a request's value of any size into its Location.

The bad values are rotated over the parameters: each URL gets three query strings and
three bodies per method, each giving every parameter another bad value, so that every
value reaches every kind of parameter across the routes while a URL costs a handful of
requests (the whole file runs in CI twice, on SQLite and on PostgreSQL)."""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from flask import got_request_exception
from sqlalchemy import func, select

HUGE_ID = 2**31 + 7
HUGE = "x" * 100_000
NUL = "abc\x00def"
# Values for text parameters; NUL only in the last round (it is refused before anything else reads the request).
VALUES = ["", HUGE, "0001-01-01", "9999-12-31", "31.02.2015", "-1", str(HUGE_ID), "(((", "true"]
# FAB's list arguments and the REST API's rison argument.
PAGES = ["-1", "", "abc", str(HUGE_ID), "99999999999999999999"]
ORDERS = ["junk", "", "x" * 300, "id"]
RISON = ["(((", "(page:-1,page_size:-5)", f"(page:{HUGE_ID},page_size:100000000000)",
         "(filters:!((col:zzz,opr:eq,value:1)))", "(order_column:zzz,order_direction:up)", "(columns:!(zzz))",
         "(keys:!(zzz))", "(filters:!((col:id,opr:eq,value:'(((')))"]
# JSON values of every wrong type, for the REST API.
JSON_VALUES = VALUES + [NUL, True, HUGE_ID, -1, None, [1, 2], {"a": [None]}, 1.5]
JSON_SPECIAL = ["{not json", "[" * 5000 + "]" * 5000, json.dumps([1, 2])]
# The parameter names our pages and FAB's lists read.
NAMES = ["group", "subject", "period", "date", "day", "week", "year", "learner", "learner_id", "page", "q",
         "month", "kind", "org", "back", "next", "start", "end", "dates_from", "dates_to", "run", "format",
         "fmt", "name", "value", "text", "title", "body", "topic", "status", "role", "resource", "level",
         "subgroup", "teacher", "hours", "token", "lesson", "mark", "code", "comment", "to", "section"]
SKIP = {"/logout/", "/login/", "/static/<path:filename>", "/appbuilder/static/<path:filename>",
        "/lang/<string:locale>"}
ROUNDS = 3
CHUNKS = 8
RUSSIAN = re.compile("[А-Яа-яЁё]")
MAX_LOCATION = 4096


def _rules(app):
    out = []
    for rule in app.url_map.iter_rules():
        if rule.rule in SKIP or rule.endpoint.endswith("static") or "swagger" in rule.rule:
            continue
        out.append(rule)
    return sorted(out, key=lambda r: (r.rule, sorted(r.methods)))


def _urls(rule) -> list[tuple[str, bool]]:
    """The rule with ordinary ids (1), and with ids past a 32-bit integer (and long text)."""
    urls = []
    for id_value, text, odd in ((1, "1", False), (HUGE_ID, "x" * 300, True)):
        values = {}
        for name, converter in rule._converters.items():
            kind = type(converter).__name__
            values[name] = (text if odd else "1") if name == "pk" else (
                id_value if "Integer" in kind else ("1.5" if kind == "FloatConverter" else text))
        try:
            urls.append((rule.build(values, append_unknown=False)[1], odd))
        except Exception:  # a converter with its own pattern (e.g. <any(...)>): none of these fit
            continue
    seen, out = set(), []
    for url, odd in urls:
        if url not in seen:
            seen.add(url)
            out.append((url, odd))
    return out


def _rotated(names, values, seed: int, round_: int) -> dict:
    """Each name gets another value in each round; together the names get every value.
    The 100,000 characters go to one name a request (they cost the most to send)."""
    small = [v for v in values if v is not HUGE]
    out = {name: small[(seed + j + round_ * 4) % len(small)] for j, name in enumerate(names)}
    if names:
        out[names[(seed * 7 + round_ * 5) % len(names)]] = HUGE
    return out


def _form_names(html: str) -> list[str]:
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', html)) - {"csrf_token"}
    return sorted(names)


def _list_args(app, rule, seed: int, round_: int) -> dict:
    """FAB's list arguments of the view behind ``rule``: page, page size, order, a filter."""
    view_name = rule.endpoint.split(".")[0]
    view = next((v for v in app.appbuilder.baseviews if type(v).__name__ == view_name), None)
    args = {f"page_{view_name}": PAGES[(seed + round_) % len(PAGES)],
            f"psize_{view_name}": PAGES[(seed + round_ + 1) % len(PAGES)],
            f"_oc_{view_name}": ORDERS[(seed + round_) % len(ORDERS)],
            f"_od_{view_name}": ["asc", "desc", "up"][round_ % 3]}
    columns = list(getattr(view, "search_columns", None) or [])
    for i, column in enumerate(columns[:3]):
        args[f"_flt_{(seed + i) % 10}_{column}"] = VALUES[(seed + round_ * 3 + i) % len(VALUES)]
    return args


def _text(response) -> str:
    if response.is_json:  # JSON escapes Cyrillic as \\uXXXX
        return json.dumps(response.get_json(silent=True), ensure_ascii=False)
    return response.get_data(as_text=True)


class Fuzzer:
    def __init__(self, app, client):
        from app.extensions import db
        from app.models.audit import AuditEntry

        self.app, self.client, self.problems, self.errors = app, client, [], []
        self.codes = Counter()  # answers by status (``pytest -s`` prints them)
        self.first = None  # the first answer to the rule being fuzzed
        self._db, self._audit = db, AuditEntry
        self.audit_rows = self._audit_rows()
        got_request_exception.connect(self._record, app)

    def _record(self, sender, exception, **extra):
        self.errors.append(f"{type(exception).__name__}: {str(exception)[:200]}")

    def _audit_rows(self) -> int:
        with self.app.app_context():
            return self._db.session.scalar(select(func.count()).select_from(self._audit))

    def send(self, method: str, url: str, what: str, write: bool = False, **kwargs):
        self.errors.clear()
        response = getattr(self.client, method.lower())(url, **kwargs)
        code = response.status_code
        self.codes[code] += 1
        self.first = code if self.first is None else self.first
        where = (method, url[:100], what)
        if code >= 500:
            self.problems.append((*where, code, self.errors[:1]))
        elif code in (400, 413, 422) and not RUSSIAN.search(_text(response)):
            self.problems.append((*where, f"{code} without Russian", _text(response)[:150]))
        location = response.headers.get("Location", "")
        if len(location) > MAX_LOCATION:
            self.problems.append((*where, f"Location of {len(location)} characters"))
        if write:
            rows = self._audit_rows()
            if code in (400, 413, 422) and rows != self.audit_rows:
                self.problems.append((*where, f"{code} but the audit has {rows - self.audit_rows} new rows"))
            self.audit_rows = rows
        return response


def _fuzz_rule(app, fuzzer: Fuzzer, rule, seed: int) -> bool:
    """Fuzz one rule; False if the user may not use it at all (its first answer is 403)."""
    api = rule.rule.startswith("/api/")
    fuzzer.first = None
    for url, odd in _urls(rule):
        rounds = range(1) if odd else range(ROUNDS)
        names = NAMES
        if "GET" in rule.methods:
            response = fuzzer.send("GET", url, "plain")
            if response.status_code == 200 and response.mimetype == "text/html":
                names = NAMES + [n for n in _form_names(response.get_data(as_text=True)) if n not in NAMES]
            for r in rounds:
                query = _rotated(NAMES, VALUES + ([NUL] if r == ROUNDS - 1 else []), seed, r)
                query.update(_list_args(app, rule, seed, r))
                if api:
                    query["q"] = RISON[(seed + r) % len(RISON)]
                fuzzer.send("GET", url, f"query round {r}", query_string=query)
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            if api:
                bodies = [json.dumps(_rotated(names, JSON_VALUES, seed, r)) for r in rounds]
                if not odd:
                    bodies += JSON_SPECIAL + [json.dumps({n: True for n in names})]
                for i, body in enumerate(bodies):
                    fuzzer.send(method, url, f"json {i}", write=True, data=body, content_type="application/json")
            else:
                for r in rounds:
                    form = _rotated(names, VALUES + ([NUL] if r == ROUNDS - 1 else []), seed, r)
                    fuzzer.send(method, url, f"form round {r}", write=True, data=form)
    return fuzzer.first != 403


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_no_route_answers_500_to_bad_input(app, client, login, world, chunk):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash is an answer of 500 here, as a user gets it
    login("admin1")
    fuzzer = Fuzzer(app, client)
    refused = []
    for index, rule in enumerate(_rules(app)):
        if index % CHUNKS == chunk and not _fuzz_rule(app, fuzzer, rule, seed=index):
            refused.append((index, rule))
    # What the organisation's Администратор may not use (the system's own pages), as the
    # system administrator.
    login("sysadmin")
    for index, rule in refused:
        _fuzz_rule(app, fuzzer, rule, seed=index)
    print(f"chunk {chunk}: {sum(fuzzer.codes.values())} requests, answers {dict(sorted(fuzzer.codes.items()))}")
    assert not fuzzer.problems, "\n".join(map(repr, fuzzer.problems))
