package dev.larch.core.crypto;

import java.util.Base64;

/**
 * Unpadded Base64 in the standard and URL-safe alphabets of RFC 4648.
 *
 * <p>Spec: appendices, "Unpadded Base64" and "URL-safe unpadded Base64". Encoding never pads; decoding also accepts
 * padded input, as the spec asks ("accept input with or without padding characters"), and rejects anything else
 * that is not Base64 in the chosen alphabet with an {@link IllegalArgumentException}.
 */
public final class UnpaddedBase64 {
  private static final Base64.Encoder STANDARD_ENCODER = Base64.getEncoder().withoutPadding();
  private static final Base64.Encoder URL_SAFE_ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder STANDARD_DECODER = Base64.getDecoder();
  private static final Base64.Decoder URL_SAFE_DECODER = Base64.getUrlDecoder();

  private UnpaddedBase64() {}

  /** Standard alphabet ({@code +/}), no padding. */
  public static String encode(byte[] bytes) {
    return STANDARD_ENCODER.encodeToString(bytes);
  }

  /** URL-safe alphabet ({@code -_}), no padding: event IDs from room version 4, room IDs in version 12. */
  public static String encodeUrlSafe(byte[] bytes) {
    return URL_SAFE_ENCODER.encodeToString(bytes);
  }

  /** Decodes the standard alphabet, padded or not. */
  public static byte[] decode(String text) {
    return decode(text, STANDARD_DECODER);
  }

  /** Decodes the URL-safe alphabet, padded or not. */
  public static byte[] decodeUrlSafe(String text) {
    return decode(text, URL_SAFE_DECODER);
  }

  private static byte[] decode(String text, Base64.Decoder decoder) {
    if (text == null) {
      throw new IllegalArgumentException("not base64: null");
    }
    // The JDK decoder takes unpadded input but insists padding, when present, be complete; so drop it first.
    int end = text.length();
    for (int i = 0; i < 2 && end > 0 && text.charAt(end - 1) == '='; i++) {
      end--;
    }
    String unpadded = text.substring(0, end);
    if (unpadded.length() % 4 == 1) {
      throw new IllegalArgumentException("not base64: a length of 4n+1 characters is impossible");
    }
    try {
      return decoder.decode(unpadded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not base64: " + e.getMessage(), e);
    }
  }
}
