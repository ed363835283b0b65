#!/usr/bin/env python3
"""Checks deploy/kubernetes/ without a cluster: every YAML document is a Kubernetes
object of a known kind with the fields the API server requires, and the objects fit
together (names referenced exist, probes and the Service point at named ports that
exist, volumes mounted are declared, containers are locked down), and the sidecar
pattern of SPEC §8 holds: git-sync and idsync share an emptyDir, idsync reads
git-sync's `current` link, credentials come from a Secret, the state has a volume.

With HA_OVERLAY_DIR (deploy/kubernetes-ha, a kustomize overlay of the default), the
overlay is rendered (kustomize_overlay.py, compared with `kubectl kustomize` when
kubectl is installed) and checked instead: the same sidecar pattern, 2+ replicas,
RollingUpdate, a PodDisruptionBudget over the pods, no PersistentVolumeClaim, the
PostgreSQL URI and PGPASSWORD from a Secret, POD_NAME as the identity.

    check_kubernetes.py DEPLOY_KUBERNETES_DIR GITOPS_MANIFEST_DIR IDSYNC_BINARY [HA_OVERLAY_DIR]
"""
import copy
import glob
import os
import re
import sys

import yaml

from kustomize_overlay import render, render_with_kubectl
from report import Report, unknown_flags

KINDS = {  # kind -> apiVersion
    "Namespace": "v1", "ServiceAccount": "v1", "ConfigMap": "v1", "Secret": "v1",
    "PersistentVolumeClaim": "v1", "Service": "v1", "Deployment": "apps/v1",
    "ServiceMonitor": "monitoring.coreos.com/v1", "PodDisruptionBudget": "policy/v1", "Kustomization": "kustomize.config.k8s.io/v1beta1",
}
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")


def load(directory):
    """[(file name, document)] for every non-empty document of every *.yaml file."""
    docs = []
    for path in sorted(glob.glob(os.path.join(directory, "*.yaml"))):
        for doc in yaml.safe_load_all(open(path)):
            if doc is not None:
                docs.append((os.path.basename(path), doc))
    return docs


def by_kind(docs, kind):
    return {d["metadata"]["name"]: d for _, d in docs
            if isinstance(d, dict) and d.get("kind") == kind and isinstance(d.get("metadata"), dict)}


def object_problems(where, doc):
    if not isinstance(doc, dict):
        return [f"{where}: not a mapping"]
    kind = doc.get("kind")
    if kind not in KINDS:
        return [f"{where}: unknown kind {kind!r}"]
    found = []
    if doc.get("apiVersion") != KINDS[kind]:
        found.append(f"{where}: {kind} has apiVersion {doc.get('apiVersion')!r}, expected {KINDS[kind]}")
    if kind == "Kustomization":
        return found
    name = (doc.get("metadata") or {}).get("name")
    if not isinstance(name, str) or not DNS_LABEL.match(name):
        found.append(f"{where}: {kind} metadata.name {name!r} is not a DNS label")
    return found


