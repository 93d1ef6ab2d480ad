package dev.kernelgate.benchmarks.e2e;

/** One client of the soak: does its {@code n}th operation per call and records what it saw in the tally. */
interface SoakClient extends AutoCloseable {
    /** One operation; never throws: every outcome, failures included, goes to the tally. */
    void step(int n);

    /** The kind of operation this client does first (what a client stuck for good is counted against). */
    SoakTally.Op op();

    @Override
    void close();
}
