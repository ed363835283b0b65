#!/usr/bin/env python3
"""Runs the built idsync the way the deploy files start it, on loopback only:

- systemd: the unit's ExecStart and Environment=, with NOTIFY_SOCKET and WATCHDOG_USEC
  as systemd sets them: READY=1, STATUS=, WATCHDOG=1, then STOPPING=1 and exit 0 on
  SIGTERM within the unit's TimeoutStopSec;
- Kubernetes: the idsync container's args and environment (ConfigMap and token), the
  manifest behind git-sync's `current` symlink: the probes' paths answer 200 on the
  `metrics` port, POST /v1/reconcile needs the bearer token, a swap of `current` to a
  broken manifest shows in /v1/status and idsync_manifest_valid while the pod stays
  ready, and without IDSYNC_API_TOKEN the same args refuse to start.

The manifest is examples/gitops/manifest with every platform URL pointed at a closed
loopback port, so nothing leaves the machine.

    check_daemon_smoke.py REPO_DIR IDSYNC_BINARY
"""
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import yaml

from report import Report
from check_systemd_unit import parse_unit, values

CREDENTIALS = {  # long dummies: the log scrubber replaces each value wherever it appears
    "HOUSTON_API_KEY": "dummy-houston-key-0123456789", "ASTRA_TOKEN": "dummy-astra-token-0123456789",
    "WS_API_KEY": "dummy-ws-key-0123456789", "WS_API_SECRET": "dummy-ws-secret-0123456789",
}


def wait_for(what, predicate, timeout=15.0):
    """Polls `predicate` until it returns a truthy value; None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    print(f"timed out waiting for {what}")
    return None


def http(port, method, path, token=None):
    """(status, body) of one request to the daemon; (0, error) when it does not answer."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     data=b"" if method == "POST" else None)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError as e:
        return 0, str(e)


def make_manifest(repo, target):
    """examples/gitops/manifest copied to `target`, every url on a closed loopback port."""
    shutil.copytree(os.path.join(repo, "examples/gitops/manifest"), target)
    path = os.path.join(target, "platforms.yaml")
    text = re.sub(r"url: https://\S+", "url: http://127.0.0.1:1/closed", open(path).read())
    open(path, "w").write(text)


def swap_current(git_root, worktree):
    """What git-sync does: a new symlink renamed over `current`, atomically."""
    link = os.path.join(git_root, ".current.tmp")
    os.symlink(worktree, link)
    os.replace(link, os.path.join(git_root, "current"))