def container_problems(pod, c, config_maps, secrets):
    where = f"container {c.get('name')!r}"
    found = []
    if not c.get("name") or not DNS_LABEL.match(str(c.get("name"))):
        found.append(f"{where}: bad or missing name")
    image = c.get("image", "")
    if not image or ":" not in image.rsplit("/", 1)[-1] or image.endswith(":latest"):
        found.append(f"{where}: image {image!r} has no pinned tag")
    ports = {}
    for p in c.get("ports", []):
        if not isinstance(p.get("containerPort"), int) or not 0 < p["containerPort"] < 65536:
            found.append(f"{where}: port {p} has no valid containerPort")
        if p.get("name"):
            if len(p["name"]) > 15 or not DNS_LABEL.match(p["name"]):
                found.append(f"{where}: port name {p['name']!r} is not an IANA service name")
            ports[p["name"]] = p.get("containerPort")
    for probe_name in ("startupProbe", "livenessProbe", "readinessProbe"):
        probe = c.get(probe_name)
        if probe is None:
            continue
        port = (probe.get("httpGet") or {}).get("port")
        if port not in ports and port not in ports.values():
            found.append(f"{where}: {probe_name} targets port {port!r}, which the container does not declare")
    volumes = {v.get("name") for v in pod.get("volumes", [])}
    for m in c.get("volumeMounts", []):
        if m.get("name") not in volumes:
            found.append(f"{where}: mounts volume {m.get('name')!r}, which the pod does not declare")
        if not str(m.get("mountPath", "")).startswith("/"):
            found.append(f"{where}: mountPath {m.get('mountPath')!r} is not absolute")
    env_names = set()
    for e in c.get("env", []):
        if not ENV_NAME.match(str(e.get("name", ""))):
            found.append(f"{where}: bad env name {e.get('name')!r}")
        env_names.add(e.get("name"))
        ref = e.get("valueFrom") or {}
        if "configMapKeyRef" in ref:
            r = ref["configMapKeyRef"]
            if r.get("key") not in (config_maps.get(r.get("name"), {}).get("data") or {}):
                found.append(f"{where}: env {e['name']} reads missing ConfigMap key {r.get('name')}/{r.get('key')}")
        if "secretKeyRef" in ref:
            r = ref["secretKeyRef"]
            secret = secrets.get(r.get("name"))
            if secret is None or r.get("key") not in (secret.get("stringData") or secret.get("data") or {}):
                found.append(f"{where}: env {e['name']} reads missing Secret key {r.get('name')}/{r.get('key')}")
    for source in c.get("envFrom", []):
        if "configMapRef" in source:
            cm = config_maps.get(source["configMapRef"].get("name"))
            if cm is None:
                found.append(f"{where}: envFrom names missing ConfigMap {source['configMapRef'].get('name')!r}")
            else:
                env_names |= set(cm.get("data") or {})
        if "secretRef" in source:
            secret = secrets.get(source["secretRef"].get("name"))
            if secret is None:
                found.append(f"{where}: envFrom names missing Secret {source['secretRef'].get('name')!r}")
            else:
                env_names |= set(secret.get("stringData") or secret.get("data") or {})
    for arg in c.get("args", []) + c.get("command", []):
        for var in re.findall(r"\$\(([^)]+)\)", str(arg)):
            if var not in env_names:
                found.append(f"{where}: argument {arg!r} expands $({var}), which is not in its environment")
    sc = c.get("securityContext") or {}
    if sc.get("allowPrivilegeEscalation") is not False:
        found.append(f"{where}: allowPrivilegeEscalation is not false")
    if sc.get("readOnlyRootFilesystem") is not True:
        found.append(f"{where}: readOnlyRootFilesystem is not true")
    if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
        found.append(f"{where}: capabilities do not drop ALL")
    if sc.get("runAsUser") == 0 or sc.get("privileged"):
        found.append(f"{where}: runs as root or privileged")
    return found


