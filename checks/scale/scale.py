#!/usr/bin/env python3
"""The load and the checks of checks/scale/run.sh (standard library only): two server instances on one
PostgreSQL behind HAProxy, driven at once, then every invariant checked in the database.

  scale.py --balancer PORT --instance PORT --instance PORT --api-key K --organisation O --binary B [--seconds S]

What it does, in order (every request goes through the balancer unless said otherwise):
  1. Set-up: a webhook subscribed to connection events (to a receiver here that counts each delivery), a
     connector, a hub, end users, a deployed integration, an OAuth client whose token endpoint is here, and
     oauth2-token connections due for refresh; both instances' refreshers race for them.
  2. A mixed load for S seconds: creates with colliding names; the same Idempotency-Key sent at once to the
     balancer and straight to each instance; reads; deletes; activations of one integration for one end user
     from every side at once.
  3. Checks: in the database, no duplicate name, one idempotency row per key, no orphan credential, every
     acknowledged create present and every acknowledged delete gone, one activation per end user; every answer
     and later replay of a key byte-identical to the first; every token refreshed exactly once; every webhook
     delivery made exactly once; an API key revoked with the operator command refused by each instance
     within a second; two rotations run at once re-seal each credential and webhook secret once (SKIP LOCKED).
Prints one line per check (ok/FAIL) and exits 1 when any failed.
"""
import argparse
import http.client
import json
import os
import random
import subprocess
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCHEME = {"id": "key-header", "description": "API key", "schemeType": "api-key", "name": "X-API-Key", "in": "header"}
COLLIDING_NAMES = [f"shared-{n}" for n in range(4)]


class Answer:
    def __init__(self, status, body, headers):
        self.status, self.body, self.headers = status, body, headers

    def json(self):
        return json.loads(self.body)


def call(port, method, path, key, body=None, headers=None):
    """One request on a fresh connection; status 0 when there was no answer."""
    all_headers = {"Authorization": f"Bearer {key}", "Connection": "close"}
    if body is not None:
        all_headers["Content-Type"] = "application/json"
    all_headers.update(headers or {})
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=all_headers)
        response = conn.getresponse()
        answer = Answer(response.status, response.read(), dict(response.getheaders()))
        conn.close()
        return answer
    except (OSError, http.client.HTTPException):
        return Answer(0, b"", {})


class Recorder:
    """What the outside world saw: webhook deliveries and token refreshes, counted by id."""

    def __init__(self):
        self.lock = threading.Lock()
        self.webhooks = Counter()
        self.refreshes = Counter()


