"""Property-based fuzzing of every endpoint in url_map (hypothesis): each identity sends generated
values of every kind (NUL/control/surrogate characters, 100k characters, file parts where text is
expected and text where files are, huge and odd numbers, duplicated and missing fields, odd ids in
paths). No answer may be a 5xx, and a refused request (4xx) must leave the database unchanged.

FUZZ_EXAMPLES (default 150) and FUZZ_SEED (default: random) tune a run; both are printed.
"""
from __future__ import annotations

import hashlib
import io
import os
import random
import re
import time
from collections import defaultdict
from urllib.parse import quote_from_bytes, urlsplit

from flask import url_for
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.security.access_matrix import MATRIX
from tests.security.world import IDENTITIES
from webapp.extensions import db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
SEED = int(os.environ.get("FUZZ_SEED") or random.SystemRandom().randrange(2 ** 32))
# Tables a refused request may legitimately change: counters, audit, sessions, queued mail.
COUNTER_TABLES = {"audit_event", "rate_limit_hit", "sign_in_throttle", "passcode_challenge", "user_session",
                  "outgoing_mail", "search_pending", "alembic_version"}
SKIP = {"static"}

ODD_TEXT = st.text(alphabet=st.characters(codec=None, categories=None), max_size=40)  # incl. NUL, controls, surrogates
NUMBERS = st.one_of(st.integers(min_value=-(2 ** 80), max_value=2 ** 80).map(str),
                    st.sampled_from(["9223372036854775808", "99999999999999999999", "-1", "0", "1e309", "NaN",
                                     "0x10", "1.5", " 7 ", "", "１２"]))
VALUES = st.one_of(ODD_TEXT, NUMBERS, st.just("A" * 100_000), st.sampled_from(["y", "on", "claims", "password",
                                                                                "claims-inquiry", "open", "\x00"]),
                   st.binary(max_size=64).map(lambda b: ("file", b)))
PATH_VALUES = st.sampled_from(["owned", "missing", "9223372036854775808", "99999999999999999999999",
                               "%00", "..%2F..", "-1"])


def _form_fields(world) -> dict[str, set[str]]:
    """Field names of the forms each page shows, by the path the form sends to (found once)."""
    if "form_fields" in world.args:
        return world.args["form_fields"]
    fields: dict[str, set[str]] = defaultdict(set)
    world.args["form_fields"] = fields
    for rule in world.app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP or rule.endpoint == "auth.sign_out":
            continue
        with world.app.test_request_context():
            url = url_for(rule.endpoint, **{name: world.args[name] for name in rule.arguments})
        for identity in ("anon", "staff", "loa", "agent", "admin"):
            page = world.client(identity).get(url).get_data(as_text=True)
            for form in re.finditer(r"<form\b([^>]*)>(.*?)</form>", page, re.S):
                action = re.search(r'action="([^"]*)"', form.group(1))
                path = urlsplit(action.group(1).replace("&amp;", "&")).path if action else urlsplit(url).path
                fields[path].update(re.findall(r'\bname="([^"]+)"', form.group(2)))
    return fields


class Unchanged:
    """Whether a refused request left stored records alone; the digest before a request is the one
    after the previous request unless that one may have changed something (2xx/3xx)."""

    def __init__(self, app):
        self.app, self.last = app, None

    def before(self) -> str:
        if self.last is None:
            self.last = _fingerprint(self.app)
        return self.last

    def after(self, status: int, before: str) -> bool:
        if status < 400 or status == 404:
            self.last = None if status < 400 else before
            return True
        self.last = _fingerprint(self.app)
        return self.last == before


