/**
 * The runtime SPI: what the lifecycle service asks of a place that runs sandboxes (local child processes, Docker
 * containers, Kubernetes pods). The service owns ids, validation, expiry, metadata and the API; a runtime only
 * starts, observes, pauses, resumes and removes what it was asked to, and says how to reach a port inside.
 *
 * <p>Every call may block (container engines, process start-up); the service never calls a runtime on an event
 * loop. Calls for one sandbox id are never made concurrently by the service.
 */
package dev.kernelgate.runtime.spi;
