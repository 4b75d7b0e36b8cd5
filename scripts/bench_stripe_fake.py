"""A read-only fake of Stripe's list API for scripts/bench-stripe-sync.sh:
N customers, each with one subscription and a paid monthly invoice for
every month since it started (up to 24), served from memory as Stripe
shapes them (`/v1/customers`, `/v1/subscriptions`, `/v1/invoices`, 100 a
page, `starting_after`, newest first). Every 7th subscription changed plan
half-way: its invoices' lines show the old price before the change, so the
sync's reconstruction from invoice lines has work to do. localstripe is
used by the tests but needs minutes per thousand customers, so it cannot
hold 10,000.

    python3 scripts/bench_stripe_fake.py PORT N
"""

import datetime as dt
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PORT = int(sys.argv[1])
N = int(sys.argv[2])
TODAY = dt.date.today()


def ts(day):
    return int(dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.timezone.utc).timestamp())


def add_months(day, n):
    m = day.month - 1 + n
    return dt.date(day.year + m // 12, m % 12 + 1, min(day.day, 28))


customers, subscriptions, invoices = [], [], []
for i in range(N):
    cid, sid = f"cus_{i:08d}", f"sub_{i:08d}"
    months = 1 + (i * 7919) % 24
    start = add_months(TODAY, -months)
    price = 2900 + (i % 5) * 1000
    changed = i % 7 == 0
    new_price = price + 2000
    customers.append({"id": cid, "object": "customer", "name": f"Customer {i:06d}",
                      "email": f"billing{i}@example.test",
                      "metadata": {"segment": ["smb", "agency", "enterprise"][i % 3]},
                      "created": ts(start)})
    current = new_price if changed else price
    subscriptions.append({
        "id": sid, "object": "subscription", "customer": cid, "status": "active",
        "currency": "eur", "created": ts(start), "start_date": ts(start),
        "items": {"object": "list", "data": [{"id": f"si_{i:08d}", "quantity": 1, "price": {
            "id": "price_x", "unit_amount": current, "currency": "eur",
            "recurring": {"interval": "month", "interval_count": 1}}}]}})
    for k in range(months):
        period = add_months(start, k)
        amount = new_price if changed and k >= months // 2 else price
        invoices.append({
            "id": f"in_{i:08d}_{k:02d}", "object": "invoice", "customer": cid,
            "status": "paid", "currency": "eur", "amount_due": amount, "created": ts(period),
            "due_date": ts(period), "status_transitions": {"paid_at": ts(period)},
            "lines": {"object": "list", "has_more": False, "data": [{
                "id": f"il_{i:08d}_{k:02d}", "type": "subscription", "subscription": sid,
                "proration": False, "quantity": 1,
                "period": {"start": ts(period), "end": ts(add_months(period, 1))},
                "price": {"unit_amount": amount, "currency": "eur",
                          "recurring": {"interval": "month", "interval_count": 1}}}]}})
# Newest first, as Stripe lists.
for kind in (customers, subscriptions, invoices):
    kind.sort(key=lambda o: (o["created"], o["id"]), reverse=True)
LISTS = {"customers": customers, "subscriptions": subscriptions, "invoices": invoices}
INDEX = {k: {o["id"]: n for n, o in enumerate(v)} for k, v in LISTS.items()}
print(f"fake Stripe: {len(customers)} customers, {len(subscriptions)} subscriptions, "
      f"{len(invoices)} invoices", file=sys.stderr, flush=True)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlparse(self.path)
        kind = url.path.removeprefix("/v1/")
        q = parse_qs(url.query)
        if kind not in LISTS:
            body, status = {"error": {"message": "no such list"}}, 404
        else:
            limit = min(int(q.get("limit", ["10"])[0]), 100)
            after = q.get("starting_after", [None])[0]
            first = INDEX[kind][after] + 1 if after else 0
            data = LISTS[kind][first:first + limit]
            body = {"object": "list", "data": data,
                    "has_more": first + limit < len(LISTS[kind]), "url": url.path}
            status = 200
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
