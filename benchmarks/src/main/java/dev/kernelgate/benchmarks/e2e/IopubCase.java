package dev.kernelgate.benchmarks.e2e;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One IOPub-heavy execute: the code, and how many stdout lines or display_data messages it sends. */
record IopubCase(String name, String description, String code, long expectedLines, long expectedDisplays) {
    static List<IopubCase> python(Sizes sizes) {
        return List.of(
                new IopubCase("print", sizes.printLines() + " lines printed",
                        "for i in range(" + sizes.printLines() + "): print(i)", sizes.printLines(), 0),
                new IopubCase("flushed", sizes.flushedLines() + " lines, each flushed",
                        "for i in range(" + sizes.flushedLines() + "): print(i, flush=True)", sizes.flushedLines(),
                        0),
                new IopubCase("display", sizes.displays() + " display_data",
                        "from IPython.display import display\nfor i in range(" + sizes.displays()
                                + "): display({'text/plain': str(i)}, raw=True)", 0, sizes.displays()));
    }

    static IopubCase java(Sizes sizes) {
        return new IopubCase("java-display", sizes.javaDisplays() + " display_data from the Java kernel",
                "for (int i = 0; i < " + sizes.javaDisplays() + "; i++) display(i);", 0, sizes.javaDisplays());
    }

    /** {@code flood N} on the flood kernel ({@link FloodKernelSpec}): N one-line stream messages. */
    static IopubCase flood(long messages) {
        return new IopubCase("flood", String.format(java.util.Locale.ROOT, "%,d stream messages from the flood kernel",
                messages), "flood " + messages, messages, 0);
    }

    static Map<String, String> codes(List<IopubCase> cases) {
        Map<String, String> codes = new LinkedHashMap<>();
        cases.forEach(c -> codes.put(c.name(), c.code()));
        return codes;
    }

    long expected() {
        return expectedLines + expectedDisplays;
    }

    long received(Outcome outcome) {
        return expectedLines > 0 ? outcome.stdoutLines() : outcome.displays();
    }
}
