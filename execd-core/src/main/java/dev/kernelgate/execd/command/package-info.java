/**
 * execd's shell commands and bash sessions ({@code /command}, {@code /session}), wire-compatible with OpenSandbox
 * execd: {@link dev.kernelgate.execd.command.CommandHandler} and {@link dev.kernelgate.execd.command.SessionHandler}
 * are the route handlers; {@link dev.kernelgate.execd.command.CommandService} and
 * {@link dev.kernelgate.execd.command.BashSessions} do the work, reporting through an
 * {@link dev.kernelgate.execd.command.ExecutionListener}.
 */
package dev.kernelgate.execd.command;
