#!/usr/bin/env python3
"""Keeps config/manifest.schema.json in step with the loader (`idsync validate`).

    check_schema.py REPO_DIR IDSYNC_BINARY

Checks that the schema is a valid JSON Schema 2020-12; that every example and fixture
manifest passes both the schema (file by file) and `idsync validate` (set by set); and
that the two agree on a table of single-file manifests: VALID ones pass both, INVALID
ones are rejected by both (`idsync validate` exits 1). LOADER_ONLY lists what only the
loader can catch (it needs more than one key or file, or sees YAML the parsers of
editors hide); those must be rejected by the loader and still pass the schema, so a
case moves to INVALID the day the schema learns to catch it.

YAML is typed the way the loader reads scalars: text, except exactly `true`/`false`
(booleans), decimal integers, decimals and null (`~`, `null`, empty). A missing Python
module is a failure, not a skip.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml


class LoaderTyping(yaml.SafeLoader):
    """SafeLoader with only the implicit types the idsync loader recognises."""


LoaderTyping.yaml_implicit_resolvers = {}
LoaderTyping.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
LoaderTyping.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
LoaderTyping.add_implicit_resolver("tag:yaml.org,2002:float",
                                   re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
                                   list("-+0123456789."))
LoaderTyping.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"),
                                   ["~", "n", "N", ""])
LoaderTyping.add_constructor("tag:yaml.org,2002:int", lambda loader, node: int(loader.construct_scalar(node), 10))


def parse(text):
    """The single YAML document in `text`, or raises yaml.YAMLError."""
    return yaml.load(text, Loader=LoaderTyping)


# ---- The table -------------------------------------------------------------------
UUID = "0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11"
BASE = {  # a valid platform of each type: key -> flow YAML value
    "houston": {"url": "https://h.example.com/v1", "credentials": "{ api_key: { env: K } }"},
    "astra": {"url": "https://api.astra.datastax.com", "credentials": "{ token: { env: T } }"},
    "orgadmin": {"url": "https://o.example.com/graphql", "org": UUID, "credentials": "{ token: { env: T } }"},
    "workspace": {"url": "https://w.example.com/graphql",
                  "credentials": "{ api_key: { env: K }, api_secret: { env: S } }"},
    "scim": {"url": "https://s.example.com/scim/v2", "credentials": "{ token: { env: T } }"},
}


def platform(kind, **keys):
    """A file with one platform `p` of type `kind`: BASE plus `keys` (None drops a key)."""
    body = dict(BASE[kind], **keys)
    lines = [f"    {k}: {v}" for k, v in body.items() if v is not None]
    return "version: 1\nplatforms:\n  p:\n    type: " + kind + "\n" + "\n".join(lines) + "\n"


def binding(kind, value):
    """A file with platform `p` of type `kind` and role `r` bound to it with `value`."""
    return platform(kind) + f"roles:\n  r:\n    p: {value}\n"


def user(body):
    """A file with role `r` and one user written as the flow mapping or scalar `body`."""
    return f"version: 1\nroles:\n  r: {{}}\ngroups:\n  g: {{ roles: [ r ] }}\nusers:\n  - {body}\n"


VALID = {
    "a file with only a version": "version: 1\n",
    "a quoted version": 'version: "1"\n',
    "every section empty": "version: 1\nplatforms:\nroles:\ngroups:\nusers:\n",
    "one platform of each type": "version: 1\nplatforms:\n" + "".join(
        platform(kind).split("platforms:\n", 1)[1].replace("  p:\n", f"  {kind}:\n") for kind in BASE),
    "every option on a houston platform": platform(
        "houston", offboarding="remove", unmanaged="report", max_removals="5", rate_limit="10/s",
        concurrency="4", timeout="30s", tls="{ ca_file: certs/ca.pem }", insecure_http="false"),
    "astra with an org": platform("astra", offboarding="remove", unmanaged="remove", max_removals="10%"),
    "orgadmin with reassert_interval": platform("orgadmin", reassert_interval="12h", offboarding="retire",
                                                unmanaged="report"),
    "workspace retiring": platform("workspace", offboarding="retire", unmanaged="ignore"),
    "scim retiring and removing unmanaged": platform("scim", offboarding="retire", unmanaged="remove"),
    "a credential read from a relative file": platform("scim", credentials="{ token: { file: secrets/t } }"),
    "plain http on 127.0.0.1": platform("scim", url="http://127.0.0.1:8080/scim/v2"),
    "plain http on localhost": platform("scim", url="http://LocalHost/scim/v2"),
    "plain http on [::1]": platform("scim", url="http://[::1]:9/scim"),
    "plain http elsewhere with insecure_http": platform("scim", url="http://s.example.com", insecure_http="true"),
    "max_removals 0": platform("scim", max_removals="0"),
    "max_removals 100%": platform("scim", max_removals="100%"),
    "max_removals quoted": platform("scim", max_removals='"7"'),
    "concurrency quoted": platform("scim", concurrency='"4"'),
    "timeout in milliseconds": platform("scim", timeout="250ms"),
    "rate_limit per hour": platform("scim", rate_limit="3600/h"),
    "a workspace account type": binding("workspace", "DEVELOPER"),
    "a houston system role": binding("houston", "{ system: SYSTEM_VIEWER }"),
    "a houston system role with no workspaces": binding("houston", "{ system: SYSTEM_ADMIN, workspaces: }"),
    "houston workspace roles": binding("houston", "{ workspaces: { ws1: WORKSPACE_ADMIN, ws2: WORKSPACE_VIEWER } }"),
    "astra role names": binding("astra", '[ "Database Administrator", UserAdmin ]'),
    "an astra role that looks like a number": binding("astra", "[ 1234 ]"),
    "an orgadmin member with groups": binding("orgadmin", f"{{ role: admin, groups: [ {UUID} ] }}"),
    "an empty orgadmin binding": binding("orgadmin", ""),
    "orgadmin groups left empty": binding("orgadmin", "{ groups: }"),
    "scim groups": binding("scim", "{ groups: [ Engineering, 42 ] }"),
    "an empty scim binding": binding("scim", "{}"),
    "a role with no bindings": "version: 1\nroles:\n  r: {}\n  s:\n",
    "a group with no roles": "version: 1\ngroups:\n  g:\n  h: { roles: }\n",
    "a user with every field": user("{ email: Alice@Acme.io, name: Alice Liddell, given_name: Alice, "
                                    "family_name: Liddell, groups: [ g ], roles: [ r ], suspended: false, "
                                    "external_id: E1 }"),
    "an email with spaces around it": user('{ email: " bob@acme.io " }'),
    "a numeric external_id": user("{ email: c@acme.io, external_id: 1234 }"),
    "suspended quoted": user('{ email: d@acme.io, suspended: "true" }'),
    "a user with no roles": user("{ email: e@acme.io, roles: }"),
    "a group inside a group": "version: 1\nroles:\n  r: {}\ngroups:\n  g: { roles: [ r ], groups: [ h ] }\n  h: { groups: }\n",
    "groups nested three deep": "version: 1\ngroups:\n  a: { groups: [ b ] }\n  b: { groups: [ c ] }\n  c: {}\n",
    "a user expiring on a date": user("{ email: e@acme.io, expires: 2027-01-31 }"),
    "a user expiring at an instant with an offset": user("{ email: e@acme.io, expires: '2027-01-31T18:00:00+02:00' }"),
    "an expiring role": user("{ email: e@acme.io, roles: [ { role: r, expires: 2027-01-31 } ] }"),
    "an expiring group beside a plain one": user(
        "{ email: e@acme.io, groups: [ g, { group: g, expires: 2026-12-24T18:00:00.5Z } ] }"),
}
INVALID = {
    "an empty file": "",
    "a missing version": "platforms:\n",
    "version 2": "version: 2\n",
    "an unknown top-level key": "version: 1\nplatfroms:\n",
    "platforms as a list": "version: 1\nplatforms: [ a ]\n",
    "users as a mapping": "version: 1\nusers: { a: b }\n",
    "two documents in one file": "version: 1\n---\nversion: 1\n",
    "a platform without type": platform("scim").replace("    type: scim\n", ""),
    "an unknown platform type": platform("scim").replace("type: scim", "type: okta"),
    "a platform without url": platform("scim", url=None),
    "a platform without credentials": platform("scim", credentials=None),
    "an empty platform": "version: 1\nplatforms:\n  p:\n",
    "an ftp url": platform("scim", url="ftp://s.example.com"),
    "a url without host": platform("scim", url="https:///scim"),
    "a url with an unclosed bracket": platform("scim", url="https://[::1/scim"),
    "plain http to a remote host": platform("scim", url="http://s.example.com/scim"),
    "plain http with insecure_http false": platform("scim", url="http://s.example.com", insecure_http="false"),
    "plain http to 127.0.0.1.5": platform("scim", url="http://127.0.0.1.5/scim"),
    "an inline secret": platform("scim", credentials="{ token: hunter2 }"),
    "a secret from env and file": platform("scim", credentials="{ token: { env: T, file: t } }"),
    "an empty env name": platform("scim", credentials='{ token: { env: "" } }'),
    "an unknown secret source": platform("scim", credentials="{ token: { vault: kv/t } }"),
    "an empty secret reference": platform("scim", credentials="{ token: {} }"),
    "a token on houston": platform("houston", credentials="{ token: { env: T } }"),
    "workspace without api_secret": platform("workspace", credentials="{ api_key: { env: K } }"),
    "an extra credential on astra": platform("astra", credentials="{ token: { env: T }, api_key: { env: K } }"),
    "org on houston": platform("houston", org=UUID),
    "org on scim": platform("scim", org=UUID),
    "an org that is not a uuid": platform("astra", org="acme"),
    "orgadmin without org": platform("orgadmin", org=None),
    "reassert_interval on scim": platform("scim", reassert_interval="1h"),
    "offboarding retire on astra": platform("astra", offboarding="retire"),
    "offboarding remove on workspace": platform("workspace", offboarding="remove"),
    "offboarding remove on orgadmin": platform("orgadmin", offboarding="remove"),
    "offboarding delete": platform("scim", offboarding="delete"),
    "unmanaged remove on workspace": platform("workspace", unmanaged="remove"),
    "unmanaged remove on orgadmin": platform("orgadmin", unmanaged="remove"),
    "unmanaged drop": platform("scim", unmanaged="drop"),
    "max_removals over 100%": platform("scim", max_removals="101%"),
    "max_removals negative": platform("scim", max_removals="-1"),
    "max_removals in words": platform("scim", max_removals="five"),
    "rate_limit zero": platform("scim", rate_limit="0/s"),
    "rate_limit per day": platform("scim", rate_limit="10/d"),
    "rate_limit without unit": platform("scim", rate_limit="10"),
    "concurrency zero": platform("scim", concurrency="0"),
    "concurrency in words": platform("scim", concurrency="many"),
    "timeout without unit": platform("scim", timeout="30"),
    "timeout zero": platform("scim", timeout="0s"),
    "a fractional timeout": platform("scim", timeout="1.5s"),
    "tls without ca_file": platform("scim", tls="{}"),
    "an empty tls ca_file": platform("scim", tls='{ ca_file: "" }'),
    "tls verify false": platform("scim", tls="{ ca_file: ca.pem, verify: false }"),
    "insecure_http yes": platform("scim", insecure_http="yes"),
    "insecure_http True": platform("scim", insecure_http="True"),
    "an unknown platform key": platform("scim", verify="false"),
    "an unknown workspace account type": binding("workspace", "SUPERUSER"),
    "an unknown houston system role": binding("houston", "{ system: ROOT }"),
    "an unknown houston workspace role": binding("houston", "{ workspaces: { ws1: OWNER } }"),
    "an unknown key in a houston binding": binding("houston", "{ system: SYSTEM_ADMIN, deployments: {} }"),
    "houston with an empty workspaces map only": binding("houston", "{ workspaces: {} }"),
    "an empty astra list": binding("astra", "[]"),
    "an empty astra role name": binding("astra", '[ "" ]'),
    "an unknown orgadmin role": binding("orgadmin", "{ role: owner }"),
    "an empty scim group name": binding("scim", '{ groups: [ "" ] }'),
    "scim groups as a string": binding("scim", "{ groups: Engineering }"),
    "a binding that is a number": binding("workspace", "5"),
    "a role that is a list": "version: 1\nroles:\n  engineer: [ platform ]\n",
    "an unknown key in a group": "version: 1\nroles:\n  r: {}\ngroups:\n  g: { members: [ a@b.c ] }\n",
    "group roles as a string": "version: 1\nroles:\n  r: {}\ngroups:\n  g: { roles: r }\n",
    "a user without email": user("{ name: Alice }"),
    "an email without @": user("{ email: alice.acme.io }"),
    "an email with a space inside": user('{ email: "al ice@acme.io" }'),
    "an email with two @": user("{ email: a@b@acme.io }"),
    "an unknown user key": user("{ email: a@acme.io, mail: a@acme.io }"),
    "suspended yes": user("{ email: a@acme.io, suspended: yes }"),
    "suspended True": user("{ email: a@acme.io, suspended: True }"),
    "user roles as a string": user("{ email: a@acme.io, roles: r }"),
    "a user that is a string": user("a@acme.io"),
    "a user that is empty": user(""),
    "a name that is a list": user("{ email: a@acme.io, name: [ A ] }"),
    "nested groups as a string": "version: 1\ngroups:\n  g: { groups: h }\n  h: {}\n",
    "an expiring membership inside a group": "version: 1\ngroups:\n  g: { groups: [ { group: h, expires: 2027-01-31 } ] }\n  h: {}\n",
    "expires as words": user("{ email: a@acme.io, expires: next week }"),
    "expires without a zone": user("{ email: a@acme.io, expires: '2027-01-31T18:00:00' }"),
    "expires month 13": user("{ email: a@acme.io, expires: 2027-13-01 }"),
    "an expiring role without expires": user("{ email: a@acme.io, roles: [ { role: r } ] }"),
    "an expiring role with an unknown key": user("{ email: a@acme.io, roles: [ { role: r, expires: 2027-01-31, why: x } ] }"),
    "a group membership written with role:": user("{ email: a@acme.io, groups: [ { role: g, expires: 2027-01-31 } ] }"),
}

LOADER_ONLY = {  # why the schema cannot see it
    "a role bound to an unknown platform (a reference)": "version: 1\nroles:\n  r: { p: DEVELOPER }\n",
    "a user with an unknown role (a reference)": user("{ email: a@acme.io, roles: [ nope ] }"),
    "a user in an unknown group (a reference)": user("{ email: a@acme.io, groups: [ nope ] }"),
    "a group with an unknown role (a reference)": "version: 1\ngroups:\n  g: { roles: [ nope ] }\n",
    "a group inside an unknown group (a reference)": "version: 1\ngroups:\n  g: { groups: [ nope ] }\n",
    "a cycle of nested groups (across keys)": "version: 1\ngroups:\n  a: { groups: [ b ] }\n  b: { groups: [ a ] }\n",
    "an expiring role that is unknown (a reference)": user("{ email: a@acme.io, roles: [ { role: nope, expires: 2027-01-31 } ] }"),
    "a day its month lacks (a calendar)": user("{ email: a@acme.io, expires: 2027-02-30 }"),
    "the same email twice (across items)": user("{ email: a@acme.io }") + "  - { email: A@acme.io }\n",
    "a key repeated in one mapping (parsers keep the last)": user("{ email: a@acme.io, email: b@acme.io }"),
    "a YAML alias (parsers expand it)": "version: 1\nroles:\n  r: &x {}\n  s: *x\n",
    "another type's binding (needs the platform's type)": binding("houston", "DEVELOPER"),
    "an empty houston binding (scim's {} is valid)": binding("houston", "{}"),
    "an orgadmin group that is not a uuid (scim's groups are names)": binding("orgadmin", "{ groups: [ admins ] }"),
    "an orgadmin user without a family name (needs the role's platform)":
        binding("orgadmin", "{}") + "users:\n  - { email: a@acme.io, name: Alice, roles: [ r ] }\n",
}


# ---- The checks ------------------------------------------------------------------
class Check:
    def __init__(self, repo, idsync):
        self.repo, self.idsync, self.failures = repo, idsync, 0
        schema = json.load(open(os.path.join(repo, "config/manifest.schema.json")))
        jsonschema.Draft202012Validator.check_schema(schema)
        self.validator = jsonschema.Draft202012Validator(schema)

    def fail(self, message):
        print("FAIL:", message)
        self.failures += 1

    def schema_errors(self, text):
        try:
            document = parse(text)
        except yaml.YAMLError as e:
            return [f"not one YAML document: {str(e).splitlines()[0]}"]
        return [e.message for e in self.validator.iter_errors(document)]

    def loader(self, *paths):
        """`idsync validate`'s exit code and stderr."""
        run = subprocess.run([self.idsync, "validate", *(a for p in paths for a in ("-f", p))],
                             capture_output=True, text=True, timeout=60)
        return run.returncode, run.stderr.strip()

    def examples(self):
        sets = [os.path.join(self.repo, p) for p in ("examples/manifest", "examples/gitops/manifest")]
        sets += sorted(glob.glob(os.path.join(self.repo, "tests/fixtures/manifests/*")))
        sets = [s for s in sets if os.path.isdir(s) or s.endswith((".yaml", ".yml"))]
        if len(sets) < 4:
            self.fail(f"expected the example and fixture manifests, found {sets}")
        for path in sets:
            code, err = self.loader(path)
            if code != 0:
                self.fail(f"{path}: idsync validate exited {code}: {err}")
            files = [path] if os.path.isfile(path) else sorted(
                glob.glob(os.path.join(path, "**/*.y*ml"), recursive=True))
            for f in files:
                if "/." in os.path.relpath(f, path):
                    continue
                for message in self.schema_errors(open(f).read()):
                    self.fail(f"{f}: valid manifest rejected by the schema: {message}")

    def table(self):
        with tempfile.TemporaryDirectory() as tmp:
            for group, cases in (("VALID", VALID), ("INVALID", INVALID), ("LOADER_ONLY", LOADER_ONLY)):
                for name, text in cases.items():
                    path = os.path.join(tmp, re.sub(r"[^a-z0-9]+", "-", name.lower()) + ".yaml")
                    with open(path, "w") as f:
                        f.write(text)
                    code, err = self.loader(path)
                    schema = self.schema_errors(text)
                    want_loader = 0 if group == "VALID" else 1
                    want_schema_ok = group != "INVALID"
                    if code != want_loader:
                        self.fail(f"{group} {name!r}: idsync validate exited {code}, expected "
                                  f"{want_loader}: {err or '(no message)'}\n{text}")
                    if want_schema_ok and schema:
                        self.fail(f"{group} {name!r}: the schema rejects it: {schema[0]}\n{text}")
                    if not want_schema_ok and not schema:
                        self.fail(f"{group} {name!r}: the schema accepts it\n{text}")
        print(f"{len(VALID)} valid, {len(INVALID)} invalid and {len(LOADER_ONLY)} loader-only manifests checked")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 1
    check = Check(sys.argv[1], sys.argv[2])
    check.examples()
    check.table()
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
