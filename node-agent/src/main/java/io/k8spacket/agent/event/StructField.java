package io.k8spacket.agent.event;

/**
 * One field of a kernel struct as the decoders read it: name as in bpf/include/k8spacket.h, byte offset, byte
 * size. The decoders' {@code LAYOUT} lists are held to the compiled object's BTF by the layout tests.
 */
public record StructField(String name, int offset, int size) {}
