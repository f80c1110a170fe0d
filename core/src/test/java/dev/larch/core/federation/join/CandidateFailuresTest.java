package dev.larch.core.federation.join;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.RemoteServerException;
import org.junit.jupiter.api.Test;

/** The error a client gets once every candidate server failed. */
class CandidateFailuresTest {
  @Test
  void noCandidatesIsNotFound() {
    MatrixException e = new CandidateFailures("join", "!r:x").toMatrixException();
    assertEquals("M_NOT_FOUND", e.errorCode().code());
    assertEquals(404, e.httpStatus());
  }

  @Test
  void everyServerDownIsBadGateway() {
    CandidateFailures failures = new CandidateFailures("join", "!r:x");
    failures.add(RemoteServerException.unreachable("a.test", "refused", null));
    failures.add(RemoteServerException.httpError("b.test", 500, null, "oops"));
    failures.add(RemoteServerException.badResponse("c.test", "forged state", null));
    MatrixException e = failures.toMatrixException();
    assertEquals("M_UNKNOWN", e.errorCode().code());
    assertEquals(502, e.httpStatus());
  }

  @Test
  void aRefusalIsPassedOnWithItsErrcodeAndStatus() {
    CandidateFailures failures = new CandidateFailures("join", "!r:x");
    failures.add(RemoteServerException.httpError("a.test", 403, "M_FORBIDDEN", "You are not invited"));
    failures.add(RemoteServerException.unreachable("b.test", "refused", null));
    MatrixException e = failures.toMatrixException();
    assertEquals("M_FORBIDDEN", e.errorCode().code());
    assertEquals(403, e.httpStatus());
  }

  @Test
  void anIncompatibleRoomVersionKeepsItsErrcode() {
    CandidateFailures failures = new CandidateFailures("join", "!r:x");
    failures.add(RemoteServerException.httpError("a.test", 400, "M_INCOMPATIBLE_ROOM_VERSION", "no"));
    MatrixException e = failures.toMatrixException();
    assertEquals("M_INCOMPATIBLE_ROOM_VERSION", e.errorCode().code());
    assertEquals(400, e.httpStatus());
  }
}
