package dev.larch.core.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The end-to-end encryption part of one {@code /sync} response, for the requesting device.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#extensions-to-sync">client-server API v1.11,
 * "End-to-End Encryption", extensions to {@code /sync}</a> and "Send-to-Device messaging".
 *
 * @param toDevice to-device events ({@code sender}, {@code type}, {@code content}), oldest first
 * @param toDeviceUpTo the to-device position {@code next_batch} carries: the last message delivered when more are
 *     waiting, else the stream's position
 * @param changed users whose device lists changed (or who newly share a room)
 * @param left users who no longer share any room
 * @param oneTimeKeyCounts unclaimed one-time keys of the device per algorithm
 * @param unusedFallbackKeyTypes algorithms of the device's fallback keys not yet handed out
 */
public record DeviceSync(
    List<ObjectNode> toDevice,
    long toDeviceUpTo,
    Set<String> changed,
    Set<String> left,
    Map<String, Integer> oneTimeKeyCounts,
    List<String> unusedFallbackKeyTypes) {

  /** Nothing: what a sync without end-to-end encryption wired in returns. */
  public static DeviceSync none(long toDeviceUpTo) {
    return new DeviceSync(List.of(), toDeviceUpTo, Set.of(), Set.of(), Map.of(), List.of());
  }

  /** Whether a long-poll has nothing of this part to return (key counts are always sent, so they do not count). */
  public boolean isEmpty() {
    return toDevice.isEmpty() && changed.isEmpty() && left.isEmpty();
  }
}
