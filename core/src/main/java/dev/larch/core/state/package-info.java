/**
 * State resolution v1 (room version 1), v2 (room versions 2–11) and v2.1 (room version 12, MSC4297).
 *
 * <p>Spec: room versions 1, 2 and 12, "State resolution". {@link dev.larch.core.state.StateResolver} is the entry
 * point; it reads events through {@link dev.larch.core.state.EventSource} and auth chains through
 * {@link dev.larch.core.state.AuthChainSource}, the two ports storage implements. The package-private classes are
 * the spec's definitions, one per file: the conflicted state set ({@code StateConflicts}), the auth difference, the
 * conflicted state subgraph, the reverse topological power ordering, the mainline ordering and the iterative auth
 * checks. Authorization itself is {@link dev.larch.core.auth.AuthRules}.
 */
package dev.larch.core.state;
