package dev.larch.client.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Content-Disposition per RFC 6266 and the inline list. */
class MediaHeadersTest {
  @Test
  void contentDisposition_inlineOnlyForSafeTypes() {
    assertEquals("inline", MediaHeaders.contentDisposition("image/png", null, false));
    assertEquals("inline", MediaHeaders.contentDisposition("Text/Plain; charset=utf-8", "", false));
    assertEquals("attachment", MediaHeaders.contentDisposition("text/html", null, false));
    assertEquals("attachment", MediaHeaders.contentDisposition("image/svg+xml", null, false));
    assertEquals("attachment", MediaHeaders.contentDisposition("application/octet-stream", null, false));
    assertEquals("inline", MediaHeaders.contentDisposition("application/octet-stream", null, true));
  }

  @Test
  void contentDisposition_fileNameAsTokenOrExtValue() {
    assertEquals("inline; filename=cat.png", MediaHeaders.contentDisposition("image/png", "cat.png", false));
    assertEquals("attachment; filename*=utf-8''a%20b%22%3B%0D%0Ac.html",
        MediaHeaders.contentDisposition("text/html", "a b\";\r\nc.html", false));
    assertEquals("inline; filename*=utf-8''%E6%97%A5%E6%9C%AC.jpg",
        MediaHeaders.contentDisposition("image/jpeg", "\u65e5\u672c.jpg", false));
  }

  @Test
  void contentType_textGetsCharset() {
    assertEquals("text/plain; charset=UTF-8", MediaHeaders.contentType("text/plain"));
    assertEquals("text/plain; charset=latin1", MediaHeaders.contentType("text/plain; charset=latin1"));
    assertEquals("image/png", MediaHeaders.contentType("image/png"));
  }
}
