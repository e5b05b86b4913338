#!/usr/bin/env python3
"""Summarises a folder written by scripts/bench-protocol.sh: per set, how many runs
reach the best known value (within 1e-6 relative), how many are proven, the largest
gap to the best known, median and max seconds. Usage: bench-summary.py DIR [DIR2]
(with two folders, the rows of both side by side: before and after)."""
import csv, glob, os, re, statistics, sys

def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f)]

def summarise(rs):
    if not rs:
        return "no rows (set still running or failed)"
    at_best = sum(1 for r in rs if r["gap_to_best_pct"] and float(r["gap_to_best_pct"]) <= 1e-4)
    proven = sum(1 for r in rs if r["status"] == "optimal")
    gaps = [float(r["gap_to_best_pct"]) for r in rs if r["gap_to_best_pct"]]
    secs = [float(r["seconds"]) for r in rs]
    return (f"{at_best}/{len(rs)} at best known, {proven} proven, max gap to best "
            f"{max(gaps) if gaps else float('nan'):.3f} %, median {statistics.median(secs):.2f} s, "
            f"max {max(secs):.2f} s")

def report(d):
    out = {}
    oc = sorted(glob.glob(os.path.join(d, "oc_seed*.csv")))
    if oc:
        per = []
        for p in oc:
            rs = rows(p)
            seed = re.search(r"seed(\d+)", p).group(1)
            miss = [f"{r['instance']} {r['objective']}" for r in rs
                    if r["gap_to_best_pct"] and float(r["gap_to_best_pct"]) > 1e-4]
            per.append(f"seed {seed}: " + summarise(rs) + (f" (misses: {', '.join(miss)})" if miss else ""))
        out["OC 1-20, T = 1 s"] = per
    for name, label in [("sjc.csv", "SJC, T = 30 s"), ("p3038_600.csv", "p3038_600, T = 300 s")]:
        p = os.path.join(d, name)
        if os.path.exists(p):
            rs = rows(p)
            out[label] = [summarise(rs)] + [
                f"{r['instance']}: {r['objective']} bound {r['bound']} gap to best {r['gap_to_best_pct']} % in {r['seconds']} s ({r['status']})"
                for r in rs]
    p = os.path.join(d, "sscflp.csv")
    if os.path.exists(p):
        rs = rows(p)
        hol = [r for r in rs if r["instance"].startswith("holmberg")]
        ss = [r for r in rs if r["instance"].startswith("orlib")]
        out["Holmberg + OR-SS, T = 10 s"] = [
            "all: " + summarise(rs), "Holmberg: " + summarise(hol), "OR-SS: " + summarise(ss)] + [
            f"{r['instance']}: {r['gap_to_best_pct']} %" for r in rs
            if r["gap_to_best_pct"] and float(r["gap_to_best_pct"]) > 1e-4]
    p = os.path.join(d, "sweep", "comparison.csv")
    if os.path.exists(p):
        with open(p, newline="", encoding="utf-8-sig") as f:
            rs = [r for r in csv.DictReader(f) if r["outcome"] == "ok"]
        gaps = [100 * float(r["gap"]) for r in rs if r["gap"]]
        out["budget sweep"] = [f"{len(rs)} scenarios planned, gaps {min(gaps):.2f}-{max(gaps):.2f} %, "
                               f"contracts {min(int(r['contracts']) for r in rs)}-{max(int(r['contracts']) for r in rs)}"]
    for name in ["ward1.txt", "ward2.txt", "sweep.txt", "p3038_600.err"]:
        p = os.path.join(d, name)
        if os.path.exists(p):
            lines = open(p, encoding="utf-8").read().splitlines()
            keep = [l for l in lines if re.search(r"contracts |objective |KiB peak|scenarios|gap", l)]
            out[name] = keep[-6:]
    return out

for d in sys.argv[1:]:
    print(f"# {d}")
    for k, v in report(d).items():
        print(f"## {k}")
        for l in v:
            print("  " + l)
