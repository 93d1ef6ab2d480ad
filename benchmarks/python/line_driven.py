"""The line protocol of the benchmark's Python clients: one command per line on stdin, one answer per line on stdout."""
import sys


def serve(commands):
    """Answers each "COMMAND REST" line with commands[COMMAND](REST), flushed at once; an unknown command is said so."""
    for line in sys.stdin:
        command, _, rest = line.rstrip("\n").partition(" ")
        handler = commands.get(command)
        print(handler(rest) if handler else f"error unknown command {command!r}", flush=True)
