package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.media.LocalMedia;
import dev.larch.core.media.MediaId;
import dev.larch.core.media.MediaStore;
import dev.larch.core.media.StoredContent;
import dev.larch.core.media.Thumbnail;
import dev.larch.core.media.ThumbnailSize;
import dev.larch.storage.media.JdbcMediaStore;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link MediaStore} contract. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class MediaStoreTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String BOB = "@bob:larch.test";
  private static final String SHA = "a".repeat(64);
  private static final ThumbnailSize CROP_96 = new ThumbnailSize(96, 96, ThumbnailSize.Method.CROP);

  MediaStoreTest(TestDatabase kind) {
    super(kind);
  }

  private static LocalMedia pending(String id, String user, long created, long expires) {
    return new LocalMedia(MediaId.parse(id), user, created, expires, 0, null, null, 0, null);
  }

  @Test
  void insert_isOncePerId_andReadsBack() {
    MediaStore store = new JdbcMediaStore(database);
    LocalMedia media = new LocalMedia(MediaId.parse("abc"), ALICE, 10, 0, 10, "image/png", "ünï.png", 5, SHA);
    assertTrue(store.insert(media));
    assertFalse(store.insert(pending("abc", BOB, 11, 100)));
    assertEquals(Optional.of(media), store.media(MediaId.parse("abc")));
    assertEquals(Optional.empty(), store.media(MediaId.parse("nope")));
  }

  @Test
  void completePending_onlyByCreator_onlyOnce_onlyBeforeExpiry() {
    MediaStore store = new JdbcMediaStore(database);
    store.insert(pending("p1", ALICE, 10, 100));
    store.insert(pending("p2", ALICE, 10, 100));
    StoredContent content = new StoredContent(SHA, 42);
    assertFalse(store.completePending(MediaId.parse("p1"), BOB, "text/plain", null, content, 50));
    assertFalse(store.completePending(MediaId.parse("p2"), ALICE, "text/plain", null, content, 100)); // expired
    assertTrue(store.completePending(MediaId.parse("p1"), ALICE, "text/plain", "a.txt", content, 50));
    assertFalse(store.completePending(MediaId.parse("p1"), ALICE, "text/plain", "b.txt", content, 60));
    LocalMedia done = store.media(MediaId.parse("p1")).orElseThrow();
    assertTrue(done.uploaded());
    assertEquals(new LocalMedia(MediaId.parse("p1"), ALICE, 10, 0, 50, "text/plain", "a.txt", 42, SHA), done);
  }

  @Test
  void pendingCount_andExpiry() {
    MediaStore store = new JdbcMediaStore(database);
    store.insert(pending("p1", ALICE, 10, 100));
    store.insert(pending("p2", ALICE, 10, 200));
    store.insert(pending("p3", BOB, 10, 100));
    store.insert(new LocalMedia(MediaId.parse("u1"), ALICE, 10, 0, 10, "image/png", null, 1, SHA));
    assertEquals(2, store.pendingCount(ALICE, 50));
    assertEquals(1, store.pendingCount(ALICE, 150));
    assertEquals(2, store.deleteExpiredPending(150));
    assertTrue(store.media(MediaId.parse("p1")).isEmpty());
    assertTrue(store.media(MediaId.parse("p2")).isPresent());
    assertTrue(store.media(MediaId.parse("u1")).isPresent(), "uploaded media never expires");
  }

  @Test
  void thumbnails_areCachedPerSize_firstWriterWins() {
    MediaStore store = new JdbcMediaStore(database);
    MediaId id = MediaId.parse("img");
    Thumbnail first = new Thumbnail(id, CROP_96, "image/png", 96, 96, 1234, SHA);
    store.putThumbnail(first);
    store.putThumbnail(new Thumbnail(id, CROP_96, "image/png", 96, 96, 99, "b".repeat(64)));
    assertEquals(Optional.of(first), store.thumbnail(id, CROP_96));
    assertEquals(Optional.empty(), store.thumbnail(id, new ThumbnailSize(96, 96, ThumbnailSize.Method.SCALE)));
    assertEquals(Optional.empty(), store.thumbnail(MediaId.parse("other"), CROP_96));
  }
}
