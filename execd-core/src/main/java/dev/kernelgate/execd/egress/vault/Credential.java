package dev.kernelgate.execd.egress.vault;

/**
 * A stored secret. {@link #toString()} leaves the value out, so no log line or message can carry it by accident.
 *
 * @param revision the vault revision that last wrote it
 */
public record Credential(String name, String sourceType, String value, long revision) {
    @Override
    public String toString() {
        return "Credential[name=" + name + ", sourceType=" + sourceType + ", revision=" + revision + "]";
    }
}
