"""The direct-ZMQ floor with jupyter_client: what a Python client talking straight to the kernel sees.

Prints one JSON object on stdout: {"rtt": [ms...], "iopub": {case: {"ms": .., "lines": .., "displays": ..}}}.
Cases arrive as NAME=CODE arguments after --iopub.
"""
import argparse
import json
import sys
import time

import zmq

from jupyter_client.manager import KernelManager


ROUNDS = 3


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernel", default="python3")
    parser.add_argument("--rtt", type=int, default=0)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--iopub", nargs="*", default=[])
    args = parser.parse_args()

    km = KernelManager(kernel_name=args.kernel)
    km.start_kernel()
    kc = km.client()
    # No high-water mark on the client's side, as the gateway's SUB: a slow reader must not drop iopub.
    kc.context.setsockopt(zmq.RCVHWM, 0)
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        result = {"rtt": [], "iopub": {}}
        for _ in range(args.warmup):
            run(kc, "1+1")
        for _ in range(args.rtt):
            result["rtt"].append(run(kc, "1+1")[0])
        for case in args.iopub:
            # As the Java paths: one warm-up run, then the median of ROUNDS runs.
            name, code = case.split("=", 1)
            run(kc, code)
            runs = sorted((run(kc, code) for _ in range(ROUNDS)), key=lambda r: r[0])
            ms, lines, displays, status = runs[len(runs) // 2]
            result["iopub"][name] = {"ms": ms, "lines": lines, "displays": displays, "status": status}
        json.dump(result, sys.stdout)
        sys.stdout.write("\n")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
