#!/usr/bin/env python3
"""Checks deploy/systemd/idsync.service: the directives SPEC §8 and issue 5 require,
then `systemd-analyze verify` on a copy whose ExecStart runs the built binary (the
committed unit points at /usr/local/bin/idsync, which a test must not install).

    check_systemd_unit.py UNIT IDSYNC_BINARY
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

from report import Report, unknown_flags

# [Service] directive -> the value it must have (a set: compared as words, any order).
REQUIRED = {
    "Type": "notify",
    "NotifyAccess": "main",
    "DynamicUser": "yes",
    "StateDirectory": "idsync",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "NoNewPrivileges": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "RestrictAddressFamilies": {"AF_INET", "AF_INET6", "AF_UNIX"},
    "CapabilityBoundingSet": "",
    "EnvironmentFile": "-/etc/idsync/credentials.env",
    "Restart": "on-failure",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectKernelLogs": "yes",
    "ProtectControlGroups": "yes",
    "LockPersonality": "yes",
    "MemoryDenyWriteExecute": "yes",
    "RestrictNamespaces": "yes",
    "RestrictRealtime": "yes",
    "RestrictSUIDSGID": "yes",
    "SystemCallArchitectures": "native",
}
SECRET_WORDS = re.compile(r"TOKEN|SECRET|PASSWORD|API_KEY", re.I)


def parse_unit(text):
    """{section: [(key, value), ...]} in file order; continuation lines joined."""
    sections, current = {}, None
    text = re.sub(r"\\\n", " ", text)
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif "=" in line and current is not None:
            key, value = line.split("=", 1)
            current.append((key.strip(), value.strip()))
    return sections


def values(section, key):
    return [v for k, v in section if k == key]


def directive_problems(text):
    """What is wrong with the unit's directives, as sentences."""
    problems = []
    units = parse_unit(text)
    service = units.get("Service", [])
    for key, want in REQUIRED.items():
        got = values(service, key)
        if not got:
            problems.append(f"[Service] has no {key}=")
        elif isinstance(want, set):
            if set(got[-1].split()) != want:
                problems.append(f"{key}={got[-1]}, expected {' '.join(sorted(want))}")
        elif got != [want]:
            problems.append(f"{key}={'|'.join(got)}, expected {key}={want}")
    watchdog = values(service, "WatchdogSec")
    if not watchdog or watchdog[-1] in ("", "0", "infinity"):
        problems.append("WatchdogSec= is not set to a period")
    filters = " ".join(values(service, "SystemCallFilter"))
    if "@system-service" not in filters.split():
        problems.append("SystemCallFilter= does not allow only @system-service")
    if values(service, "User") or values(service, "Group"):
        problems.append("User=/Group= set: DynamicUser=yes allocates the user")
    for key, value in service:
        if key == "Environment" and SECRET_WORDS.search(value):
            problems.append(f"a secret in the unit: Environment={value}; use the EnvironmentFile")
    exec_start = values(service, "ExecStart")
    if len(exec_start) != 1:
        problems.append(f"expected one ExecStart=, got {len(exec_start)}")
    else:
        argv = shlex.split(exec_start[0])
        if argv[:2] != ["/usr/local/bin/idsync", "run"]:
            problems.append(f"ExecStart= does not run /usr/local/bin/idsync run: {exec_start[0]}")
        pairs = dict(zip(argv, argv[1:]))
        if pairs.get("-f") != "/etc/idsync/manifest":
            problems.append("ExecStart= does not read -f /etc/idsync/manifest")
        if pairs.get("--state") != "/var/lib/idsync/state.db":
            problems.append("ExecStart= does not keep --state in /var/lib/idsync/state.db")
        listen = pairs.get("--listen", "127.0.0.1:9464")
        if not re.match(r"^(127\.[0-9.]+|\[::1\]|localhost):[0-9]+$", listen):
            problems.append(f"--listen {listen} is not loopback: it would need IDSYNC_API_TOKEN")
    if "multi-user.target" not in " ".join(values(units.get("Install", []), "WantedBy")):
        problems.append("[Install] WantedBy=multi-user.target missing: enable would do nothing")
    return problems


def verify_problems(text, binary, workdir, name="idsync.service"):
    """systemd-analyze verify's complaints about `text` with ExecStart running `binary`."""
    path = os.path.join(workdir, name)
    with open(path, "w") as f:
        f.write(re.sub(r"^ExecStart=/usr/local/bin/idsync", "ExecStart=" + binary, text, flags=re.M))
    run = subprocess.run(["systemd-analyze", "verify", "--man=no", path],
                         capture_output=True, text=True, timeout=60)
    output = (run.stdout + run.stderr).splitlines()
    problems = [line for line in output if name in line]
    if run.returncode != 0:
        problems.append(f"systemd-analyze verify exited {run.returncode}")
    return problems


