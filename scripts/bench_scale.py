#!/usr/bin/env python3
"""Times pages and API calls of a running `churnwise serve` (used by
scripts/bench-scale.sh): signs in with a session for the pages and uses a
token for the API, opens departure cases so the cases list is not empty,
then asks each URL repeatedly on one keep-alive connection and prints
p50/p95/max in milliseconds, the answer's size and the server's RSS.

    bench_scale.py BASE_URL TOKEN EMAIL PASSWORD SERVER_PID [REPEATS]
"""
import http.client
import json
import re
import statistics
import sys
import time
import urllib.parse

base, token, email, password, pid = sys.argv[1:6]
repeats = int(sys.argv[6]) if len(sys.argv) > 6 else 20
url = urllib.parse.urlparse(base)


def connect():
    return http.client.HTTPConnection(url.hostname, url.port, timeout=600)


conn = connect()
cookies = {}


def request(method, path, body=None, headers=None, api=True):
    global conn
    headers = dict(headers or {})
    if api:
        headers["Authorization"] = f"Bearer {token}"
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    try:
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
    except (http.client.HTTPException, ConnectionError):
        conn = connect()
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
    data = r.read()
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            cookies[name] = rest.split(";", 1)[0]
    return r.status, data


def rss_mb():
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def sign_in():
    status, page = request("GET", "/login", api=False)
    csrf = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
    form = urllib.parse.urlencode({"csrf": csrf, "next": "/dashboard", "email": email, "password": password})
    status, _ = request("POST", "/login", body=form,
                        headers={"Content-Type": "application/x-www-form-urlencoded"}, api=False)
    assert status in (200, 303), f"sign-in answered {status}"


def open_cases(count):
    clients, page = [], 1
    # At least one page: the "one client" rows need a client even when no
    # case is to be opened.
    while len(clients) < max(count, 1):
        status, body = request("GET", f"/api/v1/clients?status=active&per_page=100&page={page}")
        assert status == 200, body[:300]
        items = json.loads(body)["items"]
        if not items:
            break
        clients += items
        page += 1
    today = time.strftime("%Y-%m-%d")
    end = time.strftime("%Y-%m-%d", time.localtime(time.time() + 30 * 86400))
    opened = 0
    for c in clients[:count]:
        payload = json.dumps({"client_id": c["id"], "notice": {
            "received_on": today, "channel": "email", "received_by": "bench",
            "requested_end_on": end, "notice_period_days": 30,
            "first_evaluation": {"fruitful": True, "history_of_stumbles": False,
                                 "our_commitments_met": True, "client_commitments_met": True}}})
        status, body = request("POST", "/api/v1/cases", body=payload,
                               headers={"Content-Type": "application/json"})
        if status == 201:
            opened += 1
        elif opened == 0:
            print(f"# opening a case answered {status}: {body[:300]!r}", file=sys.stderr)
            break
    return opened, clients[-1]["id"] if clients else None


def measure(label, path, api):
    times, size, status = [], 0, None
    t0 = time.perf_counter()
    status, data = request("GET", path, api=api)
    first = (time.perf_counter() - t0) * 1000
    size = len(data)
    for _ in range(repeats):
        t0 = time.perf_counter()
        status, data = request("GET", path, api=api)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    rss, hwm = rss_mb()
    print(f"{label:<34} {status:>4} {first:>9.1f} {p50:>8.1f} {p95:>8.1f} {times[-1]:>8.1f} {size/1024:>9.1f} {rss:>7.0f} {hwm:>7.0f}")


sign_in()
opened, some_client = open_cases(int(sys.argv[7]) if len(sys.argv) > 7 else 300)
print(f"# {opened} departure cases opened through the API; repeats per URL: {repeats}")
print(f"{'what':<34} {'code':>4} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'KiB':>9} {'RSS MB':>7} {'peak MB':>7}")
year = time.strftime("%Y")
metrics = f"/api/v1/metrics?from={int(year) - 2}-01&to={year}-{time.strftime('%m')}"
for label, path, api in [
    ("API metrics document", metrics, True),
    ("API clients, page of 50", "/api/v1/clients?per_page=50", True),
    ("API clients, page 1000 of 50", "/api/v1/clients?per_page=50&page=1000", True),
    ("API one client", f"/api/v1/clients/{some_client}", True),
    ("API due list, 20", "/api/v1/due-list?limit=20", True),
    ("API health scores, 50", "/api/v1/health-scores?limit=50", True),
    ("API cases, 50", "/api/v1/cases?limit=50", True),
    ("API alerts, 50", "/api/v1/alerts?limit=50", True),
    ("page dashboard", "/dashboard", False),
    ("page clients", "/clients", False),
    ("page one client", f"/clients/{some_client}", False),
    ("page due", "/due", False),
    ("page cases", "/cases", False),
]:
    measure(label, path, api)
