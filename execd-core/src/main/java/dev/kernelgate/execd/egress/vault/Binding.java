package dev.kernelgate.execd.egress.vault;

/** A named rule: requests that {@code match} get the headers {@code auth} renders. */
public record Binding(String name, Match match, Auth auth) {
}
