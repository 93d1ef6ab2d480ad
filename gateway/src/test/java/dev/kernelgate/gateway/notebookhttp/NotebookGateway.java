package dev.kernelgate.gateway.notebookhttp;

import dev.kernelgate.gateway.GatewaySettings;
import dev.kernelgate.gateway.KernelGatewayServer;
import dev.kernelgate.kernels.KernelManagerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A notebook-http gateway started in-process on a test notebook, and a client for it. */
final class NotebookGateway implements AutoCloseable {
    private final KernelGatewayServer.Running running;
    private final HttpClient client = HttpClient.newHttpClient();
    private final String prefix;
    private final String token;

    private NotebookGateway(KernelGatewayServer.Running running, String prefix, String token) {
        this.running = running;
        this.prefix = prefix;
        this.token = token;
    }

    static Path notebook(String name) {
        try {
            return Path.of(NotebookGateway.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static KernelGatewayServer.Running startServer(Path runtimeDir, String notebook, String... flags) {
        List<String> args = new ArrayList<>(List.of("--port=0", "--KernelGatewayApp.api=kernel_gateway.notebook_http",
                "--KernelGatewayApp.seed_uri=" + notebook(notebook)));
        args.addAll(List.of(flags));
        return new KernelGatewayServer(GatewaySettings.parse(Map.of(), args), System.getenv(),
                KernelManagerConfig.defaults(System.getenv()).withRuntimeDir(runtimeDir)).start();
    }

    static NotebookGateway start(Path runtimeDir, String notebook, String... flags) {
        return new NotebookGateway(startServer(runtimeDir, notebook, flags), "", null);
    }

    /** Requests go under {@code base} and carry {@code token} (as {@code Authorization: token ...}). */
    static NotebookGateway startBehind(Path runtimeDir, String base, String token, String notebook, String... flags) {
        List<String> all = new ArrayList<>(List.of(flags));
        all.add("--KernelGatewayApp.base_url=" + base);
        all.add("--KernelGatewayApp.auth_token=" + token);
        return new NotebookGateway(startServer(runtimeDir, notebook, all.toArray(String[]::new)), base, token);
    }

    KernelGatewayServer.Running running() {
        return running;
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + prefix + path));
        return token == null ? b : b.header("Authorization", "token " + token);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest.Builder request) {
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> bytes(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    HttpResponse<String> send(String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path).method(method, HttpRequest.BodyPublishers.ofString(body));
        return send(contentType == null ? b : b.header("Content-Type", contentType));
    }

    @Override
    public void close() {
        running.close();
    }
}
