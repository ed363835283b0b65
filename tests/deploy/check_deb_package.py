#!/usr/bin/env python3
"""Builds the Debian package (`cmake --build BUILD --target package`, CPack's DEB
generator; cmake/packaging.cmake) and checks what it installs:

- the control fields: the package name and the runtime dependencies dpkg-shlibdeps found;
- the files: /usr/bin/idsync, the systemd unit, /etc/idsync, the man page, the bash, zsh
  and fish completions; and no idsync-sim;
- in a root extracted with `dpkg-deb -x`: the unit's ExecStart runs the packaged binary,
  its manifest and credentials live under the packaged /etc/idsync, its --state lies in
  its StateDirectory=, `systemd-analyze verify` accepts the unit (a copy running the
  extracted binary; installed for real, the unit itself), the binary
  runs and prints its version, the man page and the completions are the real ones.

When run as root with CI set (a throwaway CI machine) and dpkg present, the package is
also installed for real with `dpkg -i`, checked in place, and purged after.

    check_deb_package.py BUILD_DIR

IDSYNC_DEB=PATH checks that package instead of building one (a quick local run).
"""
import glob
import gzip
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

from report import Report

FILES = [
    "usr/bin/idsync",
    "usr/lib/systemd/system/idsync.service",
    "usr/share/man/man1/idsync.1.gz",
    "usr/share/bash-completion/completions/idsync",
    "usr/share/zsh/vendor-completions/_idsync",
    "usr/share/fish/vendor_completions.d/idsync.fish",
    "etc/idsync",
]


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=600, **kw)


def unit_settings(text):
    settings = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def verify_unit(root):
    """systemd-analyze verify on the installed unit. Under an extracted root (not "/"),
    on a copy whose ExecStart runs the extracted binary, since the rest of the root
    (sysinit.target, /bin/kill) is the host's, not the package's."""
    unit = os.path.join(root, FILES[1])
    if root == "/":
        return run(["systemd-analyze", "verify", "--man=no", unit])
    copy = os.path.join(root, "idsync.service")
    with open(copy, "w") as f:
        f.write(open(unit).read().replace("ExecStart=/usr/bin/idsync", "ExecStart=" + os.path.join(root, FILES[0])))
    try:
        return run(["systemd-analyze", "verify", "--man=no", copy])
    finally:
        os.remove(copy)


def installed_problems(root):
    """What is wrong with an installation of the package under `root` ("/" or a temp dir)."""
    problems = [f"/{f} is not installed" for f in FILES if not os.path.exists(os.path.join(root, f))]
    if problems:
        return problems
    unit = unit_settings(open(os.path.join(root, FILES[1])).read())
    argv = shlex.split(unit["ExecStart"][0])
    if argv[0] != "/usr/bin/idsync":
        problems.append(f"ExecStart runs {argv[0]}, not the packaged /usr/bin/idsync")
    flags = dict(zip(argv[2::2], argv[3::2]))
    if not flags.get("-f", "").startswith("/etc/idsync/"):
        problems.append(f"ExecStart's manifest {flags.get('-f')} is not under the packaged /etc/idsync")
    state_dir = "/var/lib/" + unit.get("StateDirectory", ["?"])[0]
    if os.path.dirname(flags.get("--state", "")) != state_dir:
        problems.append(f"--state {flags.get('--state')} is not in StateDirectory= ({state_dir})")
    if unit.get("DynamicUser") != ["yes"]:
        problems.append("the unit has no DynamicUser=yes, and the package creates no user")
    for env_file in unit.get("EnvironmentFile", []):
        if not env_file.lstrip("-").startswith("/etc/idsync/"):
            problems.append(f"EnvironmentFile {env_file} is not under /etc/idsync")
    verify = verify_unit(root)
    if verify.returncode != 0 or "idsync.service" in verify.stdout + verify.stderr:
        problems.append(f"systemd-analyze verify: {(verify.stdout + verify.stderr).strip()[:400]}")
    version = run([os.path.join(root, FILES[0]), "version"])
    if version.returncode != 0 or not version.stdout.startswith("idsync "):
        problems.append(f"the packaged binary does not run: {version.stderr.strip()[:200]}")
    man = gzip.open(os.path.join(root, FILES[2]), "rt").read()
    if ".TH IDSYNC" not in man or "completion" not in man or "--auto-approve" not in man.replace("\\-", "-"):
        problems.append("the man page is not idsync(1) with every command")
    bash = open(os.path.join(root, FILES[3])).read()
    if "complete -F _idsync idsync" not in bash:
        problems.append("the bash completion is not idsync's")
    return problems


def main():
    build = os.path.abspath(sys.argv[1])
    report = Report("check_deb_package")
    for tool in ("dpkg-deb", "dpkg-shlibdeps", "systemd-analyze", "help2man"):
        report.check(shutil.which(tool), f"{tool} not found (scripts/install-deps)")
    if report.failures:
        report.exit()
    if os.environ.get("IDSYNC_DEB"):
        debs = [os.environ["IDSYNC_DEB"]]
    else:
        built = run(["cmake", "--build", build, "--target", "package"])
        if not report.check(built.returncode == 0,
                            f"the package target failed: {built.stdout[-1500:]}{built.stderr[-1500:]}"):
            report.exit()
        debs = sorted(glob.glob(os.path.join(build, "packages", "idsync_*.deb")), key=os.path.getmtime)
    if not report.check(debs, f"no idsync_*.deb in {build}/packages"):
        report.exit()
    deb = debs[-1]
    fields = run(["dpkg-deb", "-f", deb, "Package", "Depends"]).stdout
    report.check(re.search(r"^Package: idsync$", fields, re.M), f"not the idsync package: {fields}")
    depends = re.search(r"^Depends: (.*)$", fields, re.M)
    depends = depends.group(1) if depends else ""
    for lib in ("libc6", "libcurl4", "libsqlite3", "libyaml-cpp", "libsystemd0"):
        report.check(lib in depends, f"Depends does not declare {lib}: {depends!r}")
    listing = run(["dpkg-deb", "-c", deb]).stdout
    report.check("idsync-sim" not in listing, "the package ships idsync-sim (a test server)")
    with tempfile.TemporaryDirectory() as root:
        report.check(run(["dpkg-deb", "-x", deb, root]).returncode == 0, "dpkg-deb -x failed")
        for problem in installed_problems(root):
            report.check(False, f"extracted package: {problem}")
        # The checker catches a unit whose ExecStart runs a binary the package lacks.
        unit = os.path.join(root, FILES[1])
        text = open(unit).read()
        with open(unit, "w") as f:
            f.write(text.replace("/usr/bin/idsync", "/usr/local/bin/idsync"))
        report.catches("a unit running an unpackaged binary", installed_problems(root))
        os.remove(os.path.join(root, FILES[3]))
        report.catches("a missing completion", installed_problems(root))
    if os.geteuid() == 0 and os.environ.get("CI") and shutil.which("dpkg"):
        installed = run(["dpkg", "-i", deb])
        if report.check(installed.returncode == 0, f"dpkg -i failed: {installed.stderr[-1000:]}"):
            for problem in installed_problems("/"):
                report.check(False, f"dpkg -i: {problem}")
        report.check(run(["dpkg", "--purge", "idsync"]).returncode == 0, "dpkg --purge idsync failed")
        report.check(not os.path.exists("/usr/bin/idsync"), "/usr/bin/idsync remains after the purge")
    else:
        print("check_deb_package: not root on CI: checked the extracted package, not dpkg -i")
    report.exit()


if __name__ == "__main__":
    main()
