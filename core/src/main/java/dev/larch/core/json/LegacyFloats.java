package dev.larch.core.json;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Writes a float the way Python's {@code repr} does, which is what the reference encoder's
 * {@code json.dumps(...)} in the spec's "Canonical JSON" appendix produced for room versions 1–5.
 *
 * <p>Those versions never forbade floats, so events that carry them were hashed and signed with this text. The
 * rules: the shortest digit string that reads back as the same double; fixed notation with at least one fraction
 * digit ({@code 1e10} is {@code 10000000000.0}) while the decimal exponent is in [-5, 16), otherwise
 * {@code d.ddde±XX} with at least two exponent digits ({@code 1e-05}, {@code 1.5e+16}).
 */
final class LegacyFloats {
  private LegacyFloats() {}

  static String repr(double d) {
    if (d == 0) {
      return Double.doubleToRawLongBits(d) < 0 ? "-0.0" : "0.0";
    }
    BigDecimal shortest = shortest(d);
    String digits = shortest.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - shortest.scale(); // power of ten of the leading digit
    StringBuilder out = new StringBuilder(digits.length() + 8);
    if (d < 0) {
      out.append('-');
    }
    if (exponent < -4 || exponent >= 16) {
      out.append(digits.charAt(0));
      if (digits.length() > 1) {
        out.append('.').append(digits, 1, digits.length());
      }
      out.append('e').append(exponent < 0 ? '-' : '+');
      int magnitude = Math.abs(exponent);
      if (magnitude < 10) {
        out.append('0');
      }
      out.append(magnitude);
    } else if (exponent >= 0) {
      int integerDigits = exponent + 1;
      if (digits.length() <= integerDigits) {
        out.append(digits).append("0".repeat(integerDigits - digits.length())).append(".0");
      } else {
        out.append(digits, 0, integerDigits).append('.').append(digits, integerDigits, digits.length());
      }
    } else {
      out.append("0.").append("0".repeat(-exponent - 1)).append(digits);
    }
    return out.toString();
  }

  /**
   * The decimal with fewest significant digits that parses back to {@code d}, nearest to {@code d} among those.
   * Neighbours of the rounded value are tried too, because just below a power of two the interval of decimals that
   * read back as {@code d} is lopsided.
   */
  private static BigDecimal shortest(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal nearest = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      BigDecimal ulp = nearest.ulp();
      BigDecimal best = null;
      for (BigDecimal candidate : new BigDecimal[] {nearest, nearest.subtract(ulp), nearest.add(ulp)}) {
        if (candidate.doubleValue() == d
            && (best == null
                || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
          best = candidate;
        }
      }
      if (best != null) {
        return best.stripTrailingZeros();
      }
    }
    return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
  }
}
