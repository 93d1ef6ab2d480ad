"""jupyter_client (libzmq) straight on a kernel's ports, driven line by line on stdin: the floor, in the same turns
as the other paths.

  start KERNEL     starts a kernel of its own with jupyter_client's KernelManager; answers "ok PID CONNECTION_FILE"
  open FILE        fresh channels to the kernel of a connection file, IOPub subscription proven; answers "ok"
  exec JSON        executes the JSON-encoded code until its execute_reply and idle;
                   answers "MILLIS STATUS STDOUT_LINES DISPLAYS"
  close            closes the channels; answers "ok"
The milliseconds are measured here, around the client alone. A kernel started here is shut down at the end of input.
"""
import json
import time

import zmq

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager
from line_driven import serve


def run(kc, code, timeout=600):
    """Executes code; returns (ms until reply and idle, stdout lines, display_data count, status)."""
    start = time.perf_counter()
    msg_id = kc.execute(code)
    lines = displays = 0
    status = None
    replied = idle = False
    deadline = time.monotonic() + timeout
    while not idle:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "stream" and msg["content"]["name"] == "stdout":
            lines += msg["content"]["text"].count("\n")
        elif kind == "display_data":
            displays += 1
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
    while not replied:
        reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg_id:
            replied = True
            status = reply["content"]["status"]
    return (time.perf_counter() - start) * 1000.0, lines, displays, status


def prove_subscription(kc, timeout=60):
    """Sends kernel_info until its busy/idle reaches the IOPub socket: messages before the subscription are lost."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg_id = kc.kernel_info()
        seen = False
        try:
            while not seen:
                msg = kc.get_iopub_msg(timeout=0.2)
                seen = msg["parent_header"].get("msg_id") == msg_id
        except Exception:  # queue.Empty: not subscribed yet
            pass
        # Drain the shell reply(s) of this and earlier attempts.
        try:
            while True:
                kc.get_shell_msg(timeout=0.5 if seen else 0.01)
                if seen:
                    break
        except Exception:
            pass
        if seen:
            return
    raise TimeoutError("no IOPub message from the kernel")


class Client:
    def __init__(self):
        self.manager = None
        self.kc = None

    def start(self, kernel_name):
        self.manager = KernelManager(kernel_name=kernel_name)
        self.manager.start_kernel()
        return f"ok {self.manager.provisioner.process.pid} {self.manager.connection_file}"

    def open(self, connection_file):
        self.kc = BlockingKernelClient()
        # jupyter_client's shared context, as the Java floor keeps one; no high-water mark on the receiving side (as
        # the gateway's SUB): a slow reader must not drop IOPub.
        self.kc.context.setsockopt(zmq.RCVHWM, 0)
        self.kc.load_connection_file(connection_file)
        self.kc.start_channels()
        prove_subscription(self.kc)
        return "ok"

    def exec(self, rest):
        ms, lines, displays, status = run(self.kc, json.loads(rest))
        return f"{ms:.4f} {status} {lines} {displays}"

    def close(self, rest=""):
        self.kc.stop_channels()
        self.kc = None
        return "ok"


def main():
    client = Client()
    try:
        serve({"start": client.start, "open": client.open, "exec": client.exec, "close": client.close})
    finally:
        if client.kc is not None:
            client.close()
        if client.manager is not None:
            client.manager.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
