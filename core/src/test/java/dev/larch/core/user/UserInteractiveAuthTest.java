package dev.larch.core.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.ratelimit.TestClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserInteractiveAuthTest {
  private static final List<List<String>> DUMMY = List.of(List.of("m.login.dummy"));
  private static final List<List<String>> TWO_STAGES = List.of(List.of("m.login.dummy", "m.login.password"));
  private static final UserInteractiveAuth.Operation BOUND = new UserInteractiveAuth.Operation("op", "@a:x", true);

  private final TestClock clock = new TestClock(1_000_000);
  private final UserInteractiveAuth uia = new UserInteractiveAuth(clock, new SecureRandom());

  private static UiaSubmission submission(String json) {
    return UiaSubmission.of(ReceivedJson.parseObject(json.getBytes(StandardCharsets.UTF_8)));
  }

  private String run(UserInteractiveAuth.Operation op, String json, List<List<String>> flows) {
    return uia.authenticate(op, submission(json), flows, Map.of(), (type, auth) -> {
      if (type.equals("m.login.password") && !"pw".equals(auth.path("password").asText())) {
        throw MatrixException.forbidden("Invalid password");
      }
    });
  }

  private Map<String, Object> challenge(UserInteractiveAuth.Operation op, String json, List<List<String>> flows) {
    return assertThrows(UserInteractiveAuthRequired.class, () -> run(op, json, flows)).body();
  }

  @Test
  void authenticate_withoutAuth_answersFlowsAndSession_withoutErrcode() {
    Map<String, Object> body = challenge(BOUND, "{\"x\":1}", DUMMY);

    assertEquals(List.of(Map.of("stages", List.of("m.login.dummy"))), body.get("flows"));
    assertEquals(Map.of(), body.get("params"));
    assertNotNull(body.get("session"));
    assertFalse(body.containsKey("errcode"));
    assertFalse(body.containsKey("completed"));
  }

  @Test
  void authenticate_completingTheFlow_returnsTheSession() {
    String session = (String) challenge(BOUND, "{\"x\":1}", DUMMY).get("session");

    String done = run(BOUND, "{\"x\":1,\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}", DUMMY);
    assertEquals(session, done);
  }

  @Test
  void authenticate_withoutSession_beginsOneAndCompletesASingleStage() {
    assertNotNull(run(BOUND, "{\"auth\":{\"type\":\"m.login.dummy\"}}", DUMMY));
  }

  @Test
  void authenticate_twoStages_reportsCompletedBetween() {
    String session = (String) challenge(BOUND, "{}", TWO_STAGES).get("session");
    Map<String, Object> middle =
        challenge(BOUND, "{\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}", TWO_STAGES);
    assertEquals(List.of("m.login.dummy"), middle.get("completed"));

    String done = run(BOUND,
        "{\"auth\":{\"type\":\"m.login.password\",\"password\":\"pw\",\"session\":\"" + session + "\"}}", TWO_STAGES);
    assertEquals(session, done);
  }

  @Test
  void authenticate_failedStage_answersErrcodeWithFlows() {
    String session = (String) challenge(BOUND, "{}", TWO_STAGES).get("session");
    Map<String, Object> body = challenge(BOUND,
        "{\"auth\":{\"type\":\"m.login.password\",\"password\":\"no\",\"session\":\"" + session + "\"}}", TWO_STAGES);

    assertEquals("M_FORBIDDEN", body.get("errcode"));
    assertEquals(session, body.get("session"));
    assertNotNull(body.get("flows"));
  }

  @Test
  void authenticate_unknownStageType_isUnrecognizedInTheChallenge() {
    Map<String, Object> body = challenge(BOUND, "{\"auth\":{\"type\":\"m.login.sso\"}}", DUMMY);
    assertEquals("M_UNRECOGNIZED", body.get("errcode"));
  }

  @Test
  void authenticate_changedBody_isForbiddenForBoundOperations() {
    String session = (String) challenge(BOUND, "{\"devices\":[\"A\"]}", DUMMY).get("session");

    MatrixException e = assertThrows(MatrixException.class, () -> run(BOUND,
        "{\"devices\":[\"B\"],\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}", DUMMY));
    assertEquals(ErrorCode.FORBIDDEN, e.errorCode());
  }

  @Test
  void authenticate_changedBody_isFineForUnboundOperations() {
    UserInteractiveAuth.Operation register = new UserInteractiveAuth.Operation("register", null, false);
    String session = (String) challenge(register, "{}", DUMMY).get("session");

    assertEquals(session, run(register,
        "{\"username\":\"a\",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}", DUMMY));
  }

  @Test
  void authenticate_sessionOfAnotherUserOrOperation_isForbidden() {
    String session = (String) challenge(BOUND, "{}", DUMMY).get("session");
    String auth = "{\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}";

    assertEquals(ErrorCode.FORBIDDEN, assertThrows(MatrixException.class,
        () -> run(new UserInteractiveAuth.Operation("op", "@b:x", true), auth, DUMMY)).errorCode());
    assertEquals(ErrorCode.FORBIDDEN, assertThrows(MatrixException.class,
        () -> run(new UserInteractiveAuth.Operation("other", "@a:x", true), auth, DUMMY)).errorCode());
  }

  @Test
  void authenticate_expiredOrFinishedSession_isUnknown() {
    String session = (String) challenge(BOUND, "{}", DUMMY).get("session");
    String auth = "{\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}";
    clock.advance(UserInteractiveAuth.SESSION_TTL.toMillis());

    assertEquals(ErrorCode.UNKNOWN, assertThrows(MatrixException.class, () -> run(BOUND, auth, DUMMY)).errorCode());

    String fresh = run(BOUND, "{\"auth\":{\"type\":\"m.login.dummy\"}}", DUMMY);
    uia.finish(fresh);
    String replay = "{\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + fresh + "\"}}";
    assertThrows(MatrixException.class, () -> run(BOUND, replay, DUMMY));
    assertEquals(0, uia.liveSessions());
  }

  @Test
  void submission_rejectsNonObjectAuth() {
    ObjectNode body = ReceivedJson.parseObject("{\"auth\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(ErrorCode.BAD_JSON, assertThrows(MatrixException.class, () -> UiaSubmission.of(body)).errorCode());
  }
}
