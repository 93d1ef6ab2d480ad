/** Placeholder until this layer's issue lands; see ARCHITECTURE.md for what it will hold. */
package dev.kernelgate.execd;
