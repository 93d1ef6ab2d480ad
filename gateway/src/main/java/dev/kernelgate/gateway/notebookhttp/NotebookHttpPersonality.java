package dev.kernelgate.gateway.notebookhttp;

import dev.kernelgate.gateway.GatewayConfig;
import dev.kernelgate.gateway.KernelService;
import dev.kernelgate.http.Routes;
import dev.kernelgate.kernels.KernelStartRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notebook-http face: reads the seed notebook, finds its endpoints, starts and seeds the kernel pool
 * ({@code max(prespawn_count, 1)} kernels of the notebook's kernelspec) and builds the routes. Construction blocks
 * until the kernels are ready, as upstream seeds before it listens: call it off the event loops.
 */
public final class NotebookHttpPersonality implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotebookHttpPersonality.class);

    private final NotebookApiService service;
    private final Routes routes;

    private NotebookHttpPersonality(NotebookApiService service, Routes routes) {
        this.service = service;
        this.routes = routes;
    }

    public static NotebookHttpPersonality start(GatewayConfig config, KernelService kernels, Path rootDir) {
        SeedNotebook notebook = SeedNotebook.read(config.seedUri());
        ApiCellParser parser = ApiCellParser.forLanguage(notebook.language());
        List<Endpoint> endpoints = parser.endpoints(notebook.codeCells());
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("No endpoints were discovered in " + config.seedUri()
                    + ": annotate code cells with e.g. '# GET /hello'");
        }
        endpoints.forEach(Endpoint::routeTemplate); // a bad parameter name fails here, before any kernel starts
        String kernelName = kernels.kernelName(notebook.kernelName());
        if (kernels.manager().catalog().find(kernelName).isEmpty()) {
            throw new IllegalArgumentException("No such kernel named " + kernelName + " (the seed notebook's "
                    + "kernelspec; force another with force_kernel_name)");
        }
        int size = Math.max(config.prespawnCount(), 1);
        SeededKernelPool pool;
        try {
            pool = SeededKernelPool.start(kernels.manager(), size,
                    () -> new KernelStartRequest(kernelName, kernels.kernelEnv(null), rootDir, null),
                    parser.seedCells(notebook.codeCells())).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        NotebookApiService service = new NotebookApiService(pool, notebook.language());
        NotebookHttpHandler handler = new NotebookHttpHandler(service, notebook, parser,
                config.notebookHttp().staticPath());
        endpoints.forEach(e -> log.info("Registering resource: {}, methods: {}", e.path(), e.sources().keySet()));
        return new NotebookHttpPersonality(service, NotebookHttpRoutes.build(config, handler, endpoints));
    }

    public Routes routes() {
        return routes;
    }

    @Override
    public void close() {
        service.close();
    }
}