def _fingerprint(app) -> str:
    """A digest of every table but the counters: any change to stored records shows."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in sorted(db.metadata.sorted_tables, key=lambda t: t.name):
            if table.name in COUNTER_TABLES:
                continue
            rows = db.session.execute(select(table)).all()
            digest.update(f"{table.name}:{len(rows)}:{rows!r}".encode())
        db.session.remove()
    return digest.hexdigest()


def _body(pairs):
    """Form-encoded body: percent-encoded raw bytes, so lone surrogates travel as an attacker sends them."""
    def enc(value: str) -> str:
        return quote_from_bytes(value.encode("utf-8", "surrogatepass"))
    return "&".join(f"{enc(name)}={enc(value)}" for name, value in pairs)


def _multipart(pairs):
    data = MultiDict()
    for name, value in pairs:
        if isinstance(value, tuple):
            data.add(name, (io.BytesIO(value[1]), "upload.pdf"))
        else:
            data.add(name, value.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
    return data


def test_no_input_gives_a_5xx_and_refusals_change_nothing(world):
    app = world.app
    app.config["PROPAGATE_EXCEPTIONS"] = False
    t0 = time.perf_counter()
    fields = _form_fields(world)
    t1 = time.perf_counter()
    _fingerprint(app)
    print(f"fuzz set-up: form discovery {t1 - t0:.1f} s, one fingerprint {time.perf_counter() - t1:.2f} s")
    all_names = sorted({name for names in fields.values() for name in names} | {"id", "q"})
    rules = sorted(((rule, method) for rule in app.url_map.iter_rules() if rule.endpoint not in SKIP
                    for method in sorted(rule.methods - {"HEAD", "OPTIONS"})), key=lambda rm: (rm[0].rule, rm[1]))
    ran = {"examples": 0, "5xx": []}
    unchanged = Unchanged(app)
    started = time.perf_counter()

    @seed(SEED)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(target=st.sampled_from(rules), identity=st.sampled_from(list(IDENTITIES)), data=st.data())
    def send(target, identity, data):
        rule, method = target
        path_args = {}
        for name in rule.arguments:
            choice = data.draw(PATH_VALUES, label=name)
            path_args[name] = {"owned": world.args.get(name), "missing": world.missing.get(name, "x")}.get(choice, choice)
        url = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(path_args[m.group(1)]), rule.rule)
        names = sorted(fields.get(urlsplit(url).path, set())) or all_names
        pairs = data.draw(st.lists(st.tuples(st.sampled_from(names + all_names[:5]), VALUES), max_size=8), label="fields")
        has_file = any(isinstance(v, tuple) for _, v in pairs)
        client = world.client(identity)
        before = unchanged.before()
        if method == "GET":
            query = _body([(n, v if isinstance(v, str) else "f") for n, v in pairs])
            response = client.get(url + ("?" + query if query else ""))
        elif has_file:
            response = client.open(url, method=method, data=_multipart(pairs), content_type="multipart/form-data")
        else:
            response = client.open(url, method=method, data=_body(pairs),
                                   content_type="application/x-www-form-urlencoded")
        ran["examples"] += 1
        status = response.status_code
        if status >= 500:
            ran["5xx"].append(f"{method} {url} as {identity} with {[n for n, _ in pairs]}: {status}")
            unchanged.last = None
        elif not unchanged.after(status, before):
            raise AssertionError(f"{method} {url} as {identity} was refused ({status}) but changed data")
        if rule.endpoint in ("auth.sign_out", "profile.sign_out_other_sessions"):
            world.resign_in(identity)

    send()
    print(f"fuzz: {ran['examples']} examples over {len(rules)} endpoint+method pairs, seed {SEED}, "
          f"in {time.perf_counter() - started:.1f} s, 5xx found: {len(ran['5xx'])}  (rerun: FUZZ_SEED={SEED} FUZZ_EXAMPLES={EXAMPLES})")
    assert ran["5xx"] == [], "\n".join(ran["5xx"][:20])


ODD_SHAPES = {
    "file parts for every field": lambda names: MultiDict((n, (io.BytesIO(b"\x00\xffjunk{["), "x.json")) for n in names),
    "64-bit overflow in every field": lambda names: MultiDict((n, "9223372036854775808") for n in names),
    "NUL and 100k characters": lambda names: MultiDict((n, "\x00" + "A" * 100_000) for n in names),
    "every field twice": lambda names: MultiDict([(n, "1") for n in names] + [(n, "2") for n in names]),
}


def test_every_form_refuses_odd_shapes_without_a_5xx(world):
    """A sweep that hypothesis might not reach: each form endpoint, as an identity allowed to use it,
    gets each odd shape in every one of its fields."""
    app = world.app
    app.config["PROPAGATE_EXCEPTIONS"] = False
    fields = _form_fields(world)
    failures, sent = [], 0
    unchanged = Unchanged(app)
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        row = MATRIX.get((rule.endpoint, "POST"), "").split()
        identity = next((i for i, want in zip(IDENTITIES, row) if want == "O"), "anon")
        url = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(world.args[m.group(1)]), rule.rule)
        names = sorted(fields.get(urlsplit(url).path, set())) or ["q"]
        for shape, build in ODD_SHAPES.items():
            before = unchanged.before()
            response = world.client(identity).post(url, data=build(names), content_type="multipart/form-data")
            sent += 1
            if response.status_code >= 500:
                failures.append(f"POST {url} as {identity}, {shape}: {response.status_code}")
                unchanged.last = None
            elif not unchanged.after(response.status_code, before):
                failures.append(f"POST {url} as {identity}, {shape}: refused but changed data")
            if rule.endpoint in ("auth.sign_out", "profile.sign_out_other_sessions"):
                world.resign_in(identity)
    print(f"odd-shape sweep: {sent} requests, problems: {len(failures)}")
    assert failures == [], "\n".join(failures)