def start_receiver(recorder):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path == "/hook":
                with recorder.lock:
                    recorder.webhooks[self.headers.get("webhook-id")] += 1
                self.send_response(204)
                self.end_headers()
                return
            form = dict(urllib.parse.parse_qsl(body.decode()))
            if form.get("grant_type") != "refresh_token":
                self.send_response(400)
                self.end_headers()
                return
            token = form.get("refresh_token", "")
            with recorder.lock:
                recorder.refreshes[token] += 1
            time.sleep(0.05)  # a provider takes a moment: the other instance's pass runs meanwhile
            answer = json.dumps({"access_token": f"AT-{token}-next", "refresh_token": f"{token}-next",
                                 "token_type": "Bearer", "expires_in": 3600}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


class Scale:
    def __init__(self, options):
        self.o = options
        self.lb = options.balancer
        self.ports = [options.balancer] + options.instance
        self.key = options.api_key
        self.failures = []
        self.lock = threading.Lock()
        self.created = {}  # connection id -> (user, name), every 201 seen
        self.deleted = set()  # connection ids a DELETE acknowledged
        self.idempotent = {}  # key -> [Answer, ...]
        self.idempotent_bodies = {}
        self.activations = Counter()  # user -> 201s
        self.statuses = Counter()

    def result(self, name, ok, detail=""):
        print(f"{'ok  ' if ok else 'FAIL'}  {name}{'' if ok else ': ' + detail}", flush=True)
        if not ok:
            self.failures.append(name)

    def post(self, path, body, port=None, headers=None, expect=201):
        answer = call(port or self.lb, "POST", path, self.key, body, headers)
        if answer.status != expect:
            raise SystemExit(f"POST {path}: {answer.status} {answer.body[:300]!r}")
        return answer.json() if answer.body else None

    def sql(self, query):
        out = subprocess.run(["psql", self.o.direct_database_url, "-X", "-q", "-t", "-A", "-F", "|",
                              "-v", "ON_ERROR_STOP=1", "-c", query], check=True, capture_output=True, text=True)
        return [line.split("|") for line in out.stdout.splitlines() if line]

    # 1. Set-up.
    def set_up(self, receiver_port):
        org = self.o.organisation
        hook = f"http://127.0.0.1:{receiver_port}/hook"
        self.post(f"/o/{org}/webhooks", {"url": hook, "events": ["connection.created", "connection.deleted"]})
        self.connector = self.post(f"/o/{org}/protocols/http/connectors", {
            "name": "Acme", "baseUrl": "https://api.acme.example", "authSchemeConfigs": [SCHEME]})["id"]
        self.hub = self.post("/hubs", {"name": "scale hub", "primaryConnectorId": self.connector,
                                       "authSchemeConfig": {"id": "none", "description": "", "schemeType": "none"}})["id"]
        self.users = []
        for index in range(self.o.users):
            self.users.append(self.post(f"/hubs/{self.hub}/users", {
                "externalId": f"user-{index}", "displayName": "U",
                "primaryConnection": {"name": "primary", "credentials": {"action": [self.entry("primary", "p")]}}})["id"])
        self.integration = self.post(f"/hubs/{self.hub}/integrations", expect=200, body={
            "organisationId": org, "name": "sync", "description": "d",
            "variablesSchema": {"type": "object", "properties": {"region": {"type": "string"}}},
            "connectionTemplate": {"connectorId": self.connector, "authSchemeConfig": SCHEME}})["id"]
        templates = call(self.lb, "GET", f"/integrations/{self.integration}/connection-templates", self.key).json()
        self.template = templates["connectionTemplates"][0]["id"]
        deployed = call(self.lb, "PATCH", f"/integrations/{self.integration}", self.key, {"isDeployed": True})
        assert deployed.status == 200, deployed.body
        self.set_up_tokens(receiver_port)

    def set_up_tokens(self, receiver_port):
        token_url = f"http://127.0.0.1:{receiver_port}/token"
        oauth = {"id": "oauth", "description": "o", "schemeType": "oauth2", "authorizeUrl": "", "tokenUrl": token_url,
                 "scopes": [], "defaultScopes": [], "mtlsEnabled": False}
        client = self.post(self.connections(self.users[0]), {"connectorId": self.connector, "connection": {
            "name": "oauth-client", "credentials": {"action": [{
                "authSchemeConfig": dict(oauth, grant={"grantType": "client_credentials"}),
                "credential": {"name": "client", "type": "oauth2-client", "data": {
                    "clientId": "scale-client", "clientSecret": "scale-client-secret", "tokenUrl": token_url}}}]}}})
        client_id = client["credentials"]["action"][0]["credential"]["id"]
        soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 120))
        self.tokens = [f"RT-{n}" for n in range(self.o.tokens)]
        for token in self.tokens:
            self.post(self.connections(self.users[0]), {"connectorId": self.connector, "connection": {
                "name": f"token-{token}", "credentials": {"action": [{
                    "authSchemeConfig": dict(oauth, grant={"grantType": "authorization_code", "credentialId": client_id}),
                    "credential": {"name": token, "type": "oauth2-token", "data": {
                        "refreshToken": token, "accessToken": "old", "scopes": [], "expiresAt": soon}}}]}}})

    def connections(self, user):
        return f"/hubs/{self.hub}/users/{user}/connections?identifier_type=internal"

    @staticmethod
    def entry(name, secret):
        return {"authSchemeConfig": SCHEME,
                "credential": {"name": name, "type": "string", "data": {"value": f"scale-secret-{secret}"}}}

    def body(self, name):
        return {"connectorId": self.connector, "connection": {"name": name, "credentials": {
            "action": [self.entry(f"{name}-a", name)], "trigger": [self.entry(f"{name}-t", name + "t")]}}}

    # 2. The load.
    def colliding_create(self, rng):
        user = rng.choice(self.users)
        answer = call(rng.choice(self.ports), "POST", self.connections(user), self.key, self.body(rng.choice(COLLIDING_NAMES)))
        self.count("create", answer)
        if answer.status == 201:
            with self.lock:
                self.created[answer.json()["id"]] = user
        elif self.code(answer) != "409001":  # the name is taken
            self.unexpected("colliding create", answer)

    def idempotent_create(self, rng, worker, turn):
        key = f"scale-{worker}-{turn}"
        user = rng.choice(self.users)
        body = self.body(f"idem-{key}")
        answers = [None] * len(self.ports)

        def send(index):
            answers[index] = call(self.ports[index], "POST", self.connections(user), self.key, body, {"Idempotency-Key": key})

        threads = [threading.Thread(target=send, args=(i,)) for i in range(len(self.ports))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with self.lock:
            self.idempotent[key] = (user, body, answers)
        for answer in answers:
            self.count("idempotent create", answer)
            if answer.status == 201:
                with self.lock:
                    self.created[answer.json()["id"]] = user
            elif self.code(answer) != "409005":  # the same key is still being answered on another side
                self.unexpected("idempotent create", answer)

    def read(self, rng):
        user = rng.choice(self.users)
        answer = call(rng.choice(self.ports), "GET", self.connections(user) + "&perPage=20", self.key)
        self.count("list", answer)
        if answer.status != 200:
            self.unexpected("list", answer)
            return
        for connection in answer.json()["connections"][:2]:
            one = call(rng.choice(self.ports), "GET", f"/hubs/{self.hub}/users/{user}/connections/{connection['id']}"
                       "?identifier_type=internal", self.key)
            self.count("get", one)
            if one.status not in (200, 404):  # 404: deleted meanwhile
                self.unexpected("get", one)

    def delete(self, rng):
        with self.lock:
            candidates = [c for c in self.created if c not in self.deleted]
        if not candidates:
            return
        connection = rng.choice(candidates)
        user = self.created[connection]
        answer = call(rng.choice(self.ports), "DELETE",
                      f"/hubs/{self.hub}/users/{user}/connections/{connection}?identifier_type=internal", self.key)
        self.count("delete", answer)
        if answer.status == 204:
            with self.lock:
                self.deleted.add(connection)
        elif answer.status != 404:  # deleted by another worker meanwhile
            self.unexpected("delete", answer)

    def activations_for_everyone(self):
        """Each end user's activation asked for from every side at once: one wins, the others are refused."""

        def activate(user, port):
            answer = call(port, "POST", "/activations", self.key, {
                "userId": f"user-{user}", "integrationId": self.integration, "dynamicVariables": {"region": "eu"},
                "connections": [{"templateId": self.template, "name": f"activated-{port}", "variables": [],
                                 "credentials": {"action": [self.entry(f"act-{user}-{port}", f"act{user}{port}")]}}]})
            self.count("activation", answer)
            if answer.status == 200:  # ActivateIntegration answers 200, as the reference does
                with self.lock:
                    self.activations[user] += 1
            elif self.code(answer) != "409008":  # activated from another side
                self.unexpected("activation", answer)

        threads = [threading.Thread(target=activate, args=(user, port))
                   for user in range(self.o.users) for port in self.ports]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    @staticmethod
    def code(answer):
        try:
            return answer.json()["code"] if answer.status >= 400 else str(answer.status)
        except (ValueError, KeyError, TypeError):
            return f"{answer.status} without a code"

    def count(self, what, answer):
        with self.lock:
            self.statuses[(what, self.code(answer))] += 1

    def unexpected(self, what, answer):
        with self.lock:
            self.failures.append(f"{what}: {answer.status} {answer.body[:300]!r}")
            print(f"FAIL  {what}: {answer.status} {answer.body[:300]!r}", flush=True)

    def load(self):
        deadline = time.time() + self.o.seconds
        activations = threading.Thread(target=self.activations_for_everyone)

        def worker(index):
            rng = random.Random(index)
            turn = 0
            while time.time() < deadline:
                turn += 1
                pick = rng.random()
                if pick < 0.35:
                    self.colliding_create(rng)
                elif pick < 0.5:
                    self.idempotent_create(rng, index, turn)
                elif pick < 0.85:
                    self.read(rng)
                else:
                    self.delete(rng)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(self.o.workers)]
        for thread in threads:
            thread.start()
        time.sleep(self.o.seconds / 2)
        activations.start()
        for thread in threads + [activations]:
            thread.join()
        print("load: " + ", ".join(f"{what} {status}: {n}" for (what, status), n in sorted(self.statuses.items())))

    # 3. The checks.
    def check_database(self):
        org = self.o.organisation
        duplicates = self.sql("SELECT end_user_id, connector_id, name FROM connections "
                              "GROUP BY 1, 2, 3 HAVING count(*) > 1")
        self.result("no duplicate connection name", not duplicates, f"{duplicates[:3]}")
        orphans = self.sql(f"SELECT id FROM credentials c WHERE organisation_id = '{org}' AND NOT EXISTS "
                           "(SELECT 1 FROM connection_credentials b WHERE b.credential_id = c.id)")
        self.result("no orphan credential", not orphans, f"{len(orphans)}, e.g. {orphans[:3]}")
        present = {row[0] for row in self.sql(f"SELECT id FROM connections WHERE organisation_id = '{org}'")}
        missing = [c for c in self.created if c not in self.deleted and c not in present]
        self.result(f"every acknowledged create present ({len(self.created)} created, {len(self.deleted)} deleted)",
                    not missing, f"{len(missing)} missing, e.g. {missing[:3]}")
        back = [c for c in self.deleted if c in present]
        self.result("every acknowledged delete gone", not back, f"{back[:3]}")
        rows = Counter(row[0] for row in self.sql(f"SELECT key FROM idempotency_keys WHERE organisation_id = '{org}'"))
        wrong = {k: rows[k] for k in self.idempotent if rows[k] != 1}
        self.result(f"one idempotency row per key ({len(self.idempotent)} keys)", not wrong, f"{list(wrong.items())[:3]}")
        names = Counter(row[0] for row in self.sql(f"SELECT name FROM connections WHERE organisation_id = '{org}' "
                                                   "AND name LIKE 'idem-%'"))
        doubled = [n for n, c in names.items() if c > 1]
        self.result("one connection per idempotency key", not doubled, f"{doubled[:3]}")
        activations = self.sql(f"SELECT end_user_id, count(*) FROM activations WHERE integration_id = '{self.integration}' "
                               "GROUP BY 1")
        self.result(f"one activation per end user ({self.o.users})",
                    len(activations) == self.o.users and all(int(n) == 1 for _, n in activations)
                    and all(self.activations[u] == 1 for u in range(self.o.users)),
                    f"rows {activations}, 201s {dict(self.activations)}")

    def check_pipelines(self):
        """How each instance ran its stand-alone statements (`/metrics`): behind a transaction pooler, none pipelined."""
        figures = {}
        for port in self.o.instance:
            text = call(port, "GET", "/metrics", self.key).body.decode()
            for line in text.splitlines():
                for name in ('db_reads_total{path="pipeline"}', 'db_reads_merged_total', 'db_writes_total{path="grouped"}'):
                    if line.startswith(name + " "):
                        figures[name] = figures.get(name, 0) + int(float(line.split()[-1]))
        print("pipelines: " + ", ".join(f"{name} {n}" for name, n in figures.items()))
        if self.o.pooler == "pgbouncer":
            self.result("behind PgBouncer nothing is pipelined or grouped", len(figures) == 3 and not any(figures.values()),
                        f"{figures}")

    def check_replays(self):
        """Every 201 of a key, and a replay of it asked of every side now, is the first answer byte for byte."""
        differing = []
        for key, (user, body, answers) in self.idempotent.items():
            firsts = [a for a in answers if a.status == 201]
            if not firsts:
                differing.append((key, "no 201", [a.status for a in answers]))
                continue
            for port in self.ports:
                replay = call(port, "POST", self.connections(user), self.key, body, {"Idempotency-Key": key})
                if replay.status != 201 or replay.body != firsts[0].body or any(a.body != firsts[0].body for a in firsts):
                    differing.append((key, port, replay.status))
                    break
        self.result(f"every answer and replay of a key byte-identical ({len(self.idempotent)} keys, "
                    f"{len(self.ports)} sides each)", not differing, f"{differing[:3]}")

    def check_tokens(self, recorder):
        for _ in range(150):
            with recorder.lock:
                if all(recorder.refreshes[t] for t in self.tokens):
                    break
            time.sleep(0.1)
        time.sleep(1.5)  # several more passes of both refreshers
        with recorder.lock:
            counts = {t: recorder.refreshes[t] for t in self.tokens}
        self.result(f"each of {len(self.tokens)} due tokens refreshed exactly once by the two instances",
                    all(n == 1 for n in counts.values()), f"{counts}")

    def check_webhooks(self, recorder):
        org = self.o.organisation
        deadline = time.time() + 30
        while time.time() < deadline:
            # Events not yet fanned out have no delivery yet: they are pending too.
            pending = self.sql(f"SELECT (SELECT count(*) FROM webhook_deliveries WHERE organisation_id = '{org}' "
                               "AND state <> 'delivered') + (SELECT count(*) FROM webhook_events "
                               f"WHERE organisation_id = '{org}' AND NOT fanned_out)")[0][0]
            if pending == "0":
                break
            time.sleep(0.2)
        time.sleep(1)  # time for a duplicate to show
        events = int(self.sql(f"SELECT count(*) FROM webhook_events WHERE organisation_id = '{org}'")[0][0])
        with recorder.lock:
            counts = dict(recorder.webhooks)
        twice = {k: n for k, n in counts.items() if n != 1}
        self.result(f"every webhook delivery made exactly once ({events} events, {sum(counts.values())} requests)",
                    len(counts) == events and not twice and pending == "0",
                    f"{len(counts)} ids received, pending {pending}, more than once {list(twice.items())[:3]}")

    def check_revocation(self):
        env = dict(os.environ, DATABASE_URL=self.o.operator_database_url)
        made = json.loads(subprocess.run([self.o.binary, "api-keys", "create", "--organisation", self.o.organisation],
                                         env=env, check=True, capture_output=True, text=True).stdout)
        key = made["apiKey"]
        path = f"/hubs/{self.hub}"
        for port in self.o.instance:  # each instance has it confirmed and cached
            for _ in range(3):
                answer = call(port, "GET", path, key)
                if answer.status != 200:
                    return self.result("a new API key works on every instance", False, f"{port}: {answer.status}")
        subprocess.run([self.o.binary, "api-keys", "revoke", "--id", made["apiKeyId"]], env=env, check=True,
                       capture_output=True)
        revoked = time.time()
        refused = {}
        while time.time() - revoked < 3 and len(refused) < len(self.o.instance):
            for port in self.o.instance:
                if port not in refused and call(port, "GET", path, key).status == 401:
                    refused[port] = time.time() - revoked
            time.sleep(0.02)
        self.result("a revoked API key is refused by every instance within a second",
                    len(refused) == len(self.o.instance) and max(refused.values()) < 1.0,
                    f"refused after {refused} (seconds, by port)")
        print("revocation seen after: " + ", ".join(f"port {p} {s * 1000:.0f} ms" for p, s in refused.items()))

    def check_rotation(self):
        """Two `credentials rotate` at once under a new key: between them each credential and webhook secret is
        re-sealed once."""
        new_key = subprocess.run([self.o.binary, "credentials", "generate-key", "--version", "scale2"], check=True,
                                 capture_output=True, text=True).stdout.strip()
        env = dict(os.environ, DATABASE_URL=self.o.operator_database_url,
                   CREDENTIAL_KEYS=f"{new_key},{os.environ['CREDENTIAL_KEYS']}")
        before = int(self.sql("SELECT (SELECT count(*) FROM credentials) + (SELECT count(*) FROM webhooks)")[0][0])
        runs = [subprocess.Popen([self.o.binary, "credentials", "rotate", "--batch-size", "10"], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
        outputs = [run.communicate(timeout=120)[0] for run in runs]
        totals = [int(line.split()[1]) for out in outputs for line in out.splitlines() if line.startswith("done: ")]
        left = int(self.sql("SELECT (SELECT count(*) FROM credentials WHERE key_version <> 'scale2') "
                            "+ (SELECT count(*) FROM webhooks WHERE key_version <> 'scale2')")[0][0])
        self.result(f"two rotations at once re-seal each of {before} credentials and webhook secrets once (done: {totals})",
                    all(run.returncode == 0 for run in runs) and len(totals) == 2 and sum(totals) == before and left == 0,
                    f"exit {[run.returncode for run in runs]}, {left} left, output {[o[-300:] for o in outputs]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--balancer", type=int, required=True)
    parser.add_argument("--instance", type=int, action="append", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--organisation", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--direct-database-url", required=True, help="for the checks' psql")
    parser.add_argument("--operator-database-url", required=True, help="for the operator commands")
    parser.add_argument("--pooler", default="none", help="none or pgbouncer")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=12)
    parser.add_argument("--users", type=int, default=6)
    parser.add_argument("--tokens", type=int, default=8)
    options = parser.parse_args()
    recorder = Recorder()
    scale = Scale(options)
    scale.set_up(start_receiver(recorder))
    scale.check_tokens(recorder)
    scale.load()
    scale.check_database()
    scale.check_pipelines()
    scale.check_replays()
    scale.check_webhooks(recorder)
    scale.check_revocation()
    scale.check_rotation()
    print("scale: " + ("passed" if not scale.failures else f"FAILED ({len(scale.failures)})"))
    raise SystemExit(1 if scale.failures else 0)


if __name__ == "__main__":
    main()
