"""A real SMTP server (aiosmtpd) for the e-mail fault test (scripts/test-mail.sh): accepts every message
and appends one JSON line per message to a file (its X-Appreg-Event, Message-ID, recipients, subject,
and whether it has plain-text and HTML parts), flushed and fsync'ed before the 250 reply, so a message the
server acknowledged is always counted.
    .venv/bin/python scripts/smtp_sink.py HOST PORT FILE
Runs until SIGTERM or SIGINT."""
import json
import os
import signal
import sys
import threading
from email import message_from_bytes

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.original_content or envelope.content)
        types = sorted({part.get_content_type() for part in msg.walk()})
        record = {
            # Header values may be folded: the event key has no spaces, so drop any whitespace.
            "event": "".join(str(msg.get("X-Appreg-Event", "")).split()),
            "message_id": str(msg.get("Message-ID", "")).strip(),
            "to": envelope.rcpt_tos,
            "subject": str(msg.get("Subject", "")),
            "text": "text/plain" in types,
            "html": "text/html" in types,
            "unsubscribe": bool(msg.get("List-Unsubscribe")),
            # The plain-text part, so a test can check what an e-mail says (and that no secret is in it).
            "body": "".join(
                part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8", "replace")
                for part in msg.walk()
                if part.get_content_type() == "text/plain"
            ),
        }
        with self.lock, open(self.path, "a") as f:
            f.write(json.dumps(record) + "\n")
            f.flush()
            os.fsync(f.fileno())
        return "250 Message accepted for delivery"


def main():
    host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    controller = Controller(Sink(path), hostname=host, port=port)
    controller.start()
    print(f"smtp sink on {host}:{port} -> {path}", flush=True)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
