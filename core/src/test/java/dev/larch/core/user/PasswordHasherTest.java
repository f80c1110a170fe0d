package dev.larch.core.user;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher(PasswordHasher.FOR_TESTS, new SecureRandom());

  @Test
  void hash_isSelfDescribingArgon2id() {
    String hash = hasher.hash("correct horse");
    assertTrue(hash.matches("\\$argon2id\\$v=19\\$m=64,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), hash);
  }

  @Test
  void hash_isSaltedAnew() {
    assertNotEquals(hasher.hash("same"), hasher.hash("same"));
  }

  @Test
  void verify_acceptsThePassword_andNothingElse() {
    String hash = hasher.hash("correct horse");
    assertTrue(hasher.verify("correct horse", hash));
    assertFalse(hasher.verify("correct horse ", hash));
    assertFalse(hasher.verify("", hash));
    assertFalse(hasher.verify(null, hash));
  }

  @Test
  void verify_readsParametersFromTheHash_soOldHashesStillVerify() {
    String strong = new PasswordHasher(new PasswordHasher.Params(256, 2, 2), new SecureRandom()).hash("pw");
    assertTrue(hasher.verify("pw", strong));
  }

  @Test
  void verify_withMissingOrGarbledHash_isFalse() {
    assertFalse(hasher.verify("pw", null));
    assertFalse(hasher.verify("pw", "plain"));
    assertFalse(hasher.verify("pw", "$argon2i$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA"));
    assertFalse(hasher.verify("pw", "$argon2id$v=19$m=x,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA"));
    assertFalse(hasher.verify("pw", "$argon2id$v=19$m=64,t=1,p=1$!!$!!"));
  }

  /** Prints what the production parameters cost on this machine (the class Javadoc quotes it). */
  @Test
  void defaultParameters_costTensOfMilliseconds() {
    PasswordHasher production = new PasswordHasher(PasswordHasher.DEFAULT, new SecureRandom());
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 8; i++) {
      long start = System.nanoTime();
      production.hash("pw");
      best = Math.min(best, System.nanoTime() - start);
    }
    long ms = best / 1_000_000;
    System.out.println("argon2id " + PasswordHasher.DEFAULT + " best of 8: " + ms + " ms");
    assertTrue(ms >= 5, "suspiciously fast: " + ms + " ms");
  }
}
