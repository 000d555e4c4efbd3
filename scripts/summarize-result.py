#!/usr/bin/env python3
"""Prints a few lines about one result document: how many users the segment found, and the first one.
Usage: summarize-result.py JOB.json JOBID RESULT.json  (standard library only)."""
import json
import sys

job_file, job_id, result_file = sys.argv[1:4]
job = json.load(open(job_file))
doc = json.load(open(result_file))
users = doc["users"]
print(f"{job['segment']} {json.dumps(job['request'])}  jobId {job_id}")
print(f"  creationDate {doc['creationDate']}, durationInMonth {doc['durationInMonth']}: {len(users)} users")
if users:
    text = json.dumps(users[0], ensure_ascii=False)
    print("  first: " + (text if len(text) <= 300 else text[:297] + "..."))
