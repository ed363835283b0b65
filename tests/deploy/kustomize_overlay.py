"""Renders a kustomize overlay without kustomize, for the deploy checks: the base's
documents (every *.yaml of the base directory, as check_kubernetes.py reads it), plus
the overlay's resources and its *.example.yaml files, with the overlay's strategic-merge
patches applied. Only the subset of strategic merge the overlays here use:

  - mappings merge recursively; a patch whose top level says `$patch: delete` deletes
    the object it names (kind + metadata.name);
  - lists of containers and volumes merge by `name`, env by `name`, volumeMounts by
    `mountPath`, ports by `containerPort`; an item with `$patch: delete` removes its
    match; merged and new items come first in patch order, then the untouched ones
    (kustomize's order); every other list is replaced.

`render_with_kubectl` asks a real kustomize (kubectl kustomize) when one is installed,
so the check can compare both renderings.
"""
import glob
import os
import shutil
import subprocess

import yaml

MERGE_KEYS = {"containers": "name", "initContainers": "name", "volumes": "name", "env": "name",
              "volumeMounts": "mountPath", "ports": "containerPort"}


def merge(base, patch, field=None):
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            out[key] = merge(base[key], value, key) if key in base else strip(value)
        return out
    if isinstance(base, list) and isinstance(patch, list) and field in MERGE_KEYS:
        key = MERGE_KEYS[field]
        remaining = list(base)
        out = []
        for item in patch:
            match = next((b for b in remaining if b.get(key) == item.get(key)), None)
            if match is not None:
                remaining.remove(match)
            if item.get("$patch") == "delete":
                continue
            out.append(merge(match, item, None) if match is not None else strip(item))
        return out + remaining
    return strip(patch)


def strip(value):
    """`value` without `$patch` directives."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k != "$patch"}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def identity(doc):
    return doc.get("kind"), (doc.get("metadata") or {}).get("name")


def render(overlay, load_base):
    """[(file name, document)]: the base's documents with the overlay applied.
    `load_base(directory)` reads a base directory the way the checks do."""
    kustomization = yaml.safe_load(open(os.path.join(overlay, "kustomization.yaml")))
    docs = []
    for resource in kustomization.get("resources", []):
        path = os.path.join(overlay, resource)
        if os.path.isdir(path):
            docs += [(n, d) for n, d in load_base(path) if d.get("kind") != "Kustomization"]
        else:
            docs += [(resource, d) for d in yaml.safe_load_all(open(path)) if d is not None]
    for path in sorted(glob.glob(os.path.join(overlay, "*.example.yaml"))):
        docs += [(os.path.basename(path), d) for d in yaml.safe_load_all(open(path)) if d is not None]
    for entry in kustomization.get("patches", []):
        patch = yaml.safe_load(open(os.path.join(overlay, entry["path"])))
        docs = apply_patch(docs, patch)
    return docs


def apply_patch(docs, patch):
    out = []
    for name, doc in docs:
        if identity(doc) != identity(patch):
            out.append((name, doc))
        elif patch.get("$patch") != "delete":
            out.append((name, merge(doc, patch)))
    return out


def render_with_kubectl(overlay):
    """The overlay's objects as rendered by `kubectl kustomize`, or None without kubectl."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return None
    run = subprocess.run([kubectl, "kustomize", overlay], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        raise RuntimeError(f"kubectl kustomize {overlay}: {run.stderr.strip()}")
    return [d for d in yaml.safe_load_all(run.stdout) if d is not None]
