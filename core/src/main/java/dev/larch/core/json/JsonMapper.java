package dev.larch.core.json;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper.Builder;

/**
 * The one Jackson mapper configuration used across Larch.
 *
 * <p>Numbers are read exactly (integers as long or BigInteger, decimals as BigDecimal) so that signed JSON and
 * canonical encoding never see a lossy double. Unknown properties are ignored because the spec is extensible.
 */
public final class JsonMapper {
  private static final ObjectMapper SHARED = create();

  private JsonMapper() {}

  /** The shared, thread-safe mapper. Do not reconfigure it. */
  public static ObjectMapper shared() {
    return SHARED;
  }

  private static ObjectMapper create() {
    Builder builder =
        com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS);
    ObjectMapper mapper = builder.build();
    // Matrix bodies are small; these bounds keep a hostile body from costing much to parse.
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(100).maxNumberLength(64).build());
    return mapper;
  }
}