def deployment_problems(dep, docs, gitops_env, ha=False):
    found = []
    config_maps, secrets = by_kind(docs, "ConfigMap"), by_kind(docs, "Secret")
    claims = by_kind(docs, "PersistentVolumeClaim")
    spec = dep.get("spec") or {}
    template = spec.get("template") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    selector = (spec.get("selector") or {}).get("matchLabels") or {}
    if not selector or any(labels.get(k) != v for k, v in selector.items()):
        found.append("Deployment: selector.matchLabels do not match the pod template's labels")
    if ha:
        found += ha_replica_problems(spec, docs, labels)
    elif spec.get("replicas", 1) != 1 or (spec.get("strategy") or {}).get("type") != "Recreate":
        found.append("Deployment: needs replicas 1 and strategy Recreate (one daemon, one state writer)")
    pod = template.get("spec") or {}
    if (pod.get("securityContext") or {}).get("runAsNonRoot") is not True:
        found.append("Deployment: pod securityContext.runAsNonRoot is not true")
    containers = pod.get("containers") or []
    every = (pod.get("initContainers") or []) + containers
    names = [c.get("name") for c in every]
    if len(names) != len(set(names)):
        found.append(f"Deployment: container names repeat: {names}")
    for c in every:
        found += container_problems(pod, c, config_maps, secrets)
    volumes = {v.get("name"): v for v in pod.get("volumes", [])}
    for v in volumes.values():
        if "secret" in v and v["secret"].get("secretName") not in secrets:
            found.append(f"volume {v['name']}: Secret {v['secret'].get('secretName')!r} is not defined")
        if "configMap" in v and v["configMap"].get("name") not in config_maps:
            found.append(f"volume {v['name']}: ConfigMap {v['configMap'].get('name')!r} is not defined")
        if "persistentVolumeClaim" in v and v["persistentVolumeClaim"].get("claimName") not in claims:
            found.append(f"volume {v['name']}: claim {v['persistentVolumeClaim'].get('claimName')!r} is not defined")
    if pod.get("serviceAccountName") and pod["serviceAccountName"] not in by_kind(docs, "ServiceAccount"):
        found.append(f"Deployment: ServiceAccount {pod['serviceAccountName']!r} is not defined")

    # The sidecar pattern.
    def mount_of(c, path):
        return next((m for m in c.get("volumeMounts", []) if m.get("mountPath") == path), None)
    idsync = next((c for c in containers if c.get("name") == "idsync"), None)
    syncs = [c for c in every if "git-sync" in str(c.get("image", ""))]
    if idsync is None or not any(c in containers for c in syncs):
        return found + ["Deployment: needs an idsync container and a git-sync container"]
    for sync in syncs:
        image = sync["image"]
        if not image.startswith("registry.k8s.io/git-sync/git-sync:v4."):
            found.append(f"{sync['name']}: image {image} is not git-sync v4")
        args = sync.get("args", [])
        for flag in ("--root=/git", "--link=current"):
            if flag not in args:
                found.append(f"{sync['name']}: missing {flag}")
        git_mount = mount_of(sync, "/git")
        shared = volumes.get(git_mount["name"]) if git_mount else None
        if shared is None or "emptyDir" not in shared:
            found.append(f"{sync['name']}: /git is not an emptyDir volume")
        elif not any(m.get("name") == git_mount["name"] for m in idsync.get("volumeMounts", [])):
            found.append(f"{sync['name']}: idsync does not mount the /git emptyDir it writes")
    if not any(a.startswith("--period=") for c in syncs if c in containers for a in c.get("args", [])):
        found.append("git-sync sidecar has no --period")
    args = idsync.get("args", [])
    pairs = dict(zip(args, args[1:]))
    if args[:1] != ["run"] or pairs.get("-f") != "/git/current/manifest":
        found.append(f"idsync: expected `run -f /git/current/manifest`, got {args}")
    if ha:
        found += ha_state_problems(idsync, pairs, volumes, docs)
    else:
        if not str(pairs.get("--state", "")).startswith("/var/lib/idsync/"):
            found.append("idsync: --state is not on the state volume /var/lib/idsync")
        state = mount_of(idsync, "/var/lib/idsync")
        if state is None or "persistentVolumeClaim" not in volumes.get(state["name"], {}):
            found.append("idsync: /var/lib/idsync is not a PersistentVolumeClaim (see pvc.yaml)")
    listen = pairs.get("--listen", "127.0.0.1:9464")
    env_names = {e.get("name") for e in idsync.get("env", [])}
    if not listen.startswith(("127.", "[::1]", "localhost")) and "IDSYNC_API_TOKEN" not in env_names:
        found.append(f"idsync: listens on {listen} without IDSYNC_API_TOKEN")
    ports = {p.get("name"): p.get("containerPort") for p in idsync.get("ports", [])}
    if ports.get("metrics") != 9464 or not listen.endswith(":9464"):
        found.append("idsync: the listener is not the port named `metrics` (9464)")
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        if ((idsync.get(probe) or {}).get("httpGet") or {}).get("path") != path:
            found.append(f"idsync: {probe} does not GET {path}")
    secret_refs = [s["secretRef"]["name"] for s in idsync.get("envFrom", []) if "secretRef" in s]
    if not secret_refs:
        found.append("idsync: no credentials Secret in envFrom")
    provided = set()
    for name in secret_refs:
        provided |= set((secrets.get(name) or {}).get("stringData") or {})
    for var in sorted(gitops_env - provided):
        found.append(f"idsync: the example manifest reads {var}, which the credentials Secret lacks")
    return found


