"""Shared by bench/run and bench/failover: the builds under measurement, one timed run of
a binary, idsync-sim on a free port, and a throwaway PostgreSQL cluster.

Not a test and not a module of idsync: Python 3, stdlib only.
"""
import glob
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

KEY, SECRET = "bench-key", "bench-secret"
ENV = {"WS_KEY": KEY, "WS_SECRET": SECRET}
LIST_USERS = ("query ListUsers { listUsers { ok activeUsers { uid email name accountType }"
              " invitedUsers { email accountType inviteStatus } } }")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


class Build:
    """The binaries of one build: a CMake build directory (daemon/idsync, sim/idsync-sim,
    tests/config/config_load) or a flat directory holding idsync and idsync-sim."""

    def __init__(self, directory, label):
        self.dir, self.label = os.path.abspath(directory), label
        self.idsync = self._find("daemon/idsync", "idsync")
        self.sim = self._find("sim/idsync-sim", "idsync-sim")
        config_load = os.path.join(self.dir, "tests", "config", "config_load")
        self.config_load = config_load if os.access(config_load, os.X_OK) else None

    def _find(self, nested, flat):
        for path in (os.path.join(self.dir, nested), os.path.join(self.dir, flat)):
            if os.access(path, os.X_OK):
                return path
        sys.exit(f"bench: {self.label} build {self.dir} has neither {nested} nor {flat} (build first)")


def timed(cmd, workdir, env=None, check=True):
    """Runs cmd under /usr/bin/time -v, its output in files in `workdir` (a million plan
    lines stay out of memory): {wall_s, cpu_s, user_s, sys_s, rss_mb, rc, out}, `out`
    the path of its stdout. Raises RuntimeError when check and it exits non-zero."""
    fd, base = tempfile.mkstemp(prefix="run-", dir=workdir)
    os.close(fd)
    out, err, tfile = base + ".out", base + ".err", base + ".time"
    start = time.monotonic()
    with open(out, "w") as o, open(err, "w") as e:
        rc = subprocess.run(["/usr/bin/time", "-v", "-o", tfile] + cmd, env=dict(os.environ, **(env or {})),
                            stdout=o, stderr=e).returncode
    wall = time.monotonic() - start
    with open(tfile) as f:
        text = f.read()

    def field(name):
        m = re.search(re.escape(name) + r":\s*([0-9.]+)", text)
        return float(m.group(1)) if m else float("nan")
    user, sys_ = field("User time (seconds)"), field("System time (seconds)")
    if check and rc != 0:
        with open(err) as f:
            tail = "\n".join(f.read().splitlines()[-10:])
        raise RuntimeError(f"{' '.join(cmd[:2])} exited {rc}:\n{tail}")
    return {"wall_s": wall, "user_s": user, "sys_s": sys_, "cpu_s": user + sys_,
            "rss_mb": field("Maximum resident set size (kbytes)") / 1024, "rc": rc, "out": out}


def process_cpu_s(pid):
    """User + system CPU seconds of a live process so far (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Sim:
    """idsync-sim on 127.0.0.1, a free port, seeded from `seed` (YAML text)."""

    def __init__(self, binary, workdir, seed, faults=None):
        self.dir = tempfile.mkdtemp(prefix="sim-", dir=workdir)
        seed_path = os.path.join(self.dir, "seed.yaml")
        with open(seed_path, "w") as f:
            f.write(seed)
        port_file = os.path.join(self.dir, "port")
        cmd = [binary, "--seed", seed_path, "--listen", "127.0.0.1:0", "--port-file", port_file]
        if faults:
            cmd += ["--faults", json.dumps(faults)]
        self.err = open(os.path.join(self.dir, "stderr"), "w")
        start = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.err)
        deadline = time.monotonic() + 1800  # a 1,000,000-user seed takes a while to load
        while not os.path.exists(port_file) or not open(port_file).read().endswith("\n"):
            if self.proc.poll() is not None:
                raise RuntimeError("idsync-sim failed: " + open(os.path.join(self.dir, "stderr")).read())
            if time.monotonic() > deadline:
                raise RuntimeError("idsync-sim did not start")
            time.sleep(0.05)
        self.seed_wall_s = time.monotonic() - start
        with open(port_file) as f:
            self.port = int(f.read())

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def call(self, method, path, body=None, headers=None, timeout=600):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url(path), data=data, method=method,
                                     headers=dict({"Content-Type": "application/json"}, **(headers or {})))
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return json.loads(res.read())

    def counters(self, platform="workspace"):
        return self.call("GET", "/_sim/counters")[platform]

    def list_users(self):
        """One workspace listUsers as idsync sends it: {wall_s, sim_cpu_s, users}."""
        cpu = process_cpu_s(self.proc.pid)
        start = time.monotonic()
        answer = self.call("POST", "/workspace/graphql", {"query": LIST_USERS},
                           {"X-API-KEY": KEY, "X-API-SECRET": SECRET})
        wall = time.monotonic() - start
        users = len(answer["data"]["listUsers"]["activeUsers"])
        return {"wall_s": wall, "sim_cpu_s": process_cpu_s(self.proc.pid) - cpu, "users": users}

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.err.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A throwaway PostgreSQL cluster (tests/support/postgres.cc's way): initdb + pg_ctl
    in a temp dir, 127.0.0.1 on a free port, trust authentication, run as `postgres`
    (else `nobody`) when we are root, since the server refuses root. `durable`: the
    server's defaults (fsync, synchronous_commit on) rather than the tests' fsync off.
    Stop() stops it and deletes its files."""

    def __init__(self, workdir, durable=True):
        bindirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2]))
        if os.environ.get("IDSYNC_PG_BINDIR"):
            bindirs = [os.environ["IDSYNC_PG_BINDIR"]]
        if not bindirs:
            raise RuntimeError("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin): "
                               "install Debian's postgresql package (scripts/install-deps)")
        self.bin = bindirs[-1]
        self.dir = tempfile.mkdtemp(prefix="pg-", dir=workdir)
        self.data = os.path.join(self.dir, "data")
        self.prefix = []
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                user = pwd.getpwnam("nobody")
            os.chmod(workdir, 0o711)  # mkdtemp's 0700 would stop the server's user on the way in
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self.prefix = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
        self.databases = 0
        self.run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8",
                 "--no-locale")
        settings = f"-k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=100"
        if not durable:
            settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        for attempt in range(5):  # a port taken meanwhile: another one
            self.port = free_port()
            try:
                self.run("pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w", "-t", "120",
                         "-o", f"-p {self.port} {settings}", "start")
                return
            except RuntimeError:
                if attempt == 4:
                    raise

    def run(self, tool, *args):
        done = subprocess.run(self.prefix + [os.path.join(self.bin, tool)] + list(args),
                              capture_output=True, text=True, cwd=self.dir)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} exited {done.returncode}: {done.stderr.strip() or done.stdout.strip()}")

    def database(self, name=None):
        """A new empty database; its URI."""
        self.databases += 1
        name = name or f"bench{self.databases}"
        subprocess.run(["psql", f"postgresql://postgres@127.0.0.1:{self.port}/postgres", "-qAt", "-c",
                        f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self):
        try:
            self.run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def machine():
    facts = {"python": sys.version.split()[0], "kernel": os.uname().release, "cpus": os.cpu_count()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        m = re.search(r"Model name:\s*(.+)", lscpu)
        facts["cpu"] = m.group(1).strip() if m else "?"
    except OSError:
        facts["cpu"] = "?"
    with open("/proc/meminfo") as f:
        facts["mem_gb"] = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    facts["load_before"] = os.getloadavg()
    return facts
