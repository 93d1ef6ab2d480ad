package dev.kernelgate.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The manifests shipped in {@code runtime/kubernetes/}, read as typed fabric8 objects. */
final class ShippedManifests {
    /** Tests run in the module's directory. */
    static final Path DIR = Path.of("kubernetes");
    /** Every {@code *.yaml} in {@link #DIR}, sorted (a test keeps this list complete). */
    static final List<String> FILES = List.of("batchsandbox-crd.yaml", "rbac.yaml", "sandbox-network-policy.yaml", "sandbox-pod.example.yaml");

    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private ShippedManifests() {
    }

    static List<HasMetadata> load(String file) throws IOException {
        return parse(Files.readString(DIR.resolve(file)));
    }

    /** One document or several ({@code ---}), each as its typed model class. */
    static List<HasMetadata> parse(String yaml) {
        Object parsed = YAML.unmarshal(yaml);
        @SuppressWarnings("unchecked")
        List<HasMetadata> items = parsed instanceof List<?> list ? (List<HasMetadata>) list
                : List.of((HasMetadata) parsed);
        return items;
    }

    /**
     * The fields of {@code object} that its typed model does not know, as paths
     * ({@code Pod/p.spec.containers[0].imagePolicy}). fabric8 keeps an unknown field in the nearest object's
     * {@code additionalProperties} instead of failing, so a misspelt field parses; this finds it. A real API server
     * refuses such a field (strict field validation), but only once the object reaches it: {@code kubectl apply
     * --dry-run=client} never sends it there. A kind fabric8 has no model for at that apiVersion parses as a generic
     * resource, and then every field but metadata is unknown.
     */
    static List<String> unknownFields(HasMetadata object) {
        List<String> found = new ArrayList<>();
        walk(object, object.getKind() + "/" + object.getMetadata().getName(), found);
        return found;
    }

    private static void walk(Object node, String path, List<String> found) {
        if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", found);
            }
        } else if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> walk(value, path + "." + key, found));
        } else if (node != null && node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model.")) {
            Method[] getters = node.getClass().getMethods();
            Arrays.sort(getters, Comparator.comparing(Method::getName));
            for (Method getter : getters) {
                // Properties only: not Object's getClass, not HasMetadata's computed defaults (getPlural, ...).
                if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.isDefault()
                        || getter.getDeclaringClass() == Object.class) {
                    continue;
                }
                Object value = invoke(getter, node);
                // The unknown fields, except in a CRD's schema, where additionalProperties is a schema keyword.
                if (getter.getName().equals("getAdditionalProperties") && value instanceof Map<?, ?> unknown) {
                    unknown.keySet().forEach(key -> found.add(path + "." + key));
                } else {
                    String name = getter.getName().substring(3);
                    walk(value, path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1), found);
                }
            }
        }
    }

    private static Object invoke(Method getter, Object node) {
        try {
            return getter.invoke(node);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(getter.toString(), e);
        }
    }
}