def ha_replica_problems(spec, docs, pod_labels):
    """The HA variant's replicas: 2+, rolling updates, a PodDisruptionBudget over them."""
    found = []
    replicas = spec.get("replicas", 1)
    if not isinstance(replicas, int) or replicas < 2:
        found.append(f"HA Deployment: replicas {replicas!r}, expected 2 or more")
    if (spec.get("strategy") or {}).get("type") != "RollingUpdate":
        found.append("HA Deployment: strategy is not RollingUpdate")
    budgets = by_kind(docs, "PodDisruptionBudget")
    if not budgets:
        found.append("HA: no PodDisruptionBudget")
    for name, pdb in budgets.items():
        pspec = pdb.get("spec") or {}
        match = (pspec.get("selector") or {}).get("matchLabels") or {}
        if not match or any(pod_labels.get(k) != v for k, v in match.items()):
            found.append(f"PodDisruptionBudget {name}: selector does not match the Deployment's pods")
        allowed = pspec.get("maxUnavailable")
        if allowed is None and isinstance(pspec.get("minAvailable"), int) and isinstance(replicas, int):
            allowed = replicas - pspec["minAvailable"]
        if not isinstance(allowed, int) or not 1 <= allowed < max(replicas if isinstance(replicas, int) else 1, 2):
            found.append(f"PodDisruptionBudget {name}: must let a drain proceed yet keep a standby "
                         f"(maxUnavailable 1..replicas-1), got {pspec}")
    return found


def ha_state_problems(idsync, pairs, volumes, docs):
    """The HA variant's state: PostgreSQL from a Secret, no volume, POD_NAME identity."""
    found = []
    env = {e.get("name"): e for e in idsync.get("env", [])}

    def from_secret(name):
        return "secretKeyRef" in ((env.get(name) or {}).get("valueFrom") or {})
    if "--state" in pairs:
        found.append(f"HA idsync: --state {pairs['--state']!r} given; the URI must come from the Secret")
    if not from_secret("IDSYNC_STATE"):
        found.append("HA idsync: IDSYNC_STATE (the PostgreSQL URI) is not read from a Secret")
    if not from_secret("PGPASSWORD"):
        found.append("HA idsync: PGPASSWORD is not read from a Secret (libpq's convention)")
    for name, e in env.items():
        if re.search(r"postgres(ql)?://[^/@\s]*:[^/@\s]*@", str(e.get("value", ""))):
            found.append(f"HA idsync: env {name} holds a URI with a password")
    pod_name = ((env.get("POD_NAME") or {}).get("valueFrom") or {}).get("fieldRef") or {}
    if pod_name.get("fieldPath") != "metadata.name":
        found.append("HA idsync: POD_NAME (the leader identity) is not the pod's name")
    if any(m.get("mountPath") == "/var/lib/idsync" for m in idsync.get("volumeMounts", [])):
        found.append("HA idsync: still mounts a state volume at /var/lib/idsync")
    if any("persistentVolumeClaim" in v for v in volumes.values()) or by_kind(docs, "PersistentVolumeClaim"):
        found.append("HA: a PersistentVolumeClaim is left; the state lives in PostgreSQL")
    return found


