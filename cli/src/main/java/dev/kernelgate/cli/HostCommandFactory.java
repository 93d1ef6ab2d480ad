package dev.kernelgate.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * Creates the commands for picocli: a command that reads the host (it has a {@code (HostEnvironment)} constructor)
 * gets this factory's {@link HostEnvironment}, so every subcommand, nested ones included, sees the same host, the
 * real one in production and a temporary one in tests. Other classes come from picocli's default factory.
 */
final class HostCommandFactory implements CommandLine.IFactory {
    private final HostEnvironment host;

    HostCommandFactory(HostEnvironment host) {
        this.host = host;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
        Constructor<K> withHost;
        try {
            withHost = cls.getDeclaredConstructor(HostEnvironment.class);
        } catch (NoSuchMethodException e) {
            return CommandLine.defaultFactory().create(cls);
        }
        return withHost.newInstance(host);
    }
}
