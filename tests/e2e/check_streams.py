#!/usr/bin/python3
"""Checks the answers of GET /segments/{segment}/{jobId} against the whole document (http_paging.sh).

  check_streams.py page DOC PAGE_FILE PAGE PER_PAGE   the page holds users[(P-1)*N : P*N] and a right paging object
  check_streams.py ndjson DOC NDJSON_FILE             one line per user, each the document's user
  check_streams.py csv DOC CSV_FILE SEGMENT           the rows of docs/formats.md, built here independently
Numbers are compared as written (money keeps its two fraction digits).
"""
import csv
import io
import json
import sys

COLUMNS = {
    "highBalance": ["userId", "accountId", "amount"],
    "lowBalance": ["userId", "accountId", "amount"],
    "incomeSpendingSummary": ["userId", "accountId", "incomingTransactions", "outgoingTransactions", "incomingAmount",
                              "outgoingAmount"],
    "financialBreakdown": ["userId", "labelGroup", "total", "average", "min", "max", "median", "standardDeviation", "month",
                           "amount"],
    "insuranceSpending": ["userId", "missingInsuranceTypes", "accountId", "provider", "insuranceType", "amount", "frequency",
                          "lastPaymentDate", "paymentsInPeriod", "totalInPeriod"],
}


def load(path):
    with open(path, "rb") as f:
        return json.loads(f.read(), parse_float=str, parse_int=str)


def fail(why):
    sys.exit("FAIL: " + why)


def expected_rows(doc, segment):
    rows = []
    for u in doc["users"]:
        if segment == "financialBreakdown":
            for b in u["breakdowns"]:
                stats = [b[k] for k in ["labelGroup", "total", "average", "min", "max", "median", "standardDeviation"]]
                rows += [[u["userId"]] + stats + [m["month"], m["amount"]] for m in b["months"]]
        elif segment == "insuranceSpending":
            missing = "|".join(u["missingInsuranceTypes"]) if "missingInsuranceTypes" in u else ""
            for a in u["accounts"]:
                for i in a["insurances"]:
                    rows.append([u["userId"], missing, a["accountId"]] + [i[k] for k in COLUMNS[segment][3:]])
        else:
            rows += [[u["userId"]] + [a[k] for k in COLUMNS[segment][1:]] for a in u["accounts"]]
    return rows


def main():
    mode, doc = sys.argv[1], load(sys.argv[2])
    if mode == "page":
        page, p, n = load(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        want = doc["users"][(p - 1) * n:p * n]
        total = len(doc["users"])
        paging = {"page": str(p), "perPage": str(n), "pageCount": str((total + n - 1) // n), "totalCount": str(total)}
        if page.get("paging") != paging:
            fail(f"paging {page.get('paging')}, expected {paging}")
        if page["users"] != want:
            fail(f"page {p} of {n}: {len(page['users'])} users, not users {(p - 1) * n}..{p * n} of the document")
        rest = {k: v for k, v in page.items() if k not in ("users", "paging")}
        if rest != {k: v for k, v in doc.items() if k != "users"}:
            fail(f"the page's other fields {rest} differ from the document's")
    elif mode == "ndjson":
        with open(sys.argv[3], "rb") as f:
            text = f.read().decode()
        if not text.endswith("\n") and doc["users"]:
            fail("the NDJSON stream does not end with a newline")
        lines = text.splitlines()
        if [json.loads(l, parse_float=str, parse_int=str) for l in lines] != doc["users"]:
            fail(f"{len(lines)} NDJSON lines are not the document's {len(doc['users'])} users")
    elif mode == "csv":
        segment = sys.argv[4]
        with open(sys.argv[3], "rb") as f:
            raw = f.read().decode()
        if raw and not raw.endswith("\r\n"):
            fail("CSV rows must end with CRLF (RFC 4180)")
        rows = list(csv.reader(io.StringIO(raw, newline="")))
        if rows[0] != COLUMNS[segment]:
            fail(f"CSV header {rows[0]}")
        want = expected_rows(doc, segment)
        if rows[1:] != want:
            fail(f"{len(rows) - 1} CSV rows differ from the document's {len(want)} (first: {rows[1:2]} vs {want[:1]})")
    else:
        fail("unknown mode " + mode)


main()
