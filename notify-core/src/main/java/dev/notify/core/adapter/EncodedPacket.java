package dev.notify.core.adapter;

/**
 * A {@link BroadcastPacket} encoded once, by {@link AdapterNamespace#encode}, for that namespace's clients: an
 * adapter delivers the same instance to every target socket, which writes it as is. Opaque: only the namespace
 * that made it knows what it holds, and its sockets accept no other.
 */
public interface EncodedPacket {
}