class Daemon:
    """One idsync run process and, optionally, the notify socket it reports to."""

    def __init__(self, argv, env, tmp, notify=False):
        self.port_file = os.path.join(tmp, "port")
        self.messages, self.sock = [], None
        if notify:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            path = os.path.join(tmp, "notify")
            self.sock.bind(path)
            self.sock.settimeout(0.2)
            env = dict(env, NOTIFY_SOCKET=path, WATCHDOG_USEC="400000")
            threading.Thread(target=self._listen, daemon=True).start()
        self.log = open(os.path.join(tmp, "daemon.log"), "w+")
        self.proc = subprocess.Popen(argv + ["--port-file", self.port_file], env=env,
                                     stdout=subprocess.DEVNULL, stderr=self.log)

    def _listen(self):
        while self.sock is not None:
            try:
                self.messages += self.sock.recv(4096).decode().splitlines()
            except (socket.timeout, OSError):
                continue

    def port(self):
        return wait_for("the port file", lambda: os.path.exists(self.port_file) and
                        open(self.port_file).read().strip())

    def notified(self, prefix):
        return wait_for(f"{prefix} on the notify socket",
                        lambda: [m for m in list(self.messages) if m.startswith(prefix)])

    def stop(self, timeout):
        """Exit code after SIGTERM, or None when it outlives `timeout` seconds."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.sock is not None:
            sock, self.sock = self.sock, None
            sock.close()
        self.log.seek(0)
        return self.log.read()


def systemd_scenario(report, repo, binary, tmp):
    service = parse_unit(open(os.path.join(repo, "deploy/systemd/idsync.service")).read())["Service"]
    argv = shlex.split(values(service, "ExecStart")[0])
    substitutions = {"/usr/local/bin/idsync": binary, "/etc/idsync/manifest": os.path.join(tmp, "etc-manifest"),
                     "/var/lib/idsync/state.db": os.path.join(tmp, "state.db"), "127.0.0.1:9464": "127.0.0.1:0"}
    argv = [substitutions.get(a, a) for a in argv]
    make_manifest(repo, os.path.join(tmp, "etc-manifest"))
    env = dict(os.environ, **CREDENTIALS)
    for assignment in values(service, "Environment"):
        env.update(dict(a.split("=", 1) for a in shlex.split(assignment)))
    daemon = Daemon(argv, env, tmp, notify=True)
    try:
        port = daemon.port()
        report.check(port, "systemd: the daemon did not start listening")
        report.check(daemon.notified("READY=1"), "systemd: no READY=1 (Type=notify would time out)")
        report.check(daemon.notified("WATCHDOG=1"), "systemd: no WATCHDOG=1 with WATCHDOG_USEC set (WatchdogSec would kill it)")
        report.check(daemon.notified("STATUS="), "systemd: no STATUS= after a reconcile")
        for path in ("/healthz", "/readyz", "/metrics", "/v1/status"):
            status, body = http(port, "GET", path)
            report.check(status == 200, f"systemd: GET {path} answered {status}: {body[:200]}")
        stop = int(re.sub(r"s$", "", values(service, "TimeoutStopSec")[-1]))
        code = daemon.stop(timeout=stop)
        report.check(code == 0, f"systemd: SIGTERM ended it with {code}, expected 0 within {stop}s")
        report.check(daemon.notified("STOPPING=1"), "systemd: no STOPPING=1 on SIGTERM")
    finally:
        log = daemon.close()
    for secret in CREDENTIALS.values():
        report.check(secret not in log, "systemd: a credential value appears in the log")


def kubernetes_scenario(report, repo, binary, tmp):
    docs = {d["kind"]: d for d in yaml.safe_load_all(open(os.path.join(repo, "deploy/kubernetes/deployment.yaml")))}
    settings = yaml.safe_load(open(os.path.join(repo, "deploy/kubernetes/configmap.yaml")))["data"]
    idsync = next(c for c in docs["Deployment"]["spec"]["template"]["spec"]["containers"] if c["name"] == "idsync")
    env = dict(os.environ, **CREDENTIALS, **settings, IDSYNC_API_TOKEN="smoke-test-token-0123456789")
    git = os.path.join(tmp, "git")  # git-sync's --root, with worktrees and the `current` link
    make_manifest(repo, os.path.join(git, ".worktrees", "one", "manifest"))
    swap_current(git, os.path.join(git, ".worktrees", "one"))
    substitutions = {"/git/current/manifest": os.path.join(git, "current", "manifest"),
                     "/var/lib/idsync/state.db": os.path.join(tmp, "state.db")}
    argv = [binary] + [substitutions.get(a, re.sub(r"\$\((\w+)\)", lambda m: env[m.group(1)], a))
                       for a in idsync["args"]]
    argv = [re.sub(r"^0\.0\.0\.0:9464$", "0.0.0.0:0", a) for a in argv]
    probes = {p: idsync[p]["httpGet"]["path"] for p in ("livenessProbe", "readinessProbe", "startupProbe") if p in idsync}

    no_token = dict(env)
    del no_token["IDSYNC_API_TOKEN"]
    refused = subprocess.run(argv, env=no_token, capture_output=True, text=True, timeout=30)
    report.check(refused.returncode == 1 and "IDSYNC_API_TOKEN" in refused.stderr,
                 f"kubernetes: without IDSYNC_API_TOKEN the public listener started or failed oddly "
                 f"(exit {refused.returncode}: {refused.stderr.strip()[:200]})")

    daemon = Daemon(argv, env, tmp)
    try:
        port = daemon.port()
        report.check(port, "kubernetes: the daemon did not start listening")
        for probe, path in probes.items():
            ok = wait_for(f"{probe} {path}", lambda: http(port, "GET", path)[0] == 200)
            report.check(ok, f"kubernetes: {probe} GET {path} does not answer 200")
        status, _ = http(port, "POST", "/v1/reconcile")
        report.check(status == 401, f"kubernetes: POST /v1/reconcile without the token answered {status}, expected 401")
        status, _ = http(port, "POST", "/v1/reconcile", token=env["IDSYNC_API_TOKEN"])
        report.check(200 <= status < 300, f"kubernetes: POST /v1/reconcile with the token answered {status}")
        names = sorted(p["name"] for p in json.loads(http(port, "GET", "/v1/status")[1]).get("platforms", []))
        report.check(names == ["astra", "astro", "workspace"], f"kubernetes: /v1/status lists platforms {names}")

        broken = os.path.join(git, ".worktrees", "two")
        shutil.copytree(os.path.join(git, ".worktrees", "one"), broken)
        with open(os.path.join(broken, "manifest", "users", "typo.yaml"), "w") as f:
            f.write("version: 1\nusers:\n  - email: zed@acme.io\n    roles: [ data-enginer ]\n")
        swap_current(git, broken)

        def manifest_state():
            status, body = http(port, "GET", "/v1/status")
            manifest = json.loads(body).get("manifest", {}) if status == 200 else {}
            return manifest if manifest.get("valid") is False else None
        manifest = wait_for("the broken manifest in /v1/status", manifest_state, timeout=10)
        report.check(manifest and any(re.search(r"typo\.yaml:4:\d+: ", e) for e in manifest.get("errors", [])),
                     f"kubernetes: after the swap /v1/status shows {manifest}, expected typo.yaml:4:COL errors")
        report.check("idsync_manifest_valid 0" in http(port, "GET", "/metrics")[1],
                     "kubernetes: idsync_manifest_valid is not 0 with a broken manifest")
        path = probes.get("readinessProbe", "/readyz")
        report.check(http(port, "GET", path)[0] == 200, "kubernetes: a broken manifest made the pod unready")
        grace = docs["Deployment"]["spec"]["template"]["spec"].get("terminationGracePeriodSeconds", 30)
        code = daemon.stop(timeout=grace)
        report.check(code == 0, f"kubernetes: SIGTERM ended it with {code}, expected 0 within {grace}s")
    finally:
        daemon.close()


def main():
    repo, binary = sys.argv[1], os.path.abspath(sys.argv[2])
    report = Report("check_daemon_smoke")
    with tempfile.TemporaryDirectory(prefix="idsync-smoke-") as tmp:
        os.mkdir(os.path.join(tmp, "systemd"))
        os.mkdir(os.path.join(tmp, "kubernetes"))
        systemd_scenario(report, repo, binary, os.path.join(tmp, "systemd"))
        kubernetes_scenario(report, repo, binary, os.path.join(tmp, "kubernetes"))
    report.exit()


if __name__ == "__main__":
    main()
