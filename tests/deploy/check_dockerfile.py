#!/usr/bin/env python3
"""Checks deploy/docker/Dockerfile statically (there is no container engine here): a
multi-stage build on debian:bookworm with the packages of scripts/install-deps, a
debian:bookworm-slim runtime that has the shared libraries the built binary needs and
nothing to compile with, a numeric non-root USER, idsync as the entrypoint, port 9464,
and no secrets baked in.

    check_dockerfile.py DOCKERFILE INSTALL_DEPS IDSYNC_BINARY
"""
import json
import re
import shlex
import subprocess
import sys

from report import Report, unknown_flags

SECRET_WORDS = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|CREDENTIAL", re.I)
BUILD_ONLY = re.compile(r"-dev$|^(build-essential|cmake|ninja-build|g\+\+|gcc|clang|ccache|git|make)$")


def instructions(text):
    """[(INSTRUCTION, arguments)] with comments dropped and continuations joined."""
    out, pending = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = (pending + stripped).strip()
        pending = ""
        if full:
            word, _, rest = full.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def stages(text):
    """[{'from': image, 'name': alias, 'steps': [(INSTRUCTION, args)]}] in order."""
    result = []
    for word, args in instructions(text):
        if word == "FROM":
            parts = [p for p in args.split() if not p.startswith("--platform")]
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            result.append({"from": parts[0], "name": name, "steps": []})
        elif result:
            result[-1]["steps"].append((word, args))
    return result


def apt_packages(steps):
    """Packages named after `apt-get install` in the RUN steps."""
    packages = []
    for word, args in steps:
        if word != "RUN":
            continue
        for command in re.split(r"&&|;|\|\|", args):
            argv = shlex.split(command)
            if "install" in argv and any(a.endswith("apt-get") or a == "apt" for a in argv):
                after = argv[argv.index("install") + 1:]
                packages += [a for a in after if not a.startswith("-")]
    return packages


def install_deps_packages(path):
    """The PACKAGES=( ... ) list of scripts/install-deps."""
    match = re.search(r"PACKAGES=\((.*?)\)", open(path).read(), re.S)
    return match.group(1).split() if match else []


def runtime_packages(binary):
    """Debian packages holding the shared libraries `binary` loads (ldd + dpkg -S)."""
    ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    libs = re.findall(r"=>\s+(/\S+)", ldd)
    # Merged /usr: ldd may say /lib/... where dpkg knows /usr/lib/..., or the reverse.
    variants = {lib: {lib, "/usr" + lib if lib.startswith("/lib") else lib.removeprefix("/usr")}
                for lib in libs}
    paths = sorted(set().union(*variants.values())) if variants else []
    owners = {}
    for line in subprocess.run(["dpkg", "-S", *paths], capture_output=True, text=True).stdout.splitlines():
        package, _, path = line.partition(": ")
        owners[path.strip()] = package.split(":")[0].strip()
    unknown = [lib for lib, vs in variants.items() if not any(v in owners for v in vs)]
    if unknown:
        raise SystemExit(f"FAIL: no Debian package holds {unknown}; cannot tell the runtime needs")
    return {owners[v] for vs in variants.values() for v in vs if v in owners}


def dependency_closure():
    """A function: packages -> those packages and everything they depend on, from this
    machine's dpkg database (the same Debian release as the image)."""
    query = subprocess.run(["dpkg-query", "-W", "-f",
                            "${Package}\t${Priority}\t${Essential}\t${Pre-Depends}, ${Depends}\n"],
                           capture_output=True, text=True, check=True).stdout
    depends, required = {}, set()
    for line in query.splitlines():
        name, priority, essential, deps = line.split("\t")
        depends[name] = [re.split(r"[ :(]", alt.strip())[0] for dep in deps.split(",")
                         for alt in dep.split("|") if alt.strip()]
        if priority == "required" or essential == "yes":
            required.add(name)

    def closure(roots):
        found, todo = set(roots), list(roots)
        while todo:
            for dep in depends.get(todo.pop(), []):
                if dep in depends and dep not in found:
                    found.add(dep)
                    todo.append(dep)
        return found
    closure.slim = closure(required | {"apt"})  # what debian:bookworm-slim has
    return closure


