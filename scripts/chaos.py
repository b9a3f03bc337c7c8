#!/usr/bin/env python3
"""The chaos driver of scripts/chaos.sh (Python 3 standard library only).

Starts `appreg serve --demo` on DATABASE, signs in as dev@demo.test, sends CREATES app creates from WORKERS
threads, each with its own Idempotency-Key; a share (RETRY) of them is sent again with the same key and
body, half right after the answer and half racing the first request. Meanwhile it kill -9's the server
KILLS times at random moments and restarts it; requests cut by a kill are retried with the same key.
Afterwards it checks the database and prints the figures; exit status 1 when an invariant is violated.

    chaos.py BIN DATABASE_URL LABEL      (parameters by environment: CHAOS_CREATES, CHAOS_KILLS,
                                          CHAOS_WORKERS, CHAOS_RETRY, CHAOS_SEED)
"""

import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

BIN, URL, LABEL = sys.argv[1], sys.argv[2], sys.argv[3]
CREATES = int(os.environ.get("CHAOS_CREATES", "1000"))
KILLS = int(os.environ.get("CHAOS_KILLS", "5"))
WORKERS = int(os.environ.get("CHAOS_WORKERS", "8"))
RETRY = float(os.environ.get("CHAOS_RETRY", "0.2"))
SEED = int(os.environ.get("CHAOS_SEED", str(int(time.time()))))
SQLITE = URL.startswith("sqlite:")
PARTNER = "demo"
rng = random.Random(SEED)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `appreg serve --demo` at a time, on one port; kill -9 and restart."""

    def __init__(self):
        self.port = free_port()
        self.work = tempfile.mkdtemp(prefix="appreg-chaos-")
        os.makedirs(os.path.join(self.work, "static"))
        self.log = open(os.path.join(self.work, "server.log"), "ab")
        self.proc = None
        self.starts = 0
        self.restart_secs = []

    def start(self):
        t0 = time.monotonic()
        env = dict(os.environ, RUST_LOG=os.environ.get("RUST_LOG", "warn"))
        self.proc = subprocess.Popen(
            [BIN, "serve", "--demo", "--addr", f"127.0.0.1:{self.port}", "--database-url", URL,
             "--static", os.path.join(self.work, "static")],
            stdout=self.log, stderr=self.log, env=env)
        self.starts += 1
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with {self.proc.returncode}; see {self.log.name}")
            try:
                status, _, _ = request("GET", "/readyz", port=self.port, timeout=2)
                if status == 200:
                    self.restart_secs.append(time.monotonic() - t0)
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.02)
        raise SystemExit(f"the server did not get ready in 60 s; see {self.log.name}")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def request(method, path, body=None, headers=None, port=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port or server.port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        h = dict(headers or {})
        if data is not None:
            h["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=h)
        res = conn.getresponse()
        raw = res.read()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, raw
    finally:
        conn.close()


server = Server()
lock = threading.Lock()
stats = {
    "requests": 0, "cut_by_kill": 0, "server_errors": 0, "busy_409": 0, "created": 0, "replays": 0,
    "retried_after": 0, "retried_racing": 0, "unexpected": [],
}
# key -> set of application ids answered with a 201 for it
answers = {}
completed = 0
abort = threading.Event()


in_flight = 0


def bump(name, n=1):
    with lock:
        stats[name] += n


def create(cookie, key, body):
    """Sends one create until it gets a definitive answer; a cut connection or a 5xx is retried, same key."""
    global in_flight
    while True:
        if abort.is_set():
            with lock:
                stats["unexpected"].append((key, "aborted", "the server could not be restarted"))
            return
        with lock:
            stats["requests"] += 1
            in_flight += 1
        try:
            status, headers, raw = request(
                "POST", f"/api/v1/partners/{PARTNER}/applications", body,
                {"Cookie": cookie, "X-Requested-With": "appreg", "Idempotency-Key": key})
        except (OSError, http.client.HTTPException):
            bump("cut_by_kill")
            time.sleep(0.05)
            continue
        finally:
            with lock:
                in_flight -= 1
        if status >= 500:
            bump("server_errors")
            time.sleep(0.05)
            continue
        if status == 409 and b"still being processed" in raw:
            bump("busy_409")
            time.sleep(0.05)
            continue
        if status != 201:
            with lock:
                stats["unexpected"].append((key, status, raw[:300].decode(errors="replace")))
            return
        app_id = json.loads(raw)["id"]
        with lock:
            answers.setdefault(key, set()).add(app_id)
            if headers.get("idempotent-replayed") == "true":
                stats["replays"] += 1
            else:
                stats["created"] += 1
        return


def worker(cookie, jobs):
    global completed
    for i, mode in jobs:
        key = f"chaos-{SEED}-{i}"
        body = {"template": "web", "app_type": "custom", "name": f"Chaos {SEED % 100000} {i}",
                "redirect_urls": [f"https://chaos{i}.example.com/callback"],
                "technical_contact": "dev@demo.test"}
        if mode == "racing":
            bump("retried_racing")
            twin = threading.Thread(target=create, args=(cookie, key, body))
            twin.start()
            create(cookie, key, body)
            twin.join()
        else:
            create(cookie, key, body)
            if mode == "after":
                bump("retried_after")
                create(cookie, key, body)
        with lock:
            completed += 1


def killer(moments, kill_log, check):
    try:
        kill_at(moments, kill_log, check)
    except BaseException as e:  # noqa: BLE001 - stop the workers, report below
        abort.set()
        print(f"chaos: restarting the server failed: {e}", file=sys.stderr)


def kill_at(moments, kill_log, check):
    for m in moments:
        while True:
            with lock:
                if completed >= m:
                    break
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.03))  # somewhere inside the requests in flight
        with lock:
            flying = in_flight
        server.kill9()
        kill_log.append((m, check(), flying))
        server.start()


# ---- the database, read directly ------------------------------------------------------------------------

def sqlite_path():
    p = URL[len("sqlite://"):] if URL.startswith("sqlite://") else URL[len("sqlite:"):]
    return p.split("?")[0]


def scalar(sql):
    if SQLITE:
        con = sqlite3.connect(sqlite_path())
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()
    out = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", URL, "-c", sql],
                         check=True, capture_output=True, text=True).stdout.strip()
    return int(out) if out.lstrip("-").isdigit() else out


def rows(sql):
    if SQLITE:
        con = sqlite3.connect(sqlite_path())
        try:
            return [tuple(r) for r in con.execute(sql).fetchall()]
        finally:
            con.close()
    out = subprocess.run(["psql", "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", URL, "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def integrity(read_only=True):
    """SQLite's integrity_check and foreign_key_check; read-only (the file, its WAL and shared memory stay as
    the crash left them, for the restarted server to recover)."""
    if not SQLITE:
        return pg_amcheck()
    con = (sqlite3.connect(f"file:{sqlite_path()}?mode=ro", uri=True) if read_only
           else sqlite3.connect(sqlite_path()))
    try:
        verdict = ",".join(r[0] for r in con.execute("PRAGMA integrity_check").fetchall())
        fks = con.execute("PRAGMA foreign_key_check").fetchall()
        return verdict if not fks else f"{verdict}; {len(fks)} foreign key violations"
    finally:
        con.close()


def pg_amcheck():
    """PostgreSQL's counterpart: amcheck's bt_index_check (with heapallindexed) on every B-tree index."""
    sql = ("CREATE EXTENSION IF NOT EXISTS amcheck; "
           "SELECT COUNT(bt_index_check(c.oid, true)) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
           "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = c.relam "
           "WHERE n.nspname = 'public' AND am.amname = 'btree'")
    r = subprocess.run(["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", URL, "-c", sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return f"amcheck failed: {r.stderr.strip()[:300]}"
    return "ok"


ORPHANS = {t: f"SELECT COUNT(*) FROM {t} x WHERE NOT EXISTS "
              f"(SELECT 1 FROM applications a WHERE a.id = x.application_id)"
           for t in ("client_ids", "client_secrets", "certificates", "publish_requests")}


def main():
    t0 = time.monotonic()
    server.start()
    status, headers, raw = request("POST", "/api/v1/session",
                                   {"email": "dev@demo.test", "password": "demo-password"})
    if status != 200:
        raise SystemExit(f"sign-in failed: {status} {raw[:200]!r}")
    cookie = headers["set-cookie"].split(";")[0]
    apps_before = scalar(f"SELECT COUNT(*) FROM applications WHERE partner_id = '{PARTNER}'")

    modes = []
    for i in range(CREATES):
        r = rng.random()
        modes.append((i, "after" if r < RETRY / 2 else "racing" if r < RETRY else "once"))
    jobs = [modes[w::WORKERS] for w in range(WORKERS)]
    lo, hi = max(1, CREATES // 20), max(2, CREATES * 19 // 20)
    moments = sorted(rng.sample(range(lo, hi), min(KILLS, hi - lo)))
    kill_log = []
    threads = [threading.Thread(target=worker, args=(cookie, j)) for j in jobs]
    kt = threading.Thread(target=killer, args=(moments, kill_log, integrity))
    for t in threads:
        t.start()
    kt.start()
    for t in threads:
        t.join()
    kt.join()
    run_secs = time.monotonic() - t0

    # Every 201's app is served after the last restart.
    missing_via_api = 0
    for key, ids in answers.items():
        for app_id in ids:
            s, _, _ = request("GET", f"/api/v1/applications/{app_id}", headers={"Cookie": cookie})
            missing_via_api += s != 200
    server.stop()

    keys_sent = {f"chaos-{SEED}-{i}" for i in range(CREATES)}
    db_keys = dict(rows(f"SELECT idem_key, COALESCE(application_id, '') FROM idempotency_keys "
                        f"WHERE partner_id = '{PARTNER}' AND idem_key LIKE 'chaos-{SEED}-%'"))
    app_ids = {r[0] for r in rows(f"SELECT id FROM applications WHERE partner_id = '{PARTNER}'")}
    apps = len(app_ids) - apps_before
    keys_without_201 = sorted(keys_sent - answers.keys())
    keys_many_ids = [k for k, ids in answers.items() if len(ids) != 1]
    answered_not_stored = [k for k, ids in answers.items() if db_keys.get(k) not in ids]
    missing_apps = sum(1 for ids in answers.values() for a in ids if a not in app_ids)
    keys_no_app = sum(1 for a in db_keys.values() if a not in app_ids)
    keyed = set(db_keys.values())
    apps_no_key = scalar(f"SELECT COUNT(*) FROM applications a WHERE a.partner_id = '{PARTNER}' AND NOT EXISTS "
                         f"(SELECT 1 FROM idempotency_keys k WHERE k.application_id = a.id)")
    shared = len(db_keys) - len(keyed)
    orphans = {t: scalar(q) for t, q in ORPHANS.items()}
    partial = scalar("SELECT COUNT(*) FROM applications a WHERE (SELECT COUNT(*) FROM client_ids c "
                     "WHERE c.application_id = a.id) <> 3")
    final_integrity = integrity(read_only=False)
    total_secs = time.monotonic() - t0

    violations = []
    if stats["unexpected"]:
        violations.append(f"{len(stats['unexpected'])} unexpected answers, e.g. {stats['unexpected'][:3]}")
    if keys_without_201:
        violations.append(f"{len(keys_without_201)} keys never got a 201")
    if keys_many_ids:
        violations.append(f"{len(keys_many_ids)} keys answered with more than one app")
    if answered_not_stored:
        violations.append(f"{len(answered_not_stored)} keys whose stored app differs from the 201's")
    if missing_apps or missing_via_api:
        violations.append(f"{missing_apps} apps answered with 201 are missing ({missing_via_api} via the API)")
    if apps != CREATES or len(db_keys) != CREATES:
        violations.append(f"{apps} apps and {len(db_keys)} keys for {CREATES} creates")
    if keys_no_app or apps_no_key or shared:
        violations.append(f"keys without app {keys_no_app}, apps without key {apps_no_key}, shared {shared}")
    if any(orphans.values()) or partial:
        violations.append(f"orphan rows {orphans}, apps without their 3 client ids {partial}")
    bad_checks = [v for _, v, _ in kill_log if v != "ok"]
    if final_integrity != "ok" or bad_checks:
        violations.append(f"integrity: final {final_integrity}, after kills {bad_checks}")

    retries = stats["retried_after"] + stats["retried_racing"]
    n201 = stats["created"] + stats["replays"]
    after_kills = [v for _, v, _ in kill_log]
    print(f"== chaos: {LABEL} ({BIN}, seed {SEED}) ==")
    print(f"  creates sent        {CREATES} keys from {WORKERS} workers; {stats['requests']} requests")
    print(f"  retries (same key)  {retries} deliberate ({stats['retried_after']} after the answer, "
          f"{stats['retried_racing']} racing); {stats['cut_by_kill']} requests cut or refused by a kill and resent; "
          f"{stats['server_errors']} 5xx resent; {stats['busy_409']} 'still being processed' resent")
    print(f"  201s                {n201} ({stats['created']} created, {stats['replays']} replays)")
    print(f"  kills               {len(kill_log)} kill -9 at creates {[m for m, _, _ in kill_log]} "
          f"with {[f for _, _, f in kill_log]} requests in flight; "
          f"restart to ready {', '.join(f'{s:.2f}' for s in server.restart_secs[1:])} s")
    print(f"  apps                {apps} (keys {len(db_keys)}; keys without a 201 {len(keys_without_201)}; "
          f"keys with more than one app {len(keys_many_ids)}; apps without a key {apps_no_key}; "
          f"201s whose app is missing {missing_apps})")
    print(f"  orphans             {sum(orphans.values())} "
          f"({', '.join(f'{t} {n}' for t, n in orphans.items())}); apps without 3 client ids {partial}")
    what = "integrity_check" if SQLITE else "amcheck"
    print(f"  {what:<19} {final_integrity} at the end; {', '.join(after_kills)} right after each kill"
          + ("" if SQLITE else " (bt_index_check with heapallindexed on every index)"))
    print(f"  duration            {total_secs:.1f} s ({run_secs:.1f} s of creates, "
          f"{CREATES / run_secs:.0f} creates/s with the kills)")
    if violations:
        print("  RESULT              FAIL")
        for v in violations:
            print(f"    - {v}")
        print(f"  server log: {server.log.name}")
        return 1
    print("  RESULT              PASS")
    server.log.close()
    shutil.rmtree(server.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        server.stop()
