package dev.kernelgate.gateway;

import java.nio.file.Path;

/**
 * Settings of the notebook-http personality, named after upstream's {@code NotebookHTTPPersonality} traits.
 *
 * @param allowNotebookDownload serve the seed notebook at {@code /_api/source}
 * @param staticPath            a directory served at {@code /public/}; {@code null} = none
 */
public record NotebookHttpConfig(boolean allowNotebookDownload, Path staticPath) {
}
