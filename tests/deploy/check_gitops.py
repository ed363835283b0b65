#!/usr/bin/env python3
"""Checks examples/gitops/: its manifest passes `idsync validate` with the built binary,
and its CI examples (GitHub Actions and GitLab CI) run `idsync plan --baseline
<merge base's manifest> --format markdown --detailed-exitcode` on pull/merge requests,
extract that merge base's manifest, tell exit 2 (changes) from 3 (held), post the
markdown, and pass the credentials the manifest reads.

    check_gitops.py GITOPS_DIR IDSYNC_BINARY
"""
import copy
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

from report import Report


def validate(binary, path):
    run = subprocess.run([binary, "validate", "-f", path], capture_output=True, text=True, timeout=60)
    return run.returncode, run.stderr.strip()


def manifest_env_names(directory):
    names = set()
    for path in glob.glob(os.path.join(directory, "**/*.y*ml"), recursive=True):
        doc = yaml.safe_load(open(path)) or {}
        for platform in (doc.get("platforms") or {}).values():
            for ref in (platform.get("credentials") or {}).values():
                if isinstance(ref, dict) and "env" in ref:
                    names.add(ref["env"])
    return names


def plan_command_problems(script, where):
    found = []
    if not re.search(r"\bplan\b[^\n]*--format markdown[^\n]*--detailed-exitcode", script):
        found.append(f"{where}: no `idsync plan ... --format markdown --detailed-exitcode`")
    if not re.search(r"\bplan\b[^\n]*--baseline \S+[^\n]*--detailed-exitcode", script):
        found.append(f"{where}: the plan has no --baseline (a deleted user would plan no change)")
    if not re.search(r"git merge-base|CI_MERGE_REQUEST_DIFF_BASE_SHA", script) or "git archive" not in script:
        found.append(f"{where}: the merge base's manifest is not extracted for --baseline")
    if not re.search(r"\b2\)", script) or not re.search(r"\b3\)", script):
        found.append(f"{where}: exit 2 (changes) and 3 (held) are not told apart")
    return found


def github_problems(workflow, env_names):
    found = []
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as true
    if not isinstance(triggers, dict) or "pull_request" not in triggers:
        found.append("GitHub: the workflow does not run on pull_request")
    if (workflow.get("permissions") or {}).get("pull-requests") != "write":
        found.append("GitHub: permissions lack pull-requests: write (needed to comment)")
    steps = [s for job in (workflow.get("jobs") or {}).values() for s in job.get("steps", [])]
    plan = [s for s in steps if "--detailed-exitcode" in str(s.get("run", ""))]
    if not plan:
        return found + ["GitHub: no step runs idsync plan --detailed-exitcode"]
    every_run = "\n".join(str(s.get("run", "")) for s in steps)
    found += plan_command_problems(plan[0]["run"] + "\n" + every_run, "GitHub")
    checkout = [s for s in steps if "actions/checkout" in str(s.get("uses", ""))]
    if not checkout or (checkout[0].get("with") or {}).get("fetch-depth") != 0:
        found.append("GitHub: the checkout is shallow (fetch-depth: 0 is needed for the merge base)")
    missing = env_names - set(plan[0].get("env") or {})
    if missing:
        found.append(f"GitHub: the plan step does not receive {sorted(missing)}")
    if plan[0].get("id") is None:
        found.append("GitHub: the plan step has no id for later steps to read its result")
    poster = [s for s in steps if "github-script" in str(s.get("uses", ""))]
    script = str((poster[0].get("with") or {}).get("script", "")) if poster else ""
    if "plan.md" not in script or "createComment" not in script:
        found.append("GitHub: no step posts plan.md as a pull-request comment")
    return found


def gitlab_problems(ci, env_names):
    found = []
    jobs = {k: v for k, v in ci.items() if isinstance(v, dict) and "script" in v}
    plan = [j for j in jobs.values() if "--detailed-exitcode" in "\n".join(j["script"])]
    if not plan:
        return ["GitLab: no job runs idsync plan --detailed-exitcode"]
    rules = str(plan[0].get("rules"))
    if "merge_request_event" not in rules:
        found.append("GitLab: the plan job does not run on merge requests")
    every_script = "\n".join(line for j in jobs.values() for line in j["script"])
    found += plan_command_problems("\n".join(plan[0]["script"]) + every_script, "GitLab")
    if not any("merge_requests/$CI_MERGE_REQUEST_IID/notes" in "\n".join(j["script"]) for j in jobs.values()):
        found.append("GitLab: no job posts the plan as a merge-request note")
    if not any(re.search(r"\b3\)[^\n]*exit 3", "\n".join(j["script"])) for j in jobs.values()):
        found.append("GitLab: held removals (exit 3) do not fail the pipeline")
    return found


