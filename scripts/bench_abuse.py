#!/usr/bin/env python3
"""/healthz latency while 4 worst-case /check requests and 4 key generations run in parallel.

Usage: bench_abuse.py BASE_URL [SECONDS]. The server must run with --demo, plus a fourth developer
bench@demo.test (scripts/bench-abuse.sh adds it with `appreg user add`). Prints the figures; exits 1 when
a request fails in a way the limits do not explain.
"""
import http.client
import json
import statistics
import sys
import threading
import time
import urllib.parse

BASE = sys.argv[1]
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
HOST = urllib.parse.urlparse(BASE)
PASSWORDS = {"bench@demo.test": "bench-password-123"}


def conn():
    return http.client.HTTPConnection(HOST.hostname, HOST.port, timeout=120)


def request(c, method, path, body=None, cookie=None, headers=None):
    h = {"content-type": "application/json"} if body is not None else {}
    if cookie:
        h["cookie"] = cookie
        h["x-requested-with"] = "appreg"
    h.update(headers or {})
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
    r = c.getresponse()
    data = r.read()
    return r.status, r.headers, (json.loads(data) if data and data[:1] in b"{[" else None)


def sign_in(email):
    c = conn()
    pw = PASSWORDS.get(email, "demo-password")
    status, headers, _ = request(c, "POST", "/api/v1/session", {"email": email, "password": pw})
    assert status == 200, (email, status)
    return c, headers["set-cookie"].split(";")[0]


def hostile_pattern():
    p = r"^https://a\.example\.com/"
    while len(p) + 6 <= 399:
        p += r"\w{99}"
    p += "a" * (399 - len(p))
    return p + "("


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main():
    stop = threading.Event()
    counts = {"check": {}, "keygen": {}}
    lock = threading.Lock()
    errors = []

    def count(kind, status):
        with lock:
            counts[kind][status] = counts[kind].get(status, 0) + 1

    # The worst /check within the caps: as many 400-character hostile patterns as 32 KiB allows.
    values = [hostile_pattern()] * (32 * 1024 // 400)

    def checker(session):
        c, cookie = session
        while not stop.is_set():
            status, headers, _ = request(c, "POST", "/api/v1/check",
                                         {"kind": "redirect", "values": values}, cookie)
            count("check", status)
            if status == 429:
                time.sleep(min(1.0, float(headers.get("retry-after", "1"))))
            elif status not in (200, 503):
                errors.append(("check", status))

    def keygen(email, session):
        c, cookie = session
        me = request(c, "GET", "/api/v1/me", cookie=cookie)[2]
        partner = me["partners"][0]["id"]
        name = "Bench keys " + email.split("@")[0]
        body = {"template": "web", "app_type": "custom", "name": name,
                "redirect_urls": ["https://bench.example.com/cb"], "technical_contact": email}
        status, _, app = request(c, "POST", f"/api/v1/partners/{partner}/applications", body, cookie,
                                 {"idempotency-key": name})
        assert status in (200, 201), (status, app)
        path = f"/api/v1/applications/{app['id']}/certificates"
        while not stop.is_set():
            status, _, cert = request(c, "POST", path, {"environment": "sod"}, cookie)
            count("keygen", status)
            if status == 201:
                request(c, "DELETE", f"{path}/{cert['id']}", cookie=cookie)
            elif status == 429:
                return  # this caller's budget is spent
            elif status != 503:
                errors.append(("keygen", status))

    def probe(samples, until):
        c = conn()
        while not until():
            t0 = time.perf_counter()
            status, _, _ = request(c, "GET", "/healthz")
            samples.append((time.perf_counter() - t0) * 1000)
            assert status == 200
            time.sleep(0.02)

    idle = []
    t_end = time.time() + 2
    probe(idle, lambda: time.time() > t_end)

    users = ["dev@demo.test", "admin@demo.test", "other@demo.test", "bench@demo.test"]
    # Sessions first, one at a time (the load is the subject, not the sign-in throttle).
    check_sessions = [sign_in(u) for u in users]
    keygen_sessions = [sign_in(u) for u in users]
    workers = [threading.Thread(target=checker, args=(cs,)) for cs in check_sessions]
    workers += [threading.Thread(target=keygen, args=(u, ks)) for u, ks in zip(users, keygen_sessions)]
    for w in workers:
        w.start()
    busy = []
    t_end = time.time() + SECONDS
    probe(busy, lambda: time.time() > t_end)
    stop.set()
    for w in workers:
        w.join()

    def line(name, xs):
        return (f"{name:<28} n={len(xs):<5} p50={statistics.median(xs):7.2f} ms  "
                f"p99={percentile(xs, 0.99):7.2f} ms  max={max(xs):7.2f} ms")

    print("== /healthz latency (release build unless BUILD=debug) ==")
    print(line("idle", idle))
    print(line("under 4 checks + 4 keygens", busy))
    print(f"/check answers: {dict(sorted(counts['check'].items()))}  "
          f"({len(values)} hostile patterns of 400 characters each)")
    print(f"key generations: {dict(sorted(counts['keygen'].items()))}")
    target = 50.0
    p99 = percentile(busy, 0.99)
    print(f"target p99 < {target:.0f} ms: {'met' if p99 < target else 'MISSED'} ({p99:.2f} ms)")
    if errors:
        print(f"unexpected answers: {errors[:10]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
