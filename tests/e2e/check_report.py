#!/usr/bin/python3
"""Checks the figures a browser read from a finseg report (browser.py's JSON) against the result
documents themselves, recomputed here independently: counts and sums exactly, quartiles and
medians within 1% (the report's sketch), every chart drawn, no errors, no network request.
Changes documents (finseg diff, manifest kind "changes") among the jobIds: their users recounted
by status and their changes by kind, and the counts at the end of the document, all exactly.

usage: check_report.py PROBE.json RESULTS_DIR JOBID...   (the jobIds in the order given to finseg report)
"""
import json
import sys
from collections import Counter
from decimal import Decimal

probe_file, results = sys.argv[1:3]
job_ids = sys.argv[3:]
probe = json.load(open(probe_file))
values = probe["values"]
failures = []


def fail(what):
    failures.append(what)


def shown(key):
    if key not in values:
        fail(f"the page has no figure {key}")
        return None
    return Decimal(values[key].replace(",", ""))


def exact(key, want):
    got = shown(key)
    if got is not None and got != Decimal(want):
        fail(f"{key}: page {got}, documents {want}")


def kth(sorted_values, q):  # the k-th smallest, k = round(q * (n - 1)), halves up (as llround)
    k = int(Decimal(q * (len(sorted_values) - 1)).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    return sorted_values[k]


def near(key, want):
    got = shown(key)
    if got is not None and abs(got - want) > abs(want) * Decimal("0.01") + Decimal("0.01"):
        fail(f"{key}: page {got}, documents {want} (more than 1% apart)")


def distribution(key, amounts):
    amounts = sorted(amounts)
    if not amounts:  # the page says "none"
        if f"{key}.count" in values:
            fail(f"{key}: figures on the page for no values")
        return
    exact(f"{key}.count", len(amounts))
    exact(f"{key}.min", amounts[0])
    exact(f"{key}.max", amounts[-1])
    exact(f"{key}.sum", sum(amounts))
    for name, q in (("p25", 0.25), ("median", 0.5), ("p75", 0.75)):
        near(f"{key}.{name}", kth(amounts, q))


def money(v):
    return Decimal(str(v))


def check_job(n, job_id):
    manifest = json.load(open(f"{results}/{job_id}/manifest.json"))
    doc = json.load(open(f"{results}/{job_id}/result.json"), parse_float=Decimal)
    seg, users = manifest["segment"], doc["users"]
    exact(f"{n}.users", len(users))
    if seg == "financialBreakdown":
        exact(f"{n}.entries", sum(len(u["breakdowns"]) for u in users))
        for group in manifest["request"]["labelGroups"]:
            rows = [b for u in users for b in u["breakdowns"] if b["labelGroup"] == group]
            if not rows:
                continue
            distribution(f"{n}.{group}", [m["amount"] for b in rows for m in b["months"]])
            for i, month in enumerate(rows[0]["months"]):
                exact(f"{n}.{group}.{month['month']}", sum(b["months"][i]["amount"] for b in rows))
        return
    accounts = [a for u in users for a in u["accounts"]]
    exact(f"{n}.accounts", len(accounts))
    if seg in ("highBalance", "lowBalance"):
        exact(f"{n}.entries", len(accounts))
        distribution(f"{n}.amount", [a["amount"] for a in accounts])
    elif seg == "incomeSpendingSummary":
        exact(f"{n}.in_tx", sum(a["incomingTransactions"] for a in accounts))
        exact(f"{n}.out_tx", sum(a["outgoingTransactions"] for a in accounts))
        exact(f"{n}.in_sum", sum(a["incomingAmount"] for a in accounts))
        exact(f"{n}.out_sum", sum(a["outgoingAmount"] for a in accounts))
        distribution(f"{n}.in", [a["incomingAmount"] for a in accounts])
        distribution(f"{n}.out", [a["outgoingAmount"] for a in accounts])
    elif seg == "insuranceSpending":
        contracts = [c for a in accounts for c in a["insurances"]]
        exact(f"{n}.entries", len(contracts))
        for (t, f), c in Counter((c["insuranceType"], c["frequency"]) for c in contracts).items():
            exact(f"{n}.contracts.{t}.{f}", c)
        distribution(f"{n}.contract", [c["amount"] for c in contracts])
        missing = Counter(t for u in users for t in u.get("missingInsuranceTypes", []))
        for t in manifest["request"].get("expectedInsuranceTypes", []):
            exact(f"{n}.missing.{t}", missing[t])
        exact(f"{n}.missing_any", sum(1 for u in users if u.get("missingInsuranceTypes")))


KINDS = {"added": "added", "removed": "removed", "ended": "removed", "moved": "moved", "repriced": "moved"}


def check_changes(n, job_id):
    doc = json.load(open(f"{results}/{job_id}/result.json"))
    key = f"changes.{n}"
    status = Counter(u["status"] for u in doc["users"])
    kinds = Counter(KINDS[c["change"]] for u in doc["users"] for c in u.get("changes", []))
    for name in ("entered", "left", "changed"):
        exact(f"{key}.{name}", status[name])  # the recount
        exact(f"{key}.{name}", doc["counts"][name])  # what the document's end says
    for name in ("oldUsers", "newUsers", "unchanged"):
        exact(f"{key}.{name}", doc["counts"][name])
    for name in ("added", "removed", "moved"):
        exact(f"{key}.{name}", kinds[name])
    if sum(status.values()) and "chart-changes-users" not in probe["charts"]:
        fail("users entered, left or changed, but the page has no chart of them")


jobs = changes = 0
for job_id in job_ids:
    if json.load(open(f"{results}/{job_id}/manifest.json")).get("kind") == "changes":
        changes += 1
        check_changes(changes, job_id)
    else:
        jobs += 1
        check_job(jobs, job_id)
if changes and "changes.1.entered" not in values:
    fail("changes documents were given but the page has no changes section")
if probe["errors"]:
    fail(f"console/script errors: {probe['errors']}")
if probe["requests"]:
    fail(f"the page asked the network for {probe['requests']}")
if probe["scripts"]:
    fail(f"the page has {probe['scripts']} scripts")
if not probe["charts"]:
    fail("no charts")
for chart, c in probe["charts"].items():
    if c["width"] < 100 or c["height"] < 40 or c["marks"] < 1:
        fail(f"chart {chart} did not draw: {c}")
if failures:
    sys.exit("report check failed:\n  " + "\n  ".join(failures))
print(f"report: {len(values)} figures match the documents, {len(probe['charts'])} charts drawn, no errors, no network")
