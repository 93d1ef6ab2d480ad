package dev.kernelgate.javakernel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.wire.Header;

/** The kernel_info_reply content of the Java kernel. */
final class KernelInfo {
    static final String IMPLEMENTATION = "kernelgate-java";

    private KernelInfo() {
    }

    static ObjectNode content() {
        String javaVersion = System.getProperty("java.version", Runtime.version().toString());
        ObjectNode content = KernelJson.object();
        content.put("status", "ok");
        content.put("protocol_version", Header.PROTOCOL_VERSION);
        content.put("implementation", IMPLEMENTATION);
        content.put("implementation_version", implementationVersion());
        ObjectNode language = content.putObject("language_info");
        language.put("name", "java");
        language.put("version", javaVersion);
        language.put("mimetype", "text/x-java-source");
        language.put("file_extension", ".java");
        language.put("pygments_lexer", "java");
        language.put("codemirror_mode", "text/x-java");
        language.put("nbconvert_exporter", "script");
        content.put("banner", "Java " + javaVersion + " (" + System.getProperty("java.vm.name", "JVM")
                + ") - Kernelgate Java kernel on JShell\n"
                + "display(Object) and html(String) show rich output; System.in asks the notebook for input.");
        content.putArray("help_links");
        return content;
    }

    static String implementationVersion() {
        String version = KernelInfo.class.getPackage().getImplementationVersion();
        return version == null ? "0.1.0" : version;
    }
}
