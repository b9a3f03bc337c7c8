"""The e-mail outbox under faults (run by scripts/test-mail.sh, which starts PostgreSQL and builds the
binary): a real SMTP server (aiosmtpd, scripts/smtp_sink.py) and TWO `appreg serve` instances on one
PostgreSQL database.

1. Events through both instances (publish requests and approvals): every e-mail the outbox holds arrives
   exactly once, and both instances sent some.
2. The SMTP server is stopped; more events; the sends fail and are retried with backoff; the server
   comes back: every one of them arrives, exactly once.
3. A secret that expires within a day: its reminder arrives once; one instance is restarted (its scan
   runs again at start) and a second secret shows the scans run on: the first reminder is not sent again.

Prints the figures and exits non-zero on any missing or duplicate e-mail.
    python3 scripts/test_mail.py BIN DATABASE_URL PSQL WORKDIR"""
import collections
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

BIN, URL, PSQL, DIR = sys.argv[1:5]
SMTP_PORT = int(os.environ.get("MAIL_SMTP_PORT", "18125"))
PORTS = {"A": int(os.environ.get("MAIL_A_PORT", "18126")), "B": int(os.environ.get("MAIL_B_PORT", "18127"))}
N1 = int(os.environ.get("MAIL_EVENTS", "20"))
N2 = int(os.environ.get("MAIL_EVENTS_DOWN", "10"))
RECEIVED = os.path.join(DIR, "received.jsonl")
STATIC = os.path.join(DIR, "static")
os.makedirs(STATIC, exist_ok=True)
with open(os.path.join(STATIC, "index.html"), "w") as f:
    f.write("<!doctype html><title>appreg</title>")
open(RECEIVED, "a").close()
KNOBS = {"APPREG_OUTBOX_BACKOFF_MS": "200", "APPREG_OUTBOX_POLL_MS": "200", "APPREG_REMINDER_SCAN_MS": "1000",
         "RUST_LOG": "info"}
started = time.time()


def log(msg):
    print(f"[mail {time.time() - started:5.1f}s] {msg}", flush=True)


def wait_for(what, cond, timeout=60, every=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(every)
    raise SystemExit(f"FAILED: timed out after {timeout}s waiting for {what}")


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Proc:
    def __init__(self, name, cmd, env=None):
        self.name, self.cmd, self.env, self.p = name, cmd, env, None
        self.log = os.path.join(DIR, f"{name}.log")

    def start(self):
        out = open(self.log, "a")
        self.p = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  env={**os.environ, **(self.env or {})})

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.p = None


def sink():
    return Proc("smtp", [os.path.join(".venv", "bin", "python"), "scripts/smtp_sink.py", "127.0.0.1",
                         str(SMTP_PORT), RECEIVED])


def appreg(name):
    return Proc(name, [BIN, "serve", "--demo", "--addr", f"127.0.0.1:{PORTS[name]}", "--database-url", URL,
                       "--static", STATIC, "--smtp-url", f"smtp://127.0.0.1:{SMTP_PORT}",
                       "--mail-from", "Developer Portal <portal@example.com>"], KNOBS)


