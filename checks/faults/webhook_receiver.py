"""A webhook receiver for checks/faults/webhook-kill.sh: verifies every request with the `standardwebhooks`
library (the secret is read from a file, written once the webhook exists) and appends one JSON line per request
to the log: the event id and type, whether the signature verified, the body, and whether it was answered. While the file
`<state>/hang` exists, requests are recorded as arrived and held unanswered (a receiver that is slow when the
server dies).

    python3 webhook_receiver.py STATE_DIR PORT_FILE
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

state = sys.argv[1]
log_lock = threading.Lock()


def record(entry):
    with log_lock, open(os.path.join(state, "received.jsonl"), "a") as log:
        log.write(json.dumps(entry) + "\n")


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        secret = open(os.path.join(state, "secret")).read().strip()
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            event = Webhook(secret).verify(body, headers)
            verified = True
        except Exception as error:  # any verification failure is a failed check, recorded as such
            event, verified = {"error": str(error)}, False
        entry = {"webhookId": headers.get("webhook-id"), "type": event.get("type"), "verified": verified,
                 "body": body.decode("utf-8", "replace")}
        if os.path.exists(os.path.join(state, "hang")):
            record(dict(entry, answered=False))
            time.sleep(120)
            return
        record(dict(entry, answered=True))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
server.daemon_threads = True
with open(sys.argv[2], "w") as port_file:
    port_file.write(str(server.server_address[1]))
server.serve_forever()
