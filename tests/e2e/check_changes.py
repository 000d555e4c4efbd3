#!/usr/bin/python3
"""Checks a changes document (finseg diff) against the two result documents it compares, with an
independent reading of docs/changes.md: every user is entered, left, changed or unchanged exactly
as the documents say; the entries are the documents' own bytes; and "changed" is exactly what
the rules (given as JSON, the document's own "rules" by default) select.

usage: check_changes.py OLD_RESULT NEW_RESULT CHANGES"""
import json
import sys
from decimal import Decimal

MEASURES = {"financialBreakdown": ["total", "average"], "incomeSpendingSummary":
            ["incomingAmount", "outgoingAmount", "incomingTransactions", "outgoingTransactions"]}
WORDS = {"insuranceSpending": ("added", "ended", "repriced")}


def users(path):
    """userId -> the user's line (compact object) as written in the document."""
    out = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for line in lines[1:]:
        if line.startswith('{"userId":'):
            obj = line[:-1] if line.endswith(",") else line
            out[json.loads(obj)["userId"]] = obj
    return out


def items(segment, user):
    """key -> (selector, {measure: value}) as docs/changes.md cuts a user into items."""
    u = json.loads(user, parse_float=Decimal)
    out = {}
    if segment == "financialBreakdown":
        for b in u["breakdowns"]:
            out[(b["labelGroup"],)] = (b["labelGroup"], {m: b[m] for m in MEASURES[segment]})
        return out
    for a in u["accounts"]:
        if segment == "insuranceSpending":
            for c in a["insurances"]:
                out[(a["accountId"], c["provider"], c["insuranceType"])] = (c["insuranceType"], {"amount": c["amount"]})
        else:
            out[(a["accountId"],)] = ("", {m: a[m] for m in MEASURES.get(segment, ["amount"])})
    return out


def fires(rule, segment, selector, kind, measure=None, old=None, new=None):
    sel = rule.get("labelGroup", rule.get("insuranceType"))
    if sel is not None and sel != selector:
        return False
    if kind not in rule["changes"]:
        return False
    if measure is None:
        return True
    if rule.get("measure", measure) != measure:
        return False
    d = abs(Decimal(new) - Decimal(old))
    if d == 0 or d < Decimal(str(rule["minChange"])):
        return False
    pct = rule.get("minChangePercent")
    return pct is None or old == 0 or d * 100 >= Decimal(str(pct)) * abs(Decimal(old))


def expected_changes(segment, rules, old_user, new_user):
    added, removed, moved = WORDS.get(segment, ("added", "removed", "moved"))
    o, n = items(segment, old_user), items(segment, new_user)
    found = []
    for key in sorted(set(o) | set(n), key=lambda k: "\0".join(k).encode()):
        if key not in o or key not in n:
            kind = added if key not in o else removed
            selector = (n if key not in o else o)[key][0]
            if any(fires(r, segment, selector, kind) for r in rules):
                found.append((key, kind, None))
            continue
        for m in o[key][1]:
            ov, nv = o[key][1][m], n[key][1][m]
            if any(fires(r, segment, o[key][0], moved, m, ov, nv) for r in rules):
                found.append((key, moved, m, str(ov), str(nv)))
    return found


def main(old_path, new_path, changes_path):
    old, new = users(old_path), users(new_path)
    with open(changes_path, encoding="utf-8") as f:
        text = f.read()
    doc = json.loads(text, parse_float=Decimal)
    segment, rules = doc["segment"], doc["rules"]
    lines = {json.loads(l.rstrip(","))["userId"]: l.rstrip(",") for l in text.split("\n")[1:] if l.startswith('{"userId":')}
    listed = {e["userId"]: e for e in doc["users"]}
    assert list(listed) == sorted(listed, key=lambda s: s.encode()), "users not sorted by userId"
    c = doc["counts"]
    stayed = c["changed"] + c["unchanged"]
    assert c["entered"] + stayed == len(new) == c["newUsers"], ("entered + stayed != new users", c, len(new))
    assert c["left"] + stayed == len(old) == c["oldUsers"], ("left + stayed != old users", c, len(old))
    for uid in sorted(set(old) | set(new)):
        e, line = listed.get(uid), lines.get(uid)
        if uid not in old:
            assert e and e["status"] == "entered" and line.endswith(',"new":' + new[uid] + "}"), uid
        elif uid not in new:
            assert e and e["status"] == "left" and line.endswith(',"old":' + old[uid] + "}"), uid
        else:
            want = expected_changes(segment, rules, old[uid], new[uid])
            if not want:
                assert e is None, ("listed as changed but no rule fires", uid)
                continue
            assert e and e["status"] == "changed", ("not listed as changed", uid, want)
            assert line.endswith(',"old":' + old[uid] + ',"new":' + new[uid] + "}"), ("entries differ from the documents", uid)
            got = [(tuple(x[k] for k in ("labelGroup",) if k in x) or tuple(x[k] for k in ("accountId", "provider", "insuranceType") if k in x),
                    x["change"]) + ((x["measure"], str(x["old"]), str(x["new"])) if "measure" in x else (None,)) for x in e["changes"]]
            assert got == want, ("changes differ", uid, got, want)
    kinds = {s: sum(1 for e in listed.values() if e["status"] == s) for s in ("entered", "left", "changed")}
    assert kinds == {k: c[k] for k in kinds}, (kinds, c)
    print(f"{changes_path}: {c}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
