#!/usr/bin/env python3
"""The two-process check of issue #14 (run by scripts/scale-out-test.sh):
through nginx in front of two `churnwise serve` processes on one
PostgreSQL database, a bounded load of reads and writes runs while one
process is killed midway. Asserts that every GET succeeded (nginx retries
it on the other process), that every write answered 201 is stored exactly
once and no write is stored twice, that the sign-in throttle and the
survey rate limit hold across both processes.

    scale_out_check.py PROXY_URL TOKEN EMAIL KILL_PID
"""
import http.client
import json
import os
import signal
import sys
import threading
import time
import urllib.parse

proxy, token, email, kill_pid = sys.argv[1:5]
url = urllib.parse.urlparse(proxy)
RUN = f"run{os.getpid()}"
READERS, WRITERS, SECONDS = 4, 2, 12


def call(method, path, body=None, auth=True, headers=None):
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    h = {"Content-Type": "application/json"} if body is not None else {}
    if auth:
        h["Authorization"] = f"Bearer {token}"
    h.update(headers or {})
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=h)
        r = conn.getresponse()
        return r.status, r.read()
    except (OSError, http.client.HTTPException) as e:
        return None, str(e).encode()
    finally:
        conn.close()


failures = []
reads = {"ok": 0, "bad": 0}
writes = {"created": [], "failed": []}
lock = threading.Lock()
stop = time.time() + SECONDS


def reader():
    while time.time() < stop:
        for path in ("/api/v1/clients?per_page=20", "/api/v1/metrics?from=2026-01&to=2026-06",
                     "/healthz"):
            status, body = call("GET", path)
            with lock:
                if status == 200:
                    reads["ok"] += 1
                else:
                    reads["bad"] += 1
                    failures.append(f"GET {path} answered {status}: {body[:200]!r}")


def writer(n):
    i = 0
    while time.time() < stop:
        name = f"{RUN}-w{n}-{i}"
        status, body = call("POST", "/api/v1/clients", {"name": name})
        with lock:
            (writes["created"] if status == 201 else writes["failed"]).append((name, status))
        i += 1


# Both processes up, requests sent round-robin. The sign-in throttle holds
# across processes: 5 wrong passwords for an account lock it.
statuses = [call("POST", "/api/v1/session", {"email": email, "password": f"wrong {i}"}, auth=False)[0]
            for i in range(6)]
if 429 not in statuses:
    failures.append(f"sign-in throttle did not lock after 6 failures: {statuses}")

# The survey rate limit: 10 a minute per address, whichever process answers.
second = int(time.time()) % 60
if second > 50:
    time.sleep(61 - second)
statuses = [call("GET", "/s/not-a-token", auth=False)[0] for _ in range(12)]
if statuses[10:] != [429, 429] or 429 in statuses[:10]:
    failures.append(f"survey rate limit did not hold: {statuses}")


stop = time.time() + SECONDS
threads = [threading.Thread(target=reader) for _ in range(READERS)]
threads += [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
for t in threads:
    t.start()
time.sleep(SECONDS / 2)
os.kill(int(kill_pid), signal.SIGKILL)
print(f"killed process {kill_pid} at {SECONDS / 2:.0f} s")
for t in threads:
    t.join()

# Every write: stored once if it answered 201; never twice.
stored = {}
page = 1
while True:
    status, body = call("GET", f"/api/v1/clients?q={RUN}&per_page=200&page={page}")
    assert status == 200, (status, body[:300])
    items = json.loads(body)["items"]
    for c in items:
        stored[c["name"]] = stored.get(c["name"], 0) + 1
    if len(items) < 200:
        break
    page += 1
for name, _ in writes["created"]:
    if stored.get(name) != 1:
        failures.append(f"write {name} answered 201 but is stored {stored.get(name, 0)} times")
for name, n in stored.items():
    if n > 1:
        failures.append(f"write {name} stored {n} times")
failed_but_stored = sum(1 for name, _ in writes["failed"] if stored.get(name))
print(f"reads: {reads['ok']} ok, {reads['bad']} failed; writes: {len(writes['created'])} created, "
      f"{len(writes['failed'])} failed ({failed_but_stored} of those stored once, cut off "
      f"after the commit when the process died; none twice)")

if reads["ok"] == 0 or not writes["created"]:
    failures.append("no load ran")
for f in failures[:20]:
    print("FAIL:", f)
print("scale-out check:", "FAILED" if failures else "passed")
sys.exit(1 if failures else 0)
