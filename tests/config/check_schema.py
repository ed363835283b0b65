#!/usr/bin/env python3
"""Checks config/manifest.schema.json: it is a valid 2020-12 schema, every valid
fixture and example manifest passes it, and typical mistakes fail it.

    check_schema.py REPO_DIR
"""
import glob
import json
import os
import sys

import jsonschema
import yaml

def main() -> int:
    repo = sys.argv[1]
    schema = json.load(open(os.path.join(repo, "config/manifest.schema.json")))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = 0
    for pattern in ("tests/fixtures/manifests/**/*.y*ml", "examples/manifest/**/*.y*ml"):
        for path in sorted(glob.glob(os.path.join(repo, pattern), recursive=True)):
            if "/." in os.path.relpath(path, repo):
                continue
            for error in validator.iter_errors(yaml.safe_load(open(path))):
                print(f"{path}: valid manifest rejected: {error.message}")
                failures += 1
    invalid = {
        "an inline secret": "credentials: { token: hunter2 }",
        "retire on astra": "credentials: { token: { env: A } }\n    offboarding: retire",
        "an unknown key": "credentials: { token: { env: A } }\n    verify: false",
        "a missing credential": "credentials: { api_key: { env: A } }",
    }
    for name, tail in invalid.items():
        text = f"version: 1\nplatforms:\n  a:\n    type: astra\n    url: https://a.example.com\n    {tail}\n"
        if validator.is_valid(yaml.safe_load(text)):
            print(f"invalid manifest accepted: {name}")
            failures += 1
    return 1 if failures else 0

if __name__ == "__main__":
    sys.exit(main())