def problems(text, deps_packages, needed_packages, closure):
    found = []
    st = stages(text)
    if len(st) < 2:
        return [f"expected a multi-stage build, got {len(st)} stage(s)"]
    build, final = st[0], st[-1]
    if not re.match(r"^debian:bookworm(@|$)", build["from"]):
        found.append(f"build stage is FROM {build['from']}, expected debian:bookworm")
    if not re.match(r"^debian:bookworm-slim(@|$)", final["from"]):
        found.append(f"final stage is FROM {final['from']}, expected debian:bookworm-slim")
    build_runs = " ".join(a for w, a in build["steps"] if w == "RUN")
    uses_script = "install-deps" in build_runs and any(
        w == "COPY" and "scripts/install-deps" in a for w, a in build["steps"])
    missing = sorted(set(deps_packages) - set(apt_packages(build["steps"])))
    if not uses_script and missing:
        found.append(f"build stage lacks install-deps packages: {' '.join(missing)}")
    if not re.search(r"cmake --build .*--target idsync", build_runs):
        found.append("build stage does not build the idsync target with cmake")

    steps = final["steps"]
    copies = [a for w, a in steps if w == "COPY"]
    if not any(f"--from={build['name']}" in a and a.split()[-1] == "/usr/local/bin/idsync" for a in copies):
        found.append("final stage does not copy the binary from the build stage to /usr/local/bin/idsync")
    runtime = apt_packages(steps)
    for package in runtime:
        if BUILD_ONLY.search(package):
            found.append(f"final stage installs build-only package {package}")
    present = closure(set(runtime)) | closure.slim
    for package in sorted(needed_packages):
        if package not in present:
            found.append(f"final stage lacks {package}, which the binary loads a library from")
    if not any("rm -rf /var/lib/apt/lists" in a for w, a in steps if w == "RUN"):
        found.append("final stage keeps apt's package lists")
    users = [a for w, a in steps if w == "USER"]
    if not users:
        found.append("final stage has no USER: it would run as root")
    else:
        uid = users[-1].split(":")[0]
        if not uid.isdigit() or int(uid) == 0:
            found.append(f"final USER {users[-1]} is not a numeric non-root uid")
    entry = [a for w, a in steps if w == "ENTRYPOINT"]
    try:
        entry_argv = json.loads(entry[-1]) if entry else None
    except json.JSONDecodeError:
        entry_argv = None
    if entry_argv not in (["idsync"], ["/usr/local/bin/idsync"]):
        found.append(f"ENTRYPOINT is {entry[-1] if entry else None}, expected exec form [\"idsync\"]")
    cmd = [a for w, a in steps if w == "CMD"]
    try:
        cmd_argv = json.loads(cmd[-1]) if cmd else []
    except json.JSONDecodeError:
        cmd_argv = []
    if cmd_argv[:1] != ["run"] or "-f" not in cmd_argv:
        found.append(f"CMD is {cmd[-1] if cmd else None}, expected exec form [\"run\", \"-f\", ...]")
    if not any(w == "EXPOSE" and "9464" in a.split() for w, a in steps):
        found.append("final stage does not EXPOSE 9464")
    for stage in st:
        for word, args in stage["steps"]:
            if word in ("ENV", "ARG", "LABEL") and SECRET_WORDS.search(args):
                found.append(f"a secret baked into the image: {word} {args}")
            if word in ("COPY", "ADD") and re.search(r"\.env\b|credentials|\.pem\b|\.key\b", args):
                found.append(f"a secret file copied into the image: {word} {args}")
    return found


def main():
    dockerfile, install_deps, binary = sys.argv[1:4]
    report = Report("check_dockerfile")
    text = open(dockerfile).read()
    deps = install_deps_packages(install_deps)
    report.check(len(deps) > 5, f"cannot read the PACKAGES list of {install_deps}")
    needed = runtime_packages(binary)
    closure = dependency_closure()
    report.check("libcurl4" in needed, f"ldd found no libcurl in {binary}")
    for problem in problems(text, deps, needed, closure):
        report.check(False, problem)
    cmd = [json.loads(a) for w, a in stages(text)[-1]["steps"] if w == "CMD"]
    if cmd:
        unknown = unknown_flags(binary, cmd[-1][0], cmd[-1][1:])
        report.check(not unknown, f"CMD passes flags `idsync {cmd[-1][0]}` does not take: {unknown}")

    report.catches("USER root", problems(text.replace("USER 10001:10001", "USER root"), deps, needed, closure))
    report.catches("a missing USER", problems(re.sub(r"(?m)^USER .*$", "", text), deps, needed, closure))
    report.catches("a token in ENV", problems(text.replace("ENV ", "ENV IDSYNC_API_TOKEN=abc ", 1), deps, needed, closure))
    report.catches("a fat final stage", problems(
        text.replace("FROM debian:bookworm-slim", "FROM debian:bookworm"), deps, needed, closure))
    report.catches("a compiler in the final stage", problems(
        text.replace("ca-certificates ", "ca-certificates g++ ", 1), deps, needed, closure))
    report.catches("a runtime library left out", problems(
        re.sub(r"\blibcurl4\b", "", text), deps, needed, closure))
    report.catches("a single stage", problems(
        "FROM debian:bookworm-slim\nUSER 1000\nENTRYPOINT [\"idsync\"]\n", deps, needed, closure))
    report.exit()


if __name__ == "__main__":
    main()