def healthy(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
            return r.status == 200
    except Exception:
        return False


def start_appreg(proc):
    proc.start()
    wait_for(f"{proc.name} to be ready", lambda: healthy(PORTS[proc.name]), timeout=60)


class Client:
    def __init__(self, email):
        self.cookie = None
        h, _ = self.call("A", "POST", "/api/v1/session", {"email": email, "password": "demo-password"})
        self.cookie = h["set-cookie"].split(";")[0]

    def call(self, inst, method, path, body=None, ok=(200, 201)):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{PORTS[inst]}{path}", data=data, method=method)
        if body is not None:
            req.add_header("content-type", "application/json")
        if self.cookie:
            req.add_header("cookie", self.cookie)
            req.add_header("x-requested-with", "appreg")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.headers, json.load(r)
        except urllib.error.HTTPError as e:
            raise SystemExit(f"FAILED: {method} {path} on {inst}: {e.code} {e.read()[:300]!r}")


def psql(sql):
    out = subprocess.run([PSQL, URL, "-Atc", sql], check=True, capture_output=True, text=True).stdout
    return [line.split("|") for line in out.splitlines() if line]


def outbox():
    """state -> count, and every event key."""
    rows = psql("SELECT event_key, state, attempts FROM outbox")
    return collections.Counter(r[1] for r in rows), [r[0] for r in rows], sum(int(r[2]) for r in rows)


def received():
    with open(RECEIVED) as f:
        return [json.loads(line) for line in f if line.strip()]


def all_sent():
    states, keys, _ = outbox()
    return states.get("pending", 0) == 0 and len(received()) >= len(keys)


def check(phase):
    """Every outbox row arrived exactly once, and nothing else arrived."""
    wait_for(f"{phase}: every e-mail delivered", all_sent, timeout=90, every=0.2)
    time.sleep(0.5)  # a late duplicate would show up now
    states, keys, attempts = outbox()
    got = received()
    counts = collections.Counter(r["event"] for r in got)
    dups = sum(c - 1 for c in counts.values() if c > 1)
    missing = set(keys) - set(counts)
    extra = set(counts) - set(keys)
    bad_parts = [r["event"] for r in got if not (r["text"] and r["html"] and r["unsubscribe"])]
    log(f"{phase}: outbox rows {len(keys)} ({dict(states)}), send attempts {attempts}, "
        f"messages received {len(got)}, distinct events {len(counts)}, duplicates {dups}, missing {len(missing)}")
    if dups or missing or extra or states.get("failed") or bad_parts:
        raise SystemExit(f"FAILED: {phase}: duplicates {[k for k, c in counts.items() if c > 1][:5]}, "
                         f"missing {sorted(missing)[:5]}, unexpected {sorted(extra)[:5]}, "
                         f"failed rows {states.get('failed', 0)}, without both parts {bad_parts[:5]}")
    return counts


def sent_by_instance():
    """What each instance's worker logged as sent."""
    out = {}
    for name in PORTS:
        total = 0
        with open(os.path.join(DIR, f"{name}.log")) as f:
            for line in f:
                line = re.sub(r"\x1b\[[0-9;]*m", "", line)
                if "outbox delivered" in line:
                    m = re.search(r"sent=(\d+)", line)
                    total += int(m.group(1)) if m else 0
        out[name] = total
    return out


def events(dev, manager, n, tag):
    """n apps, each asked for Stage and approved, alternating the instances: 3 e-mails each."""
    for i in range(n):
        a, b = ("A", "B") if i % 2 == 0 else ("B", "A")
        _, app = dev.call(a, "POST", "/api/v1/partners/demo/applications",
                          {"template": "web", "app_type": "custom", "name": f"Mail {tag} {i}",
                           "redirect_urls": ["https://mail.example.com/cb"], "technical_contact": "dev@demo.test"})
        _, pr = dev.call(b, "POST", f"/api/v1/applications/{app['id']}/publish-requests",
                         {"environment": "stage", "message": f"{tag} {i}"})
        manager.call(a, "POST", f"/api/v1/publish-requests/{pr['id']}/approve")
    return app["id"]


procs = {"smtp": sink(), "A": appreg("A"), "B": appreg("B")}
try:
    for p in PORTS.values():
        if port_open(p):
            raise SystemExit(f"FAILED: port {p} is in use (set MAIL_A_PORT / MAIL_B_PORT)")
    if port_open(SMTP_PORT):
        raise SystemExit(f"FAILED: port {SMTP_PORT} is in use (set MAIL_SMTP_PORT)")
    procs["smtp"].start()
    wait_for("the SMTP server", lambda: port_open(SMTP_PORT), timeout=30)
    start_appreg(procs["A"])  # seeds the demo data first
    start_appreg(procs["B"])
    dev, manager = Client("dev@demo.test"), Client("appmanager@demo.test")

    log(f"phase 1: {N1} publish requests approved through two instances")
    events(dev, manager, N1, "one")
    check("phase 1")
    by = sent_by_instance()
    log(f"phase 1: sent by instance A {by['A']}, by instance B {by['B']}")

    log(f"phase 2: the SMTP server stops; {N2} more requests approved")
    procs["smtp"].stop()
    down_at = time.time()
    app_id = events(dev, manager, N2, "two")
    wait_for("failed sends while the SMTP server is down",
             lambda: int(psql("SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND attempts > 0")[0][0]) > 0,
             timeout=30)
    time.sleep(2)
    waiting, failed = psql("SELECT COUNT(*), SUM(attempts) FROM outbox WHERE state = 'pending'")[0]
    log(f"phase 2: {waiting} e-mails waiting after {time.time() - down_at:.1f}s down, {failed} failed send attempts "
        "(retried with backoff); the SMTP server starts again")
    procs["smtp"].start()
    wait_for("the SMTP server", lambda: port_open(SMTP_PORT), timeout=30)
    check("phase 2")

    log("phase 3: a secret that expires within a day")
    _, s1 = dev.call("A", "POST", f"/api/v1/applications/{app_id}/secrets",
                     {"environment": "sod", "description": "Expiring one", "expires_in_days": 1})
    wait_for("the first reminder", lambda: any(r["event"].startswith(f"expiry:secret:{s1['id']}:")
                                               for r in received()), timeout=30)
    counts = check("phase 3, before the restart")
    log("phase 3: instance A restarts")
    procs["A"].stop()
    start_appreg(procs["A"])
    time.sleep(3)  # several scans of both instances, including A's at start
    _, s2 = dev.call("A", "POST", f"/api/v1/applications/{app_id}/secrets",
                     {"environment": "sod", "description": "Expiring two", "expires_in_days": 1})
    wait_for("the second reminder (the scans run after the restart)",
             lambda: any(r["event"].startswith(f"expiry:secret:{s2['id']}:") for r in received()), timeout=30)
    counts = check("phase 3, after the restart")
    first = sum(c for k, c in counts.items() if k.startswith(f"expiry:secret:{s1['id']}:"))
    second = sum(c for k, c in counts.items() if k.startswith(f"expiry:secret:{s2['id']}:"))
    log(f"phase 3: reminders of the first secret received {first}, of the second {second}")
    if first != 1 or second != 1:
        raise SystemExit("FAILED: a reminder was sent again (or not at all)")
    by = sent_by_instance()
    got = received()
    log(f"RESULT: events {len(set(r['event'] for r in got))}, messages received {len(got)}, duplicates 0, "
        f"missing 0; sent by instance A {by['A']}, by B {by['B']}; {time.time() - started:.1f}s")
finally:
    for p in procs.values():
        p.stop()
