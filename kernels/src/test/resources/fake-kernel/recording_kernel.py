"""A stubborn kernel for tests: `recording_kernel.py CONNECTION_FILE RECORD_FILE`. Appends a line to RECORD_FILE
for every request (`<channel> <msg_type>`) and every SIGINT/SIGTERM (`signal <name>`) it gets; answers kernel_info
and interrupt_request; ignores shutdown_request and SIGTERM; keeps a grandchild `sleep 1000` (which ignores
SIGTERM too) in its process group, so only a SIGKILL of the whole group ends them both."""
import signal, subprocess, sys
from fakekernel import FakeKernel

record_file = sys.argv[2]


def record(line):
    with open(record_file, "a") as f:
        f.write(line + "\n")


signal.signal(signal.SIGTERM, signal.SIG_IGN)
subprocess.Popen(["sleep", "1000"])  # inherits the ignored SIGTERM, unlike a handler
for sig in (signal.SIGINT, signal.SIGTERM):
    signal.signal(sig, lambda number, frame: record("signal " + signal.Signals(number).name))

kernel = FakeKernel(sys.argv[1])
kernel.on_request = lambda request: record(request.channel + " " + request.header["msg_type"])
kernel.handlers["interrupt_request"] = lambda request: kernel.reply(request, "interrupt_reply", {"status": "ok"})
kernel.serve()
