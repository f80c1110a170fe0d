package dev.larch.core.room;

/** Which way a read walks a room's timeline. Spec: client-server API, {@code GET /messages} ({@code dir}). */
public enum Direction {
  /** Oldest first ({@code dir=f}). */
  FORWARDS,
  /** Newest first ({@code dir=b}). */
  BACKWARDS
}
