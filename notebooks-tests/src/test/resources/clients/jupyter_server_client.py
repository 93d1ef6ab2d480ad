"""A notebook-style client of a jupyter_server that runs with --gateway-url (Debian's 1.23.3 in the tests).

Talks only to jupyter_server (JS_URL, token JS_TOKEN): REST with urllib, the kernel WebSocket with websocket-client.
Prints one JSON object per line on stdout ({"step": ...}); the last line is {"result": "ok"}. Any failed check
prints {"error": "..."} and exits 1. Run it with /usr/bin/python3 (Debian's websocket-client).
"""
import datetime
import json
import os
import select
import sys
import time
import traceback
import urllib.error
import urllib.request
import uuid

import websocket

BASE = os.environ["JS_URL"].rstrip("/")
TOKEN = os.environ["JS_TOKEN"]
DEADLINE = time.monotonic() + float(os.environ.get("CLIENT_TIMEOUT", "50"))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class CheckFailed(Exception):
    pass


def emit(**fields):
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def remaining():
    left = DEADLINE - time.monotonic()
    if left <= 0:
        raise CheckFailed("client deadline passed")
    return left


def http(method, path, body=None, expect=(200,)):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Authorization", "token " + TOKEN)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=min(30, remaining())) as resp:
            status, payload, ctype = resp.status, resp.read(), resp.headers.get("Content-Type")
    except urllib.error.HTTPError as e:
        status, payload, ctype = e.code, e.read(), e.headers.get("Content-Type")
    check(status in expect, "%s %s: status %s (expected %s), body %r" % (method, path, status, expect, payload[:300]))
    return status, payload, ctype


def http_json(method, path, body=None, expect=(200,)):
    status, payload, _ = http(method, path, body, expect)
    return status, (json.loads(payload) if payload else None)


class KernelSocket:
    """The kernel WebSocket of jupyter_server, legacy protocol (JSON text frames with a top-level channel)."""

    def __init__(self, kernel_id):
        self.session = uuid.uuid4().hex
        url = "%s/api/kernels/%s/channels?session_id=%s&token=%s" % (
            "ws" + BASE[4:], kernel_id, self.session, TOKEN)
        self.ws = websocket.create_connection(url, timeout=min(30, remaining()))
        self.frames = {"text": 0, "binary": 0}

    def send(self, msg_type, content, channel="shell"):
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "session": self.session, "username": "test",
                       "version": "5.3", "date": datetime.datetime.now(datetime.timezone.utc).isoformat()},
            "parent_header": {}, "metadata": {}, "content": content, "buffers": [], "channel": channel,
        }))
        return msg_id

    def recv(self):
        self.ws.settimeout(min(30, remaining()))
        frame = self.ws.recv()
        if isinstance(frame, bytes):
            self.frames["binary"] += 1
            raise CheckFailed("unexpected binary frame on a message without buffers: %r" % frame[:100])
        self.frames["text"] += 1
        msg = json.loads(frame)
        for key in ("header", "parent_header", "content", "channel", "msg_id", "msg_type", "buffers"):
            check(key in msg, "message without %r: %s" % (key, frame[:300]))
        return msg

    def request(self, msg_type, content, on_iopub=None):
        """Sends a shell request; returns (reply, iopub messages of it) once the reply and status idle are in."""
        msg_id = self.send(msg_type, content)
        reply, iopub, idle = None, [], False
        while reply is None or not idle:
            msg = self.recv()
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["channel"] == "iopub":
                iopub.append(msg)
                if on_iopub:
                    on_iopub(msg)
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    idle = True
            elif msg["channel"] == "shell":
                reply = msg
        return reply, iopub

    def kernel_info_until_answered(self):
        """The first request, re-sent each second until answered: jupyter_server 1.23.3's gateway proxy drops a
        message that arrives before its own upstream connection attempt has begun (it waits on a placeholder
        future that never completes), so a client cannot trust its first message to get through."""
        sent = set()
        while True:
            sent.add(self.send("kernel_info_request", {}))
            deadline = time.monotonic() + 1.0
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.ws.sock], [], [], min(left, remaining()))[0]:
                    break
                msg = self.recv()
                if msg["channel"] == "shell" and msg["parent_header"].get("msg_id") in sent:
                    return msg, len(sent)

    def execute(self, code, on_iopub=None):
        return self.request("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": False}, on_iopub)

    def close(self):
        self.ws.close()


