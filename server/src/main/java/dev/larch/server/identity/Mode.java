package dev.larch.server.identity;

/** How the node federates, which decides how it is named. */
public enum Mode {
  /** Named by its public key, federating over the Pinecone overlay. The default. */
  P2P,
  /** Named by a DNS server name, federating over HTTPS. Chosen by setting {@code server_name}. */
  CLASSIC;

  /** The lowercase name used in logs, e.g. {@code mode=p2p}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
