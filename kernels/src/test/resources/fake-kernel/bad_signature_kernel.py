"""A minimal kernel for tests: answers kernel_info, and on execute_request publishes one stream message
with a corrupted signature followed by a correctly signed one, then replies and goes idle."""
import sys
from fakekernel import FakeKernel

kernel = FakeKernel(sys.argv[1])


def execute(request):
    kernel.publish("stream", request.header, {"name": "stdout", "text": "forged\n"}, corrupt=True)
    kernel.publish("stream", request.header, {"name": "stdout", "text": "genuine\n"})
    kernel.reply(request, "execute_reply", {"status": "ok", "execution_count": 1})


def shutdown(request):
    kernel.reply(request, "shutdown_reply", {"status": "ok", "restart": False})
    sys.exit(0)


kernel.handlers.update(execute_request=execute, shutdown_request=shutdown)
kernel.serve()
