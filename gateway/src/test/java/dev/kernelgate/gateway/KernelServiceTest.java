package dev.kernelgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.kernels.KernelManager;
import dev.kernelgate.kernels.KernelManagerConfig;
import dev.kernelgate.kernelspecs.KernelSpecCatalog;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kernel Gateway rules that need no kernel: names, the environment filter, working dirs, limits. */
class KernelServiceTest {
    private static final Map<String, String> PROCESS_ENV = Map.of(
            "PATH", "/usr/bin:/bin", "HOME", "/home/gw", "LANG", "C.UTF-8", "SECRET", "do-not-leak",
            "KG_AUTH_TOKEN", "the-token", "KERNEL_FROM_PROCESS", "process");

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private KernelService service(Map<String, String> kgEnv, String... flags) {
        return service(GatewaySettings.parse(kgEnv, List.of(flags)));
    }

    private KernelService service(GatewayConfig config) {
        return service(config, dir.resolve("no-kernels"));
    }

    private KernelService service(GatewayConfig config, Path kernelsDir) {
        KernelManager manager = new KernelManager(
                KernelManagerConfig.defaults(Map.of()).withRuntimeDir(dir.resolve("runtime")),
                new KernelSpecCatalog(KernelSpecSearchPath.of(List.of(kernelsDir), List.of())));
        ScheduledExecutorService scheduler = new ScheduledThreadPoolExecutor(1);
        closeables.add(manager);
        closeables.add(scheduler::shutdownNow);
        KernelService service = new KernelService(config, manager, PROCESS_ENV, dir, scheduler);
        closeables.add(0, service);
        return service;
    }

    @Test
    void withoutARequestEnvTheKernelInheritsTheProcessEnvironmentButNotTheToken() {
        Map<String, String> env = service(Map.of()).kernelEnv(null);
        Map<String, String> expected = new LinkedHashMap<>(PROCESS_ENV);
        expected.remove("KG_AUTH_TOKEN");
        expected.put("KERNEL_GATEWAY", "1");
        assertEquals(expected, env);
    }

