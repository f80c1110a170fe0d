package dev.larch.core.push;

/**
 * The outcome of evaluating a user's push rules on one event.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#actions">client-server API v1.11,
 * "Actions"</a>.
 *
 * @param ruleId the first matching enabled rule, or null when none matched
 * @param notifies whether the event notifies ({@code notify} action)
 * @param highlight whether it is highlighted ({@code highlight} tweak, true when its value is absent)
 */
public record PushActions(String ruleId, boolean notifies, boolean highlight) {
  /** No rule matched: no notification. */
  public static final PushActions NONE = new PushActions(null, false, false);
}
