"""Many kernel WebSocket connections opened at the same instant, with Debian's python3-websocket.

Each round opens --per-kernel connections on every kernel at once (one thread each, released together), then each
connection runs --executes execute_requests one after the other. Every connection must get the execute_reply of each
of its own requests, no reply of another's, and every iopub broadcast of the round on its kernel (the execute_input
of every request, by msg_id). A connection that waits --timeout seconds in vain fails the run: no client may wait
forever. Prints one JSON line per round and a final {"result": "ok"} with the totals.

Framings: legacy (JSON text frames), binary (the legacy binary frame, requests carrying one buffer) and v1
(v1.kernel.websocket.jupyter.org).
"""
import argparse
import json
import struct
import sys
import threading
import time
import uuid

import websocket

V1 = "v1.kernel.websocket.jupyter.org"


def request(msg_id, session, code):
    return {
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "concurrent", "session": session,
                   "date": "2026-01-01T00:00:00.000000Z", "version": "5.3"},
        "parent_header": {}, "metadata": {},
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }


def encode(framing, msg):
    if framing == "legacy":
        return json.dumps(dict(msg, channel="shell", buffers=[])), websocket.ABNF.OPCODE_TEXT
    if framing == "binary":
        body = json.dumps(dict(msg, channel="shell")).encode()
        parts = [body, b"x"]
        offsets, at = [], 4 * (len(parts) + 1)
        for p in parts:
            offsets.append(at)
            at += len(p)
        return struct.pack(">I", len(parts)) + b"".join(struct.pack(">I", o) for o in offsets) + b"".join(parts), \
            websocket.ABNF.OPCODE_BINARY
    parts = [b"shell"] + [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
    n = len(parts) + 1
    offsets, at = [], 8 * (n + 1)
    for p in parts:
        offsets.append(at)
        at += len(p)
    offsets.append(at)
    return struct.pack("<Q", n) + b"".join(struct.pack("<Q", o) for o in offsets) + b"".join(parts), \
        websocket.ABNF.OPCODE_BINARY


def decode(framing, opcode, data):
    if opcode == websocket.ABNF.OPCODE_TEXT:
        m = json.loads(data)
        return m["channel"], m
    if framing == "v1":
        n = struct.unpack_from("<Q", data, 0)[0]
        offs = [struct.unpack_from("<Q", data, 8 * (i + 1))[0] for i in range(n)]
        parts = [data[offs[i]:offs[i + 1]] for i in range(n - 1)]
        channel = parts[0].decode()
        return channel, {"header": json.loads(parts[1]), "parent_header": json.loads(parts[2]),
                         "content": json.loads(parts[4])}
    count = struct.unpack_from(">I", data, 0)[0]
    offs = [struct.unpack_from(">I", data, 4 * (i + 1))[0] for i in range(count)] + [len(data)]
    m = json.loads(data[offs[0]:offs[1]])
    return m["channel"], m


class Connection(threading.Thread):
    def __init__(self, args, kernel, label, round_ids, opened, all_open, done, results):
        super().__init__(daemon=True)
        self.all_open = all_open
        self.finished = threading.Event()
        self.seen = {}
        self.args, self.kernel, self.label = args, kernel, label
        self.round_ids, self.opened, self.done, self.results = round_ids, opened, done, results

    def run(self):
        a = self.args
        outcome = {"label": self.label, "replies": 0, "misrouted": 0, "latencies": [], "error": None}
        ws = None
        try:
            self.opened.wait()
            session = uuid.uuid4().hex
            url = f"{a.url}/api/kernels/{self.kernel}/channels?session_id={session}"
            ws = websocket.create_connection(url, header=[f"Authorization: token {a.token}"], timeout=a.timeout,
                                             subprotocols=[V1] if a.framing == "v1" else None)
            # Nobody sends before everybody is connected: each must see every request's broadcasts.
            self.all_open.wait(a.timeout)
            mine = [f"{self.label}-{k}" for k in range(a.executes)]
            seen_inputs, idle = set(), set()
            for msg_id in mine:
                frame, opcode = encode(a.framing, request(msg_id, session, f"print('{msg_id}')"))
                start = time.monotonic()
                ws.send(frame, opcode)
                replied = False
                while not (replied and msg_id in idle):
                    self.receive(ws, outcome, mine, seen_inputs, idle, msg_id)
                    replied = replied or outcome.get("_replied") == msg_id
                outcome["latencies"].append(time.monotonic() - start)
            # Stay until every request of the round on this kernel has been seen on iopub.
            while not set(self.round_ids[self.kernel]) <= idle:
                self.receive(ws, outcome, mine, seen_inputs, idle, None)
            missing = set(self.round_ids[self.kernel]) - seen_inputs
            if missing:
                got = {p: self.seen.get(p, []) for p in sorted(missing)}
                raise AssertionError(f"no execute_input broadcast for {got}")
        except Exception as e:  # noqa: BLE001 - reported per connection
            outcome["error"] = f"{type(e).__name__}: {e}"
            self.all_open.abort()
        finally:
            self.finished.set()
            self.done.wait()
            if ws is not None:
                ws.close()
            outcome.pop("_replied", None)
            self.results.append(outcome)

    def receive(self, ws, outcome, mine, seen_inputs, idle, waiting_for):
        try:
            opcode, data = ws.recv_data()
        except websocket.WebSocketTimeoutException:
            raise TimeoutError(f"{self.label} waited {self.args.timeout} s in vain for "
                               f"{waiting_for or 'the round broadcasts'}")
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            raise ConnectionError(f"{self.label}: closed by the server: {data[2:].decode(errors='replace')}")
        channel, m = decode(self.args.framing, opcode, data)
        parent = (m.get("parent_header") or {}).get("msg_id")
        msg_type = m["header"]["msg_type"]
        self.seen.setdefault(parent, []).append(f"{channel}:{msg_type}")
        if channel == "shell" and msg_type == "execute_reply":
            if parent in mine:
                outcome["replies"] += 1
                outcome["_replied"] = parent
            else:
                outcome["misrouted"] += 1
        elif channel == "iopub":
            if msg_type == "execute_input":
                seen_inputs.add(parent)
            elif msg_type == "status" and m["content"].get("execution_state") == "idle":
                idle.add(parent)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--token", default="")
    p.add_argument("--kernels", required=True, help="comma-separated kernel ids")
    p.add_argument("--per-kernel", type=int, required=True)
    p.add_argument("--executes", type=int, default=1)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--framing", choices=["legacy", "binary", "v1"], default="legacy")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--start-at", type=float, default=0,
                   help="epoch ms at which the first round dials (to open alongside other clients)")
    a = p.parse_args()
    kernels = a.kernels.split(",")
    total = {"requests": 0, "replies": 0, "misrouted": 0, "failed_connections": 0}
    latencies = []
    started = time.monotonic()
    for r in range(a.rounds):
        labels = {k: [f"r{r}k{i}c{c}" for c in range(a.per_kernel)] for i, k in enumerate(kernels)}
        round_ids = {k: [f"{lab}-{e}" for lab in labels[k] for e in range(a.executes)] for k in kernels}
        opened, release = threading.Event(), threading.Event()
        all_open = threading.Barrier(a.per_kernel * len(kernels))
        results, threads = [], []
        for k in kernels:
            for lab in labels[k]:
                threads.append(Connection(a, k, lab, round_ids, opened, all_open, release, results))
        for t in threads:
            t.start()
        if r == 0 and a.start_at:
            time.sleep(max(0.0, a.start_at / 1000 - time.time()))  # a start time shared with other clients
        opened.set()  # every connection dials at this instant
        # A connection that is through waits for the release before closing, so none goes away while others of
        # the round still expect its broadcasts; each one's own timeout bounds the wait.
        for t in threads:
            t.finished.wait(a.timeout * (a.executes + 2))
        release.set()
        for t in threads:
            t.join(a.timeout)
        hung = [t.label for t in threads if t.is_alive()]
        errors = [o for o in results if o["error"]]
        n_req = len(threads) * a.executes
        replies = sum(o["replies"] for o in results)
        misrouted = sum(o["misrouted"] for o in results)
        total["requests"] += n_req
        total["replies"] += replies
        total["misrouted"] += misrouted
        total["failed_connections"] += len(errors) + len(hung)
        for o in results:
            latencies.extend(o["latencies"])
        print(json.dumps({"step": "round", "round": r, "connections": len(threads), "requests": n_req,
                          "replies": replies, "misrouted": misrouted, "hung": hung,
                          "errors": [o["label"] + ": " + o["error"] for o in errors][:10]}), flush=True)
        if errors or hung or replies != n_req or misrouted:
            print(json.dumps({"error": f"round {r}: {replies}/{n_req} replies, {misrouted} misrouted, "
                                       f"{len(errors)} failed, {len(hung)} hung; first: "
                                       f"{(errors[0]['label'] + ': ' + errors[0]['error']) if errors else hung[:1]}"}),
                  flush=True)
            sys.exit(1)
    latencies.sort()
    pct = (lambda q: round(1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))], 2)) \
        if latencies else (lambda q: None)
    print(json.dumps({"step": "totals", **total, "seconds": round(time.monotonic() - started, 2),
                      "p50_ms": pct(0.5), "p99_ms": pct(0.99)}), flush=True)
    print(json.dumps({"result": "ok"}), flush=True)


if __name__ == "__main__":
    main()
