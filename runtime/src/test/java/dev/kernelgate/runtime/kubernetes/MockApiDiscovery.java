package dev.kernelgate.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a kube-apiserver tells clients about itself, for the kinds a test names, in front of fabric8's CRUD dispatcher:
 * <ul>
 * <li>legacy discovery: {@code /api}, {@code /api/v1}, {@code /apis}, {@code /apis/<group>/<version>} (kubectl asks
 * for aggregated discovery first and falls back to these when the answer is plain JSON);
 * <li>the OpenAPI v3 index and one small document per group-version, holding only what kubectl's field-validation
 * check reads: a PATCH operation per kind, tagged with its group-version-kind and offering the {@code fieldValidation}
 * query parameter, as every API server does since field validation went GA (1.27);
 * <li>an empty OpenAPI v2 document (no schema), which kubectl reads only for a kind the v3 documents do not name.
 * </ul>
 * Everything else goes to the CRUD dispatcher. Every request kubectl sends is recorded.
 */
final class MockApiDiscovery extends Dispatcher {
    private static final List<String> VERBS = List.of("create", "delete", "get", "list", "patch", "update", "watch");

    private final Dispatcher crud;
    private final Map<String, String> documents = new LinkedHashMap<>();
    private final List<String> requests = new ArrayList<>();

    MockApiDiscovery(Dispatcher crud, List<Class<? extends HasMetadata>> kinds) {
        this.crud = crud;
        KubernetesSerialization json = new KubernetesSerialization();
        Map<String, List<Class<? extends HasMetadata>>> byGroupVersion = new LinkedHashMap<>();
        kinds.forEach(kind -> byGroupVersion.computeIfAbsent(HasMetadata.getApiVersion(kind), gv -> new ArrayList<>())
                .add(kind));
        List<APIGroup> groups = new ArrayList<>();
        Map<String, Object> openApiIndex = new LinkedHashMap<>();
        byGroupVersion.forEach((groupVersion, members) -> {
            String root = rootOf(groupVersion);
            documents.put(root, json.asJson(new APIResourceListBuilder().withGroupVersion(groupVersion)
                    .withResources(members.stream().map(MockApiDiscovery::resource).toList()).build()));
            Map<String, Object> paths = new LinkedHashMap<>();
            members.forEach(kind -> paths.put(objectPath(root, kind), Map.of("patch", patchOperation(kind))));
            documents.put("/openapi/v3" + root, json.asJson(Map.of("openapi", "3.0.0",
                    "info", Map.of("title", "Kubernetes", "version", "unversioned"), "paths", paths)));
            openApiIndex.put(root.substring(1), Map.of("serverRelativeURL", "/openapi/v3" + root));
            String group = HasMetadata.getGroup(members.get(0));
            if (!group.isEmpty()) {
                GroupVersionForDiscovery version = new GroupVersionForDiscovery(groupVersion,
                        HasMetadata.getVersion(members.get(0)));
                groups.add(new APIGroupBuilder().withName(group).withVersions(version).withPreferredVersion(version)
                        .build());
            }
        });
        documents.put("/api", json.asJson(new APIVersionsBuilder().withVersions("v1").build()));
        documents.put("/apis", json.asJson(new APIGroupListBuilder().withGroups(groups).build()));
        documents.put("/openapi/v3", json.asJson(Map.of("paths", openApiIndex)));
        // An empty protobuf document is zero bytes. kubectl reads it for a kind without fieldValidation support (an
        // unknown kind), finds no schema for the kind, and goes on to fail at mapping the kind to a resource.
        documents.put("/openapi/v2", "");
    }

    /** Where a group-version's resources live: {@code /api/v1}, {@code /apis/<group>/<version>}. */
    static String rootOf(String groupVersion) {
        return groupVersion.contains("/") ? "/apis/" + groupVersion : "/api/" + groupVersion;
    }

    private static boolean namespaced(Class<? extends HasMetadata> kind) {
        return Namespaced.class.isAssignableFrom(kind);
    }

    private static String objectPath(String root, Class<? extends HasMetadata> kind) {
        return root + (namespaced(kind) ? "/namespaces/{namespace}/" : "/") + HasMetadata.getPlural(kind) + "/{name}";
    }

    private static APIResource resource(Class<? extends HasMetadata> kind) {
        return new APIResourceBuilder().withName(HasMetadata.getPlural(kind))
                .withSingularName(HasMetadata.getSingular(kind)).withNamespaced(namespaced(kind))
                .withKind(HasMetadata.getKind(kind)).withVerbs(VERBS).build();
    }

    private static Map<String, Object> patchOperation(Class<? extends HasMetadata> kind) {
        return Map.of(
                "x-kubernetes-group-version-kind", Map.of("group", HasMetadata.getGroup(kind),
                        "version", HasMetadata.getVersion(kind), "kind", HasMetadata.getKind(kind)),
                "parameters", List.of(Map.of("name", "fieldValidation", "in", "query",
                        "schema", Map.of("type", "string", "uniqueItems", true))),
                "responses", Map.of("200", Map.of("description", "OK")));
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        String agent = request.getHeader("User-Agent");
        if (agent != null && agent.startsWith("kubectl/")) {
            synchronized (requests) {
                requests.add(request.getMethod() + " " + path);
            }
        }
        int query = path.indexOf('?');
        String document = documents.get(query < 0 ? path : path.substring(0, query));
        if (document != null && request.getMethod().equals("GET")) {
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", document.isEmpty()
                    ? "application/octet-stream" : "application/json")
                    .setBody(document);
        }
        return crud.dispatch(request);
    }

    /** kubectl's requests so far, as {@code METHOD path?query}, in arrival order. */
    List<String> kubectlRequests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void shutdown() {
        crud.shutdown();
    }
}