def of_type(iopub, msg_type):
    return [m for m in iopub if m["msg_type"] == msg_type]


def stdout_of(iopub):
    return "".join(m["content"]["text"] for m in of_type(iopub, "stream") if m["content"]["name"] == "stdout")


def main():
    _, specs = http_json("GET", "/api/kernelspecs")
    names = sorted(specs["kernelspecs"])
    python = specs["kernelspecs"].get("python3")
    check(python is not None, "python3 not among kernelspecs %s" % names)
    emit(step="kernelspecs", default=specs["default"], names=names,
         python_display_name=python["spec"]["display_name"], python_resources=python["resources"])

    _, logo, ctype = http("GET", "/kernelspecs/python3/logo-64x64.png")
    emit(step="logo", png=logo.startswith(PNG_MAGIC), size=len(logo), content_type=ctype)

    status, kernel = http_json("POST", "/api/kernels", {"name": "python3"}, expect=(201,))
    kernel_id = kernel["id"]
    emit(step="start", status=status, kernel_id=kernel_id, name=kernel["name"])

    _, listed = http_json("GET", "/api/kernels")
    emit(step="list", ids=[k["id"] for k in listed])

    ws = KernelSocket(kernel_id)
    reply, attempts = ws.kernel_info_until_answered()
    check(reply["msg_type"] == "kernel_info_reply", "kernel_info: got %s" % reply["msg_type"])
    emit(step="kernel_info", attempts=attempts, status=reply["content"]["status"],
         language=reply["content"]["language_info"]["name"], protocol_version=reply["content"]["protocol_version"])

    reply, iopub = ws.execute("import os\nsurvivor = 1\n"
                              "print(os.environ.get('KERNEL_GATEWAY'), os.getpid(), "
                              "'JUPYTER_GATEWAY_AUTH_TOKEN' in os.environ)")
    gateway_flag, pid_before, token_seen = stdout_of(iopub).split()
    emit(step="execute", status=reply["content"]["status"], kernel_gateway=gateway_flag, pid=int(pid_before),
         token_in_kernel_env=token_seen == "True")

    reply, iopub = ws.execute("6 * 7")
    results = of_type(iopub, "execute_result")
    emit(step="execute_result", status=reply["content"]["status"],
         data=results[0]["content"]["data"] if results else None)

    interrupted = {}

    def interrupt_once_running(msg):
        if msg["msg_type"] == "execute_input" and not interrupted:
            interrupted["status"], _, _ = http("POST", "/api/kernels/%s/interrupt" % kernel_id, {}, expect=(204,))

    reply, iopub = ws.execute("while True:\n    pass", interrupt_once_running)
    errors = of_type(iopub, "error")
    emit(step="interrupt", http_status=interrupted.get("status"), status=reply["content"]["status"],
         ename=reply["content"].get("ename"), iopub_ename=errors[0]["content"]["ename"] if errors else None)

    status, model = http_json("POST", "/api/kernels/%s/restart" % kernel_id, {})
    restarted_id = model["id"]
    # The same WebSocket keeps working after a REST restart; the namespace is new and so is the process.
    reply, iopub = ws.execute("import os\nprint('survivor' in dir(), os.getpid())")
    survived, pid_after = stdout_of(iopub).split()
    emit(step="restart", http_status=status, kernel_id=restarted_id, status=reply["content"]["status"],
         survivor=survived == "True", pid_changed=int(pid_after) != int(pid_before))

    ws.close()
    status, _, _ = http("DELETE", "/api/kernels/%s" % kernel_id, expect=(204,))
    _, listed = http_json("GET", "/api/kernels")
    emit(step="delete", http_status=status, still_listed=any(k["id"] == kernel_id for k in listed),
         frames=ws.frames)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - any failure is reported the same way
        emit(error="%s: %s" % (type(e).__name__, e), trace=traceback.format_exc())
        sys.exit(1)
    emit(result="ok")
