"""bench/run's results as one Markdown table: each figure of this build beside the same
figure of the baseline build (and the ratio this / baseline), as BENCHMARKS.md records them."""


def ratio(row, base, key):
    """' (0.42x the baseline)' when `base` has the figure, else ''."""
    if not base or not base.get(key) or base[key] != base[key]:
        return ""
    return f" ({row[key] / base[key]:.2f}x)"


def with_baseline(rows, key_fields):
    """Each row with the baseline row of the same key_fields, or None."""
    base = {tuple(r.get(k) for k in key_fields): r for r in rows if r.get("build") == "baseline"}
    return [(r, base.get(tuple(r.get(k) for k in key_fields)) if r.get("build") != "baseline" else None)
            for r in rows]


def report(results):
    m = results["machine"]
    out = [f"machine: {m['cpu']}, {m['cpus']} CPUs, {m['mem_gb']} GB, Linux {m['kernel']}; load average at start "
           f"{m['load_before'][0]:.1f} {m['load_before'][1]:.1f} {m['load_before'][2]:.1f}, at end "
           f"{results['load_after'][0]:.1f}; builds: " + ", ".join(f"{k} = {v}" for k, v in results["builds"].items()),
           "", "| figure | size | state | build | wall | CPU | peak RSS | other |", "|---|---|---|---|---|---|---|---|"]

    def row(fig, size, state, r, base, other=""):
        out.append(f"| {fig} | {size} | {state} | {r.get('build', '')} | {r['wall_s']:.2f} s{ratio(r, base, 'wall_s')} | "
                   f"{r['cpu_s']:.2f} s{ratio(r, base, 'cpu_s')} | {r['rss_mb']:.0f} MB{ratio(r, base, 'rss_mb')} | {other} |")
    for r, base in with_baseline(results.get("validate", []), ("users",)):
        row("validate", f"{r['users']:,} users ({r['mb']:.1f} MB)", "", r, base)
    for r, base in with_baseline(results.get("nesting", []), ("shape", "users")):
        row(f"load + resolve, {r['shape']} groups", f"{r['users']:,} users", "", r, base)
    for r, base in with_baseline(results.get("adopt_noop", []), ("figure", "users", "backend")):
        if r["figure"] == "adopt":
            plan = ", ".join(f"{v} {k}" for k, v in r["plan"].items() if v)
            row("adopt (first apply, all live)", f"{r['users']:,} users", r["backend"], r, base,
                f"{'every action adopt' if r['all_adopt'] else 'NOT all adopt'} ({plan}); {r['mutations']} mutations")
        else:
            row("no-op apply", f"{r['users']:,} users", r["backend"], r, base,
                f"{r['requests']} requests ({r['list_requests']} listUsers), {r['mutations']} mutations")
    for r, base in with_baseline(results.get("simlist", []), ("users",)):
        cpu = f"{r['sim_cpu_s']:.2f} s" + (f" ({r['sim_cpu_s'] / base['sim_cpu_s']:.2f}x)" if base and base["sim_cpu_s"] else "")
        out.append(f"| idsync-sim listUsers (simulator CPU) | {r['users']:,} users | | {r['build']} | {r['wall_s']:.2f} s | "
                   f"{cpu} | | seed loaded in {r['seed_wall_s']:.1f} s wall |")
    if "invites" in results:
        inv = results["invites"]
        for r, base in with_baseline(inv["runs"], ("client", "backend")):
            cpu = f"{r['cpu_s']:.2f} s" if "cpu_s" in r else ""
            rss = f"{r['rss_mb']:.0f} MB" if "rss_mb" in r else ""
            out.append(f"| {inv['users']:,} invites, {inv['latency_ms']} ms, {inv['per_second']} req/s: {r['client']} | "
                       f"{inv['users']:,} | {r['backend']} | {r['build']} | {r['wall_s']:.1f} s{ratio(r, base, 'wall_s')} | "
                       f"{cpu} | {rss} | {r['vs_physical']:.2f}x the {inv['physical_s']:.0f} s limit; {r['refused_429']} x 429 "
                       f"({r['refused_after_first']} after the first came back); {r['invited']} invited |")
    for r in results.get("revoke", []):
        out.append(f"| time to revoke (idsync run) | {r['users']} users | sqlite | {r['build']} | "
                   f"median {r['median_s'] * 1000:.0f} ms | | | {len(r['times_s'])} changes: "
                   + ", ".join(f"{t * 1000:.0f}" for t in r["times_s"]) + " ms |")
    if "failover" in results:
        f = results["failover"]
        out.append(f"| failover (SIGKILL of the leader -> the standby's first request) | {len(f['failover_ms'])} trials | "
                   f"postgresql | this | median {f['median_ms']:.0f} ms | | | " + ", ".join(f"{t:.0f}" for t in f["failover_ms"])
                   + " ms |")
    return "\n".join(out)


