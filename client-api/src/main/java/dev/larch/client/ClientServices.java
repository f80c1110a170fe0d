package dev.larch.client;

import dev.larch.client.directory.DirectoryServices;
import dev.larch.client.keys.E2eeServices;
import dev.larch.client.push.PushServices;
import dev.larch.client.sync.SyncServices;
import dev.larch.core.alias.AliasService;
import dev.larch.core.media.MediaService;
import dev.larch.core.membership.MembershipService;
import dev.larch.core.profile.ProfileService;
import dev.larch.core.room.RoomReadService;
import dev.larch.core.room.RoomService;
import dev.larch.core.user.AccountService;
import java.util.Objects;

/**
 * Everything the client API serves from: the {@code core} services and the API's own settings. Built by the
 * server's composition root; each new feature adds its service here as one more component.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/">client-server API v1.11</a>.
 *
 * @param settings the client API's settings
 * @param accounts registration, login, devices; also resolves access tokens
 * @param rooms room creation, sending, state changes, redaction
 * @param roomReads events, state, members, {@code /messages}, {@code /context}
 * @param memberships join, invite, leave, forget, kick, ban, unban, knock
 * @param profiles display names and avatars
 * @param aliases local room aliases
 * @param sync sync, filters, typing, receipts, account data and presence
 * @param media the content repository, or null to serve no media routes
 * @param e2ee end-to-end encryption keys, to-device messages and key backups, or null to serve none of them
 * @param push push rules, pushers and unread counts, or null to serve none of them
 * @param directory the room and user directories, or null to serve neither
 */
public record ClientServices(
    ClientSettings settings,
    AccountService accounts,
    RoomService rooms,
    RoomReadService roomReads,
    MembershipService memberships,
    ProfileService profiles,
    AliasService aliases,
    SyncServices sync,
    MediaService media,
    E2eeServices e2ee,
    PushServices push,
    DirectoryServices directory) {
  public ClientServices {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(accounts, "accounts");
  }

  /** Everything but the directories. */
  public ClientServices(ClientSettings settings, AccountService accounts, RoomService rooms,
      RoomReadService roomReads, MembershipService memberships, ProfileService profiles, AliasService aliases,
      SyncServices sync, MediaService media, E2eeServices e2ee, PushServices push) {
    this(settings, accounts, rooms, roomReads, memberships, profiles, aliases, sync, media, e2ee, push, null);
  }

  /** Everything but push. */
  public ClientServices(ClientSettings settings, AccountService accounts, RoomService rooms,
      RoomReadService roomReads, MembershipService memberships, ProfileService profiles, AliasService aliases,
      SyncServices sync, MediaService media, E2eeServices e2ee) {
    this(settings, accounts, rooms, roomReads, memberships, profiles, aliases, sync, media, e2ee, null);
  }

  /** Everything but end-to-end encryption. */
  public ClientServices(ClientSettings settings, AccountService accounts, RoomService rooms,
      RoomReadService roomReads, MembershipService memberships, ProfileService profiles, AliasService aliases,
      SyncServices sync, MediaService media) {
    this(settings, accounts, rooms, roomReads, memberships, profiles, aliases, sync, media, null);
  }

  /** Everything but media. */
  public ClientServices(ClientSettings settings, AccountService accounts, RoomService rooms,
      RoomReadService roomReads, MembershipService memberships, ProfileService profiles, AliasService aliases,
      SyncServices sync) {
    this(settings, accounts, rooms, roomReads, memberships, profiles, aliases, sync, null, null);
  }

  /** Everything but sync, for tests of the room areas. */
  public ClientServices(ClientSettings settings, AccountService accounts, RoomService rooms,
      RoomReadService roomReads, MembershipService memberships, ProfileService profiles, AliasService aliases) {
    this(settings, accounts, rooms, roomReads, memberships, profiles, aliases, null, null, null);
  }

  /**
   * Only the account services, for tests of the account area; the room routes are mounted but must not be
   * called.
   */
  public ClientServices(ClientSettings settings, AccountService accounts) {
    this(settings, accounts, null, null, null, null, null, null, null, null, null, null);
  }
}
