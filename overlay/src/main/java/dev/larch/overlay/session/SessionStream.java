package dev.larch.overlay.session;

import dev.larch.overlay.identity.PublicKey;
import io.netty.handler.codec.quic.QuicStreamChannel;

/**
 * One bidirectional QUIC stream to or from a peer (Go's {@code sessions.Stream}, a {@code net.Conn}): bytes in both
 * directions, FIN by {@code channel().shutdownOutput()}, reset by {@code close()}.
 *
 * <p>Protocol doc 6.4. The stream is a Netty channel on the sessions event loop: install handlers on its pipeline,
 * read {@code ByteBuf}s, write {@code ByteBuf}s, and use {@code config().setAutoRead(false)} for backpressure (QUIC
 * flow control then stops the peer). {@link #peer} is the Pinecone key the connection's TLS handshake proved.
 */
public record SessionStream(PublicKey peer, QuicStreamChannel channel, boolean outbound) {}