def main():
    gitops, binary = sys.argv[1], sys.argv[2]
    report = Report("check_gitops")
    manifest = os.path.join(gitops, "manifest")
    code, err = validate(binary, manifest)
    report.check(code == 0, f"idsync validate -f {manifest} exited {code}: {err}")
    users = glob.glob(os.path.join(manifest, "users", "*.yaml"))
    for name in ("platforms.yaml", "roles.yaml"):
        report.check(os.path.isfile(os.path.join(manifest, name)), f"{manifest}/{name} is missing")
    report.check(len(users) >= 2, f"expected users split over files in {manifest}/users, found {users}")
    with tempfile.TemporaryDirectory() as tmp:
        broken = shutil.copytree(manifest, os.path.join(tmp, "manifest"))
        with open(os.path.join(broken, "users", "typo.yaml"), "w") as f:
            f.write("version: 1\nusers:\n  - email: zed@acme.io\n    roles: [ data-enginer ]\n")
        code, err = validate(binary, broken)
        report.check(code == 1 and "typo.yaml:4:" in err,
                     f"idsync validate missed an unknown role in a copy of the manifest (exit {code}: {err})")

    plan_help = subprocess.run([binary, "plan", "--help"], capture_output=True, text=True, timeout=60)
    for flag in ("--format", "--detailed-exitcode", "--baseline"):
        report.check(flag in plan_help.stdout, f"`idsync plan --help` does not list {flag}")

    env = manifest_env_names(manifest)
    report.check(env, f"no credential variables in {manifest}")
    workflow = yaml.safe_load(open(os.path.join(gitops, ".github/workflows/idsync-plan.yml")))
    for problem in github_problems(workflow, env):
        report.check(False, problem)
    ci = yaml.safe_load(open(os.path.join(gitops, ".gitlab-ci.yml")))
    for problem in gitlab_problems(ci, env):
        report.check(False, problem)

    def mutated_github(change):
        w = copy.deepcopy(workflow)
        steps = [s for job in w["jobs"].values() for s in job["steps"]]
        change(w, steps)
        return github_problems(w, env)
    report.catches("a plan without --detailed-exitcode", mutated_github(
        lambda w, steps: [s.update(run=s["run"].replace("--detailed-exitcode", "")) for s in steps if "run" in s]))
    report.catches("exit 3 treated like any failure", mutated_github(
        lambda w, steps: [s.update(run=s["run"].replace("3)", "4)")) for s in steps if "run" in s]))
    report.catches("a plan without --baseline", mutated_github(
        lambda w, steps: [s.update(run=re.sub(r"--baseline \S+ ", "", s["run"])) for s in steps if "run" in s]))
    report.catches("a shallow checkout", mutated_github(
        lambda w, steps: [s.pop("with", None) for s in steps if "checkout" in str(s.get("uses"))]))
    report.catches("a credential not passed", mutated_github(
        lambda w, steps: [s["env"].pop("ASTRA_TOKEN", None) for s in steps if "env" in s]))
    report.catches("no comment posted", mutated_github(
        lambda w, steps: [s.pop("uses", None) for s in steps if "github-script" in str(s.get("uses"))]))
    no_notes = copy.deepcopy(ci)
    for job in no_notes.values():
        if isinstance(job, dict) and "script" in job:
            job["script"] = [line.replace("/notes", "/discussions") for line in job["script"]]
    report.catches("a GitLab job that does not post the note", gitlab_problems(no_notes, env))
    no_baseline = copy.deepcopy(ci)
    for job in no_baseline.values():
        if isinstance(job, dict) and "script" in job:
            job["script"] = [re.sub(r"--baseline \S+ ", "", line) for line in job["script"]]
    report.catches("a GitLab plan without --baseline", gitlab_problems(no_baseline, env))
    report.exit()


if __name__ == "__main__":
    main()
