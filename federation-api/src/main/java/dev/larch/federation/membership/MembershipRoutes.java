package dev.larch.federation.membership;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.federation.resident.InviteReceiver;
import dev.larch.core.federation.resident.MembershipTemplates;
import dev.larch.core.federation.resident.SendMembership;
import dev.larch.federation.http.FederationEndpoints;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * Joining, leaving and knocking on rooms of this server, and invites of its users, as another server asks.
 *
 * <p>Spec: server-server API v1.11, "Joining Rooms", "Leaving Rooms", "Knocking", "Inviting to a room". The v1
 * {@code send_join}/{@code send_leave} answer {@code [200, body]}, for senders that do not speak v2 (Dendrite falls
 * back to v1 on a 404 of v2). Every route is signed; the checks live in {@code core.federation.resident}.
 */
public final class MembershipRoutes {
  private static final String V1 = "/_matrix/federation/v1";
  private static final String V2 = "/_matrix/federation/v2";

  private final MembershipTemplates templates;
  private final SendMembership send;
  private final InviteReceiver invites;

  public MembershipRoutes(MembershipTemplates templates, SendMembership send, InviteReceiver invites) {
    this.templates = templates;
    this.send = send;
    this.invites = invites;
  }

  public void mount(Router router, FederationEndpoints endpoints) {
    router.get(V1 + "/make_join/:roomId/:userId").handler(endpoints.signed(request -> templates.makeJoin(
        request.origin(), request.path("roomId"), request.path("userId"), request.queryAll("ver")).toJson()));
    router.put(V2 + "/send_join/:roomId/:eventId").handler(endpoints.signed(request -> send.sendJoin(
        request.origin(), request.path("roomId"), request.path("eventId"), request.json(),
        "true".equals(request.query("omit_members").orElse("false")))));
    router.put(V1 + "/send_join/:roomId/:eventId").handler(endpoints.signed(request -> v1(send.sendJoin(
        request.origin(), request.path("roomId"), request.path("eventId"), request.json(), false))));
    router.get(V1 + "/make_leave/:roomId/:userId").handler(endpoints.signed(request -> templates.makeLeave(
        request.origin(), request.path("roomId"), request.path("userId")).toJson()));
    router.put(V2 + "/send_leave/:roomId/:eventId").handler(endpoints.signed(request -> send.sendLeave(
        request.origin(), request.path("roomId"), request.path("eventId"), request.json())));
    router.put(V1 + "/send_leave/:roomId/:eventId").handler(endpoints.signed(request -> v1(send.sendLeave(
        request.origin(), request.path("roomId"), request.path("eventId"), request.json()))));
    router.get(V1 + "/make_knock/:roomId/:userId").handler(endpoints.signed(request -> templates.makeKnock(
        request.origin(), request.path("roomId"), request.path("userId"), request.queryAll("ver")).toJson()));
    router.put(V1 + "/send_knock/:roomId/:eventId").handler(endpoints.signed(request -> send.sendKnock(
        request.origin(), request.path("roomId"), request.path("eventId"), request.json())));
    router.put(V2 + "/invite/:roomId/:eventId").handler(endpoints.signed(request -> invites.invite(
        request.origin(), request.path("roomId"), request.path("eventId"), request.json())));
  }

  // The v1 answers' shape: [200, body].
  private static List<Object> v1(ObjectNode body) {
    return List.of(200, body);
  }
}
