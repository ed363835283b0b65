"""What the deploy checks share: a list of failures and the exit code it makes.

Every checker also runs itself on broken copies of what it checks and fails when a
break goes unnoticed, so a checker that checks nothing cannot pass.
"""
import re
import subprocess
import sys


class Report:
    def __init__(self, name):
        self.name, self.failures, self.checks = name, [], 0

    def check(self, ok, message):
        """Records `message` as a failure unless `ok`. Returns `ok`."""
        self.checks += 1
        if not ok:
            self.failures.append(message)
            print(f"FAIL: {message}")
        return bool(ok)

    def catches(self, what, problems):
        """A broken copy (`what`) must make the checker report at least one problem."""
        self.check(problems, f"the checker misses {what}")

    def exit(self):
        print(f"{self.name}: {self.checks} checks, {len(self.failures)} failed")
        sys.exit(1 if self.failures else 0)


def unknown_flags(binary, command, argv):
    """The --flags and -f in `argv` that `binary command --help` does not list."""
    help_text = subprocess.run([binary, command, "--help"], capture_output=True, text=True,
                               timeout=60).stdout
    listed = set(re.findall(r"(?<![\w-])(--?[a-z][-a-z]*)", help_text))
    return [a.split("=")[0] for a in argv if a.startswith("-") and a.split("=")[0] not in listed]
