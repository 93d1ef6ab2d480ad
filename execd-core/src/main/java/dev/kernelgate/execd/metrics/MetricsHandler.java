package dev.kernelgate.execd.metrics;

import dev.kernelgate.http.BodyWriter;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics routes of execd (reference §1.8) plus a Prometheus exposition:
 * <pre>{@code
 * .get("/metrics", metrics::json)
 * .get("/metrics/watch", metrics::watch)
 * .get("/metrics/prometheus", metrics::prometheus)
 * }</pre>
 */
public final class MetricsHandler {

    private static final Logger log = LoggerFactory.getLogger(MetricsHandler.class);

    private final MetricsService service;
    private final Path procSelf;

    public MetricsHandler(MetricsService service) {
        this(service, Path.of("/proc/self"));
    }

    MetricsHandler(MetricsService service, Path procSelf) {
        this.service = service;
        this.procSelf = procSelf;
    }

    /** {@code GET /metrics} → {@code {"cpu_count","cpu_used_pct","mem_total_mib","mem_used_mib","timestamp"}}. */
    public Response json(Request request) {
        return request.offload(() -> Responses.json(service.current()));
    }

    /**
     * {@code GET /metrics/watch}: the same object followed by a single {@code \n} now and then every second,
     * until the client leaves (upstream's framing; a slow client skips ticks rather than queueing them).
     */
    public Response watch(Request request) {
        return Responses.stream(200, "text/event-stream", out -> {
            AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
            out.onDisconnect(() -> cancel(task));
            try {
                task.set(service.scheduler().scheduleAtFixedRate(() -> tick(out, task), 0, 1, TimeUnit.SECONDS));
            } catch (RejectedExecutionException e) {
                out.fail(e);
            }
        }).withHeader("Cache-Control", "no-cache").withHeader("Connection", "keep-alive")
                .withHeader("X-Accel-Buffering", "no");
    }

    private void tick(BodyWriter out, AtomicReference<ScheduledFuture<?>> task) {
        if (!out.isOpen()) {
            cancel(task);
            return;
        }
        if (!out.isWritable()) {
            return;
        }
        byte[] line;
        try {
            line = out.json().write(service.current());
        } catch (RuntimeException e) {
            log.debug("Reading metrics failed", e);
            line = out.json().write(java.util.Map.of("error", String.valueOf(e.getMessage())));
        }
        ByteBuf chunk = out.alloc().buffer(line.length + 1);
        chunk.writeBytes(line).writeByte('\n');
        if (!out.write(chunk)) {
            cancel(task);
        }
    }

    private static void cancel(AtomicReference<ScheduledFuture<?>> task) {
        ScheduledFuture<?> f = task.get();
        if (f != null) {
            f.cancel(false);
        }
    }

    /** {@code GET /metrics/prometheus}: Prometheus text format 0.0.4 of the same figures plus process/JVM metrics. */
    public Response prometheus(Request request) {
        return request.offload(() -> Responses.bytes(200, PrometheusText.CONTENT_TYPE,
                PrometheusText.render(service.view(), procSelf).getBytes(StandardCharsets.UTF_8)));
    }
}
