#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ from the repository's own examples.

Run from anywhere: python3 fuzz/import_seeds.py. Sources (paths relative to the repo):
  manifest   tests/fixtures/manifests/**, examples/**/manifest/**, and the ```yaml blocks
             of ../shared/SPEC.md and ../shared/platforms/*.md
  graphql    ../shared/platforms/*.graphql-documented requests (```graphql blocks and
             bare fences that hold a query or mutation), and raw-string documents of
             tests/sim/graphql_*_test.cc and the connectors' request documents
  <type>     the JSON examples of ../shared/platforms/<type>.md and the JSON answers
             scripted in tests/connectors/ (<type> tests; workspace: the top-level ones)
  render     a few fixed pseudo-random byte strings (FuzzedDataProvider input)
Files are named by the SHA-1 of their content (libFuzzer's convention), so running it
again adds nothing twice. The fuzzer's own finds are added by scripts/fuzz --merge.
"""
import hashlib
import json
import pathlib
import random
import re

REPO = pathlib.Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = REPO / "fuzz" / "corpus"
FENCE = re.compile(r"^```([a-z]*)\n(.*?)^```", re.M | re.S)
RAW = re.compile(r'R"([a-z]*)\((.*?)\)\1"', re.S)
MAX_SEED = 64 * 1024


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    if not data or len(data) > MAX_SEED:
        return
    out = CORPUS / target
    out.mkdir(parents=True, exist_ok=True)
    (out / hashlib.sha1(data).hexdigest()).write_bytes(data)


def is_json(text):
    try:
        json.loads(text)
        return text.lstrip()[:1] in "{["
    except ValueError:
        return False


def is_document(text):
    return re.match(r"\s*(#.*\n\s*)*(query|mutation|subscription|\{)", text) is not None


def main():
    for path in sorted((REPO / "tests" / "fixtures").rglob("*.y*ml")):
        write("manifest", path.read_bytes())
    for path in sorted((REPO / "examples").rglob("*.y*ml")):
        if "manifest" in path.parts:
            write("manifest", path.read_bytes())
    docs = sorted(SHARED.glob("platforms/*.md")) + [SHARED / "SPEC.md"]
    for doc in docs:
        for lang, body in FENCE.findall(doc.read_text()):
            if lang == "yaml":
                write("manifest", body)
            elif lang == "graphql" or (lang == "" and is_document(body) and not is_json(body)):
                write("graphql", body)
            elif is_json(body) and doc.stem in ("workspace", "houston", "astra", "orgadmin", "scim"):
                write(doc.stem, body)
    for path in sorted((REPO / "tests" / "sim").glob("graphql_*_test.cc")):
        for _, body in RAW.findall(path.read_text()):
            if is_document(body):
                write("graphql", body)
    for path in sorted((REPO / "connectors").rglob("*.cc")):
        for _, body in RAW.findall(path.read_text()):
            if is_document(body):
                write("graphql", body)
    tests = REPO / "tests" / "connectors"
    for platform in ("houston", "astra", "orgadmin", "scim"):
        for path in sorted((tests / platform).glob("*")):
            for _, body in RAW.findall(path.read_text()):
                if is_json(body):
                    write(platform, body)
    for path in sorted(tests.glob("*.cc")):
        for _, body in RAW.findall(path.read_text()):
            if is_json(body):
                write("workspace", body)
    rng = random.Random(8)
    for size in (0, 16, 64, 256, 1024, 4096):
        write("render", bytes(rng.randrange(256) for _ in range(size)))


if __name__ == "__main__":
    main()