def problems(docs, gitops_env, directory, ha=False):
    found = []
    for where, doc in docs:
        found += object_problems(where, doc)
    deployments = by_kind(docs, "Deployment")
    if len(deployments) != 1:
        return found + [f"expected one Deployment, got {len(deployments)}"]
    dep = next(iter(deployments.values()))
    found += deployment_problems(dep, docs, gitops_env, ha)
    pod_labels = dep["spec"]["template"]["metadata"].get("labels") or {}
    pod_ports = {p.get("name") for c in dep["spec"]["template"]["spec"]["containers"] for p in c.get("ports", [])}
    services = by_kind(docs, "Service")
    if not services:
        found.append("no Service for the metrics port")
    for name, svc in services.items():
        selector = (svc.get("spec") or {}).get("selector") or {}
        if not selector or any(pod_labels.get(k) != v for k, v in selector.items()):
            found.append(f"Service {name}: selector does not match the Deployment's pods")
        for p in (svc.get("spec") or {}).get("ports", []):
            if p.get("targetPort") not in pod_ports:
                found.append(f"Service {name}: targetPort {p.get('targetPort')!r} is not a named container port")
    for name, sm in by_kind(docs, "ServiceMonitor").items():
        match = ((sm.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        targets = [s for s in services.values()
                   if match and all((s["metadata"].get("labels") or {}).get(k) == v for k, v in match.items())]
        if not targets:
            found.append(f"ServiceMonitor {name}: selects no Service")
        for ep in (sm.get("spec") or {}).get("endpoints", []):
            if not any(ep.get("port") in {p.get("name") for p in s["spec"].get("ports", [])} for s in targets):
                found.append(f"ServiceMonitor {name}: endpoint port {ep.get('port')!r} is not a Service port name")
    for _, k in ([] if ha else docs):
        if isinstance(k, dict) and k.get("kind") == "Kustomization":
            for resource in k.get("resources", []):
                if not os.path.exists(os.path.join(directory, resource)):
                    found.append(f"kustomization.yaml lists {resource}, which does not exist")
    for _, secret in docs:
        if isinstance(secret, dict) and secret.get("kind") == "Secret":
            for key, value in (secret.get("stringData") or {}).items():
                if value != "REPLACE_ME":
                    found.append(f"Secret {secret['metadata']['name']}: {key} holds a value, not a placeholder")
    return found


def manifest_env_names(directory):
    """Every {env: NAME} the example manifest's credentials read."""
    names = set()
    for path in glob.glob(os.path.join(directory, "**/*.y*ml"), recursive=True):
        doc = yaml.safe_load(open(path)) or {}
        for platform in (doc.get("platforms") or {}).values():
            for ref in (platform.get("credentials") or {}).values():
                if isinstance(ref, dict) and "env" in ref:
                    names.add(ref["env"])
    return names


def rendering_problems(docs, overlay):
    """Our rendering of the overlay against kubectl kustomize's (when installed)."""
    theirs = render_with_kubectl(overlay)
    if theirs is None:
        print("kubectl is not installed: the overlay's rendering is not cross-checked")
        return []
    ours = [d for _, d in docs if d.get("kind") not in ("Kustomization",)]
    found = []
    names = sorted(f"{d['kind']}/{d['metadata']['name']}" for d in theirs)
    expected = sorted(f"{d['kind']}/{d['metadata']['name']}" for d in ours
                      if not (d.get("kind") == "Secret" or d.get("kind") == "ServiceMonitor"))
    if names != expected:
        found.append(f"kubectl kustomize renders {names}, our rendering {expected}")
    for mine in by_kind(docs, "Deployment").values():
        real = next((d for d in theirs if d.get("kind") == "Deployment"), {})
        if mine.get("spec") != real.get("spec"):
            found.append("our rendering of the HA Deployment differs from kubectl kustomize's")
    return found


def main_ha(base, gitops, binary, overlay):
    report = Report("check_kubernetes (HA overlay)")
    docs = render(overlay, load)
    dep = next(d for _, d in docs if d.get("kind") == "Deployment")
    idsync_args = next(c["args"] for c in dep["spec"]["template"]["spec"]["containers"] if c["name"] == "idsync")
    unknown = unknown_flags(binary, idsync_args[0], idsync_args[1:])
    report.check(not unknown, f"idsync's args pass flags it does not take: {unknown}")
    env = manifest_env_names(gitops)
    kustomization = yaml.safe_load(open(os.path.join(overlay, "kustomization.yaml")))
    for entry in kustomization.get("resources", []) + [p["path"] for p in kustomization.get("patches", [])]:
        report.check(os.path.exists(os.path.join(overlay, entry)), f"{overlay}/kustomization.yaml lists {entry}, which does not exist")
    for problem in problems(docs, env, overlay, ha=True) + rendering_problems(docs, overlay):
        report.check(False, problem)

    def broken(what, change):
        mutated = copy.deepcopy(docs)
        d = next(x for _, x in mutated if x.get("kind") == "Deployment")
        idsync = next(c for c in d["spec"]["template"]["spec"]["containers"] if c["name"] == "idsync")
        change(d, idsync, mutated)
        report.catches(what, problems(mutated, env, overlay, ha=True))
    broken("one replica", lambda d, c, docs: d["spec"].update(replicas=1))
    broken("a Recreate strategy", lambda d, c, docs: d["spec"].update(strategy={"type": "Recreate"}))
    broken("no PodDisruptionBudget",
           lambda d, c, docs: docs.remove(next(x for x in docs if x[1].get("kind") == "PodDisruptionBudget")))
    broken("a PodDisruptionBudget that blocks every drain",
           lambda d, c, docs: next(x for _, x in docs if x.get("kind") == "PodDisruptionBudget")["spec"].update(
               maxUnavailable=0))
    broken("a state volume left", lambda d, c, docs: d["spec"]["template"]["spec"]["volumes"].append(
        {"name": "state", "persistentVolumeClaim": {"claimName": "idsync-state"}}))
    broken("the URI in a flag", lambda d, c, docs: c["args"].extend(["--state", "postgresql://idsync@db/idsync"]))
    broken("a password in the URI", lambda d, c, docs: c["env"].__setitem__(
        0, {"name": "IDSYNC_STATE", "value": "postgresql://idsync:hunter2@db/idsync"}))
    broken("no POD_NAME identity", lambda d, c, docs: c.update(env=[e for e in c["env"] if e["name"] != "POD_NAME"]))
    broken("a sidecar without git-sync", lambda d, c, docs: d["spec"]["template"]["spec"].update(
        containers=[c]))
    report.exit()


def main():
    if len(sys.argv) > 4:
        return main_ha(*sys.argv[1:5])
    directory, gitops, binary = sys.argv[1:4]
    report = Report("check_kubernetes")
    docs = load(directory)
    for _, dep in docs:
        if isinstance(dep, dict) and dep.get("kind") == "Deployment":
            for c in dep["spec"]["template"]["spec"]["containers"]:
                if c.get("name") == "idsync" and c.get("args"):
                    unknown = unknown_flags(binary, c["args"][0], c["args"][1:])
                    report.check(not unknown, f"idsync's args pass flags it does not take: {unknown}")
    env = manifest_env_names(gitops)
    report.check(len(docs) >= 8, f"expected the sidecar objects in {directory}, found {len(docs)} documents")
    report.check(env, f"no credential variables found in {gitops}")
    for problem in problems(docs, env, directory):
        report.check(False, problem)

    def broken(what, change):
        mutated = copy.deepcopy(docs)
        dep = next(d for _, d in mutated if d.get("kind") == "Deployment")
        change(dep["spec"]["template"]["spec"], mutated)
        report.catches(what, problems(mutated, env, directory))

    def idsync(pod):
        return next(c for c in pod["containers"] if c["name"] == "idsync")
    broken("a probe on an undeclared port", lambda pod, _: idsync(pod)["ports"][0].update(name="http"))
    broken("a mount of an undeclared volume", lambda pod, _: pod["volumes"].pop())
    broken("a container that may escalate",
           lambda pod, _: idsync(pod)["securityContext"].update(allowPrivilegeEscalation=True))
    broken("a writable root file system",
           lambda pod, _: pod["containers"][0]["securityContext"].update(readOnlyRootFilesystem=False))
    broken("no git-sync link", lambda pod, _: pod["containers"][0].update(args=["--root=/git"]))
    broken("idsync reading the wrong path", lambda pod, _: idsync(pod).update(args=["run", "-f", "/git"]))
    broken("a public listener without a token", lambda pod, _: idsync(pod).pop("env"))
    broken("an unpinned image", lambda pod, _: idsync(pod).update(image="ghcr.io/idsync/idsync"))
    broken("a missing credential variable",
           lambda pod, docs: next(d for _, d in docs if d.get("kind") == "Secret")["stringData"].popitem())
    broken("a Service selecting nothing",
           lambda pod, docs: next(d for _, d in docs if d.get("kind") == "Service")["spec"].update(
               selector={"app": "other"}))
    broken("a missing ConfigMap key",
           lambda pod, docs: next(d for _, d in docs if d.get("kind") == "ConfigMap")["data"].pop("IDSYNC_INTERVAL"))
    broken("an unknown kind", lambda pod, docs: docs.append(("x.yaml", {"apiVersion": "v1", "kind": "Pdo",
                                                                       "metadata": {"name": "x"}})))
    report.exit()


if __name__ == "__main__":
    main()