    @Test
    void aRequestEnvIsFilteredToPathWhitelistsAndKernelVariables() {
        KernelService service = service(Map.of("KG_ENV_PROCESS_WHITELIST", "HOME,NOT_SET"),
                "--JupyterWebsocketPersonality.env_whitelist=TEST_VAR");
        Map<String, String> request = new LinkedHashMap<>();
        request.put("KERNEL_FOO", "kernel-foo-value");
        request.put("NOT_KERNEL", "ignored");
        request.put("KERNEL_GATEWAY", "overridden");
        request.put("TEST_VAR", "allowed");
        request.put("PATH", "/evil");
        request.put("KG_AUTH_TOKEN", "client-token");
        request.put("kernel_lower", "not a KERNEL_ prefix");
        Map<String, String> env = service.kernelEnv(request);
        assertEquals(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/gw", "KERNEL_FOO", "kernel-foo-value",
                "KERNEL_GATEWAY", "1", "TEST_VAR", "allowed"), env);
    }

    @Test
    void anEmptyRequestEnvStillFilters() {
        assertEquals(Map.of("PATH", "/usr/bin:/bin", "KERNEL_GATEWAY", "1"), service(Map.of()).kernelEnv(Map.of()));
    }

    @Test
    void theTokenNeverReachesAKernelEvenWhenWhitelisted() {
        KernelService service = service(Map.of("KG_ENV_PROCESS_WHITELIST", "KG_AUTH_TOKEN",
                "KG_ENV_WHITELIST", "KG_AUTH_TOKEN"));
        assertFalse(service.kernelEnv(Map.of("KG_AUTH_TOKEN", "x")).containsKey("KG_AUTH_TOKEN"));
        assertFalse(service.kernelEnv(null).containsKey("KG_AUTH_TOKEN"));
    }

    @Test
    void withoutPythonTheDefaultKernelIsTheBundledJavaKernel() throws Exception {
        Path javaOnly = dir.resolve("java-only");
        writeSpec(javaOnly, "java", "java");
        assertEquals("java", service(GatewaySettings.defaults(), javaOnly).kernelName(null));
        assertEquals("ir", service(GatewaySettings.parse(Map.of("KG_DEFAULT_KERNEL_NAME", "ir"), List.of()), javaOnly)
                .kernelName(null), "a configured default is kept");

        Path both = dir.resolve("both");
        writeSpec(both, "java", "java");
        writeSpec(both, "python3", "python");
        assertEquals("python3", service(GatewaySettings.defaults(), both).kernelName(null));
        assertEquals("python3", service(GatewaySettings.defaults()).kernelName(null), "no spec at all: upstream's");
    }

    private static void writeSpec(Path kernelsDir, String name, String language) throws Exception {
        Path spec = Files.createDirectories(kernelsDir.resolve(name)).resolve("kernel.json");
        Files.writeString(spec, "{\"argv\":[\"/bin/true\",\"{connection_file}\"],\"display_name\":\"" + name
                + "\",\"language\":\"" + language + "\"}");
    }

    @Test
    void kernelNames() {
        KernelService plain = service(Map.of());
        assertEquals("python3", plain.kernelName(null));
        assertEquals("python3", plain.kernelName(""));
        assertEquals("ir", plain.kernelName("ir"));
        // jupyter_client renames "python" to the native kernel (KG's own tests ask for "python").
        assertEquals("python3", plain.kernelName("python"));

        KernelService withDefault = service(Map.of("KG_DEFAULT_KERNEL_NAME", "ir"));
        assertEquals("ir", withDefault.kernelName(null));
        assertEquals("python3", withDefault.kernelName("python3"));

        KernelService forced = service(Map.of("KG_DEFAULT_KERNEL_NAME", "ir", "KG_FORCE_KERNEL_NAME", "python3"));
        assertEquals("python3", forced.kernelName(null));
        assertEquals("python3", forced.kernelName("fake-kernel"));
        assertEquals("python3", forced.kernelName("ir"));
    }

    @Test
    void workingDirsStayUnderTheRootAndWalkUpToAnExistingDir() throws Exception {
        Files.createDirectories(dir.resolve("notebooks/sub"));
        KernelService service = service(Map.of());
        Path root = dir.toAbsolutePath().normalize();
        assertEquals(dir, service.workingDir(null));
        assertEquals(dir, service.workingDir(""));
        assertEquals(root.resolve("notebooks/sub"), service.workingDir("notebooks/sub"));
        assertEquals(root.resolve("notebooks/sub"), service.workingDir("/notebooks/sub"));
        assertEquals(root.resolve("notebooks/sub"), service.workingDir("notebooks/sub/Untitled.ipynb"));
        assertEquals(root.resolve("notebooks"), service.workingDir("notebooks/missing/deeper"));
        assertEquals(root, service.workingDir("nowhere/at/all"));
        assertEquals(root, service.workingDir("../../etc"));
        assertEquals(root, service.workingDir("notebooks/../../.."));
    }

    @Test
    void prespawnBeyondTheLimitIsRefused() {
        // GatewaySettings refuses it first; the service checks too, for configs built another way.
        GatewayConfig ok = GatewaySettings.parse(Map.of("KG_MAX_KERNELS", "2"), List.of());
        GatewayConfig tooMany = new GatewayConfig(ok.ip(), ok.port(), ok.portRetries(), ok.baseUrl(), ok.authToken(),
                ok.allowCredentials(), ok.allowHeaders(), ok.allowMethods(), ok.allowOrigin(), ok.exposeHeaders(),
                ok.maxAge(), 2, ok.listKernels(), ok.defaultKernelName(), ok.forceKernelName(), 3,
                ok.envProcessWhitelist(), ok.envWhitelist(), ok.certfile(), ok.keyfile(), ok.clientCa(),
                ok.wsPingInterval(), ok.cullIdleTimeout(), ok.cullInterval(), ok.cullConnected(), ok.cullBusy(),
                ok.iopubMsgRateLimit(), ok.kernelDirs(), ok.dropInDirs(), ok.connectionLimits(), ok.api(),
                ok.seedUri(), ok.notebookHttp());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> service(tooMany));
        assertTrue(e.getMessage().contains("prespawn_count"), e.getMessage());
    }

    @Test
    void anUnknownKernelspecFailsTheStart() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> service(Map.of()).start(new KernelService.StartRequest("no-such-kernel", Map.of(), null)).get());
        assertInstanceOf(dev.kernelgate.kernels.KernelStartException.class, e.getCause());
    }
}
