#!/usr/bin/env python3
"""Adds N facilities of another generated ward to a dataset, for replanning benchmarks.

    scripts/add-facilities.py BASE OTHER OUT [N]

BASE and OTHER are dataset folders written by `matome generate` (e.g. seed 1 and seed
2); OUT receives BASE plus the first N building facilities of OTHER (every N-th, so they
spread over the ward), renamed N0001…, with their service lines and a contract per line
(renamed too). vendors.csv and depots.csv are copied from BASE.
"""
import csv, shutil, sys
from pathlib import Path

base, other, out = map(Path, sys.argv[1:4])
n = int(sys.argv[4]) if len(sys.argv) > 4 else 10
if out.exists():
    shutil.rmtree(out)
shutil.copytree(base, out)

def rows(p):
    with open(p, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))

fac = rows(other / "facilities.csv")
step = max(1, len(fac) // n)
picked = fac[::step][:n]
ids = {f["facility_id"]: f"N{i + 1:04d}" for i, f in enumerate(picked)}
lines = [l for l in rows(other / "service_lines.csv") if l["facility_id"] in ids]
contracts = {c["contract_id"]: c for c in rows(other / "contracts.csv")}

def append(name, header, new):
    with open(out / name, "a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        for r in new:
            w.writerow(r)

append("facilities.csv", list(fac[0].keys()),
       [dict(f, facility_id=ids[f["facility_id"]], name=f["name"] + "（新設）") for f in picked])
new_lines, new_contracts = [], []
for i, l in enumerate(lines):
    cid = f"CN{i + 1:05d}"
    new_lines.append(dict(l, line_id=f"LN{i + 1:05d}", facility_id=ids[l["facility_id"]],
                          contract_id=cid if l["contract_id"] else "", pinned=l["pinned"]))
    if l["contract_id"]:
        c = dict(contracts[l["contract_id"]])
        c.update(contract_id=cid, annual_value_jpy=l["annual_cost_jpy"])
        new_contracts.append(c)
append("service_lines.csv", list(lines[0].keys()), new_lines)
append("contracts.csv", list(next(iter(contracts.values())).keys()), new_contracts)
print(f"added {len(picked)} facilities, {len(new_lines)} lines, {len(new_contracts)} contracts to {out}")
