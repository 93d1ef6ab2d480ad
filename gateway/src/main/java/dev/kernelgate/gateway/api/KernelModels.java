package dev.kernelgate.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.gateway.KernelService;
import dev.kernelgate.kernels.Kernel;
import dev.kernelgate.wire.Header;
import dev.kernelgate.wire.Json;

/** The REST kernel model: {@code {id, name, last_activity, execution_state, connections}} (+ reason when dead). */
final class KernelModels {
    private KernelModels() {
    }

    static ObjectNode model(Kernel kernel, KernelService service) {
        ObjectNode model = Json.object();
        model.put("id", kernel.id());
        model.put("name", kernel.spec().name());
        // Always six fractional digits and Z: jupyter_server's gateway client parses it with strptime(%f).
        model.put("last_activity", Header.timestamp(kernel.lastActivity()));
        model.put("execution_state", kernel.executionState());
        model.put("connections", service.connections(kernel));
        if (kernel.deathReason() != null) {
            model.put("reason", kernel.deathReason());
        }
        return model;
    }
}
