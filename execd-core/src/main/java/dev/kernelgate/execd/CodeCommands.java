package dev.kernelgate.execd;

import dev.kernelgate.execd.code.CodeHandler;
import dev.kernelgate.execd.command.BashSessions;
import dev.kernelgate.execd.command.CommandException;
import dev.kernelgate.execd.command.CommandHandler;
import dev.kernelgate.execd.command.CommandService;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** What {@code /code} needs of the command runtime: stateless code as a command, and one interrupt for all. */
final class CodeCommands implements CodeHandler.CommandFallback {
    private final CommandHandler handler;
    private final CommandService commands;
    private final BashSessions sessions;

    CodeCommands(CommandHandler handler, CommandService commands, BashSessions sessions) {
        this.handler = handler;
        this.commands = commands;
        this.sessions = sessions;
    }

    @Override
    public Response run(Request request, String code) {
        return handler.runCode(code);
    }

    @Override
    public Optional<CompletableFuture<Void>> interrupt(String id) {
        if (commands.contains(id)) {
            return Optional.of(commands.interrupt(id));
        }
        if (sessions.contains(id)) {
            // Closing a session kills its runs: off the event loop.
            return Optional.of(CompletableFuture.runAsync(() -> {
                try {
                    sessions.delete(id);
                } catch (CommandException e) {
                    throw new CompletionException(e);
                }
            }));
        }
        return Optional.empty();
    }
}
