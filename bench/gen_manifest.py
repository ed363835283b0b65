#!/usr/bin/env python3
"""Writes a manifest of N users (default 100,000; about 8 MB) to stdout, for the
`validate` benchmark (SPEC §9): five platforms (one of each type), 20 roles, 10 groups,
each user with a name and a group or a role (every fifth both).

    bench/gen_manifest.py 100000 > /tmp/m100k.yaml
    bench/gen_manifest.py 100000 deep > /tmp/deep.yaml   # nested groups (SPEC §2)
    bench/gen_manifest.py 100000 wide > /tmp/wide.yaml

Nesting (second argument): `flat` (default) as above; `deep`: a chain of 1,000 groups,
each listing the next, the last holding the roles, users spread over every level; `wide`:
one group listing 1,000 groups that each hold one role, users in it or in one of them.
"""
import sys

def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    nesting = sys.argv[2] if len(sys.argv) > 2 else "flat"
    if nesting not in ("flat", "deep", "wide"):
        sys.exit("gen_manifest.py: nesting must be flat, deep or wide")
    out = sys.stdout
    out.write("""version: 1
platforms:
  astro:
    type: houston
    url: https://houston.example.com/v1
    credentials: { api_key: { env: HOUSTON_API_KEY } }
  astra:
    type: astra
    url: https://api.astra.datastax.com
    credentials: { token: { env: ASTRA_TOKEN } }
  flux:
    type: orgadmin
    url: https://orgadmin.example.com/graphql
    org: 00000000-0000-0000-0000-000000000001
    credentials: { token: { file: secrets/orgadmin } }
  ws:
    type: workspace
    url: https://ws.example.com/graphql
    credentials: { api_key: { env: WS_KEY }, api_secret: { env: WS_SECRET } }
  scimapp:
    type: scim
    url: https://app.example.com/scim/v2
    credentials: { token: { env: SCIM_TOKEN } }
roles:
""")
    kinds = ["DEVELOPER", "ANALYST", "BUSINESS", "ADMIN"]
    for r in range(20):
        out.write(f"  role-{r:02d}:\n")
        out.write(f"    astro: {{ workspaces: {{ ckws{r % 5}: WORKSPACE_EDITOR }} }}\n")
        out.write(f"    astra: [ \"Role {r % 7}\" ]\n")
        out.write(f"    ws: {kinds[r % 4]}\n")
        out.write(f"    scimapp: {{ groups: [ \"Team {r % 6}\" ] }}\n")
        if r % 4 == 0:
            out.write(f"    flux: {{ role: user, groups: [ \"00000000-0000-0000-0000-0000000000{r:02d}\" ] }}\n")
    out.write("groups:\n")
    for g in range(10):
        out.write(f"  group-{g}:\n    roles: [ role-{g:02d}, role-{g + 10:02d} ]\n")
    levels = 1000
    if nesting == "deep":
        for g in range(levels):
            child = f"nest-{g + 1}" if g + 1 < levels else "group-0"
            out.write(f"  nest-{g}: {{ groups: [ {child} ] }}\n")
    if nesting == "wide":
        out.write("  everyone:\n    groups:\n")
        for g in range(levels):
            out.write(f"      - team-{g}\n")
        for g in range(levels):
            out.write(f"  team-{g}: {{ roles: [ role-{g % 20:02d} ] }}\n")
    out.write("users:\n")
    for i in range(n):
        out.write(f"  - email: u{i:06d}@example.com\n")
        out.write(f"    name: User {i:06d}\n")
        if nesting == "deep":
            out.write(f"    groups: [nest-{i % levels}]\n")
        elif nesting == "wide":
            out.write(f"    groups: [{'everyone' if i % 2 else f'team-{i % levels}'}]\n")
        elif i % 2 == 0 or i % 5 == 0:
            out.write(f"    groups: [group-{i % 10}]\n")
        if i % 2 == 1 or i % 5 == 0:
            out.write(f"    roles: [role-{i % 20:02d}]\n")
        if i % 50 == 0:
            out.write("    suspended: true\n")

if __name__ == "__main__":
    main()
