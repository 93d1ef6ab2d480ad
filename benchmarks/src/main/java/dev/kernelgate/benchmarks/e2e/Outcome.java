package dev.kernelgate.benchmarks.e2e;

/**
 * What one execute produced as seen by a client: time from sending the request until both the reply and the
 * {@code idle} status arrived (the last message of a request), the stdout lines and display_data messages
 * received, and the reply's status.
 */
record Outcome(double millis, long stdoutLines, long displays, String status) {
}
