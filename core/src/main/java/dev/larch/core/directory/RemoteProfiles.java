package dev.larch.core.directory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Profiles of other servers' users that the user directory may find besides those in rooms this server knows: in
 * P2P mode, the profiles the node's direct peers serve (Dendrite's {@code /_matrix/p2p/profiles}). {@link #NONE}
 * knows nobody.
 *
 * <p>Spec: client-server API v1.11, {@code POST /user_directory/search} ("SHOULD query remote users as part of the
 * search"). A failure of the source must not fail the search: implementations complete with what they have.
 */
@FunctionalInterface
public interface RemoteProfiles {
  /** No remote source. */
  RemoteProfiles NONE = (term, limit) -> CompletableFuture.completedFuture(List.of());

  /** Up to {@code limit} remote users whose user ID or display name matches {@code term}. */
  CompletionStage<List<DirectoryUser>> search(String term, int limit);
}