def exposure_problems(text, binary, workdir, name="idsync.service", threshold=15):
    """`systemd-analyze security` on the unit: its exposure (0-100, shown /10) must stay
    at or below `threshold`, i.e. 1.5, well inside systemd's "OK" band."""
    path = os.path.join(workdir, name)
    with open(path, "w") as f:
        f.write(re.sub(r"^ExecStart=/usr/local/bin/idsync", "ExecStart=" + binary, text, flags=re.M))
    run = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--no-pager",
                          f"--threshold={threshold}", path], capture_output=True, text=True, timeout=60)
    if run.returncode == 0:
        return []
    level = re.findall(r"Overall exposure level[^\n]*", run.stdout + run.stderr)
    return [f"systemd-analyze security: {level[0] if level else run.stderr.strip()[:200]}"]


def postgres_dropin_problems(dropin_text, env_text, binary):
    """The PostgreSQL drop-in example next to the unit: it runs `idsync run` without
    --state, with flags idsync takes, reading an EnvironmentFile that sets IDSYNC_STATE
    to a postgresql:// URI without a password, and PGPASSWORD."""
    problems = []
    service = parse_unit(dropin_text).get("Service", [])
    starts = [v for v in values(service, "ExecStart") if v]
    if len(starts) != 1 or values(service, "ExecStart")[0] != "":
        problems.append("drop-in: expected ExecStart= (cleared) then one ExecStart=")
    else:
        argv = shlex.split(starts[0])
        if "--state" in argv:
            problems.append("drop-in: ExecStart= passes --state; IDSYNC_STATE must decide")
        problems += [f"drop-in: `idsync run` does not take {f}" for f in unknown_flags(binary, "run", argv[2:])]
    if not values(service, "EnvironmentFile"):
        problems.append("drop-in: no EnvironmentFile= for IDSYNC_STATE and PGPASSWORD")
    env = dict(line.split("=", 1) for line in env_text.splitlines() if "=" in line and not line.startswith("#"))
    if not re.match(r"^postgres(ql)?://[^:@/]+@", env.get("IDSYNC_STATE", "")):
        problems.append("env example: IDSYNC_STATE is not a postgresql:// URI with a user and no password")
    if "PGPASSWORD" not in env:
        problems.append("env example: no PGPASSWORD")
    return problems


def main():
    unit_path, binary = sys.argv[1], os.path.abspath(sys.argv[2])
    report = Report("check_systemd_unit")
    text = open(unit_path).read()
    for problem in directive_problems(text):
        report.check(False, problem)
    report.catches("a missing ProtectSystem=", directive_problems(text.replace("ProtectSystem=strict", "")))
    report.catches("a capability kept", directive_problems(
        text.replace("CapabilityBoundingSet=\n", "CapabilityBoundingSet=CAP_NET_ADMIN\n")))
    report.catches("a token in Environment=", directive_problems(
        text.replace("[Service]\n", "[Service]\nEnvironment=IDSYNC_API_TOKEN=x\n")))
    report.catches("a public listener", directive_problems(text.replace("127.0.0.1:9464", "0.0.0.0:9464")))

    if not report.check(shutil.which("systemd-analyze"),
                        "systemd-analyze not found: install Debian's systemd package (scripts/install-deps)"):
        report.exit()
    report.check(os.access(binary, os.X_OK), f"{binary} is not an executable")
    exec_start = shlex.split(values(parse_unit(text)["Service"], "ExecStart")[0])
    unknown = unknown_flags(binary, "run", exec_start[2:])
    report.check(not unknown, f"ExecStart= passes flags `idsync run` does not take: {unknown}")
    report.catches("a flag idsync run does not take", unknown_flags(binary, "run", ["--listn", "x"]))
    here = os.path.dirname(unit_path)
    dropin = open(os.path.join(here, "postgresql.conf.example")).read()
    env_example = open(os.path.join(here, "postgresql.env.example")).read()
    for problem in postgres_dropin_problems(dropin, env_example, binary):
        report.check(False, problem)
    report.catches("a drop-in that keeps --state", postgres_dropin_problems(
        dropin.replace("--interval", "--state /var/lib/idsync/state.db --interval"), env_example, binary))
    report.catches("a password in the URI", postgres_dropin_problems(
        dropin, env_example.replace("postgresql://idsync@", "postgresql://idsync:pw@"), binary))
    with tempfile.TemporaryDirectory() as tmp:
        for problem in verify_problems(text, binary, tmp):
            report.check(False, f"systemd-analyze verify: {problem}")
        report.catches("an unknown directive (verify)", verify_problems(
            text.replace("[Service]\n", "[Service]\nProtectSystm=strict\n"), binary, tmp, "typo.service"))
        report.catches("a bad value (verify)", verify_problems(
            text.replace("Restart=on-failure", "Restart=sometimes"), binary, tmp, "value.service"))
        for problem in exposure_problems(text, binary, tmp):
            report.check(False, problem)
        unhardened = "\n".join(line for line in text.splitlines()
                                if not line.startswith(("Protect", "Private", "Restrict", "SystemCall")))
        report.catches("a unit without its hardening (security)",
                       exposure_problems(unhardened, binary, tmp, "bare.service"))
        report.catches("a missing binary (verify)", verify_problems(
            text, os.path.join(tmp, "no-such-idsync"), tmp, "missing.service"))
    report.exit()


if __name__ == "__main__":
    main()
