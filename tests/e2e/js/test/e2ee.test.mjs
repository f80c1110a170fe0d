// End-to-end: matrix-js-sdk with its Rust crypto (initRustCrypto, in-memory stores) drives end-to-end encryption,
// media and mentions through a real `./larch run` on loopback. Written against the Matrix client-server spec
// (v1.11), not against Larch's code.
//
// alice and bob each run the SDK's Rust crypto; alice creates an encrypted room, bob joins, and a second device of
// bob logs in before alice speaks, so the room key alice shares by to-device reaches both of bob's devices. Then an
// image goes through the content repository (authenticated download and thumbnail), and a mention of bob in a plain
// room raises his highlight count in /sync.
//
// Same step machinery as two-users.test.mjs (lib/steps.mjs): a step whose prerequisite failed is skipped; waits are bounded and name
// what they waited for and which HTTP requests failed meanwhile.
import "../lib/sdk-setup.mjs";
import { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import zlib from "node:zlib";
import * as sdk from "matrix-js-sdk";
import { EventShieldReason } from "matrix-js-sdk/lib/crypto-api/index.js";
import { startServer } from "../lib/server.mjs";
import { stepsInOrder } from "../lib/steps.mjs";
import { eventually, expectOk, httpLog, recentFailures, recordingFetch } from "../lib/util.mjs";

const { ClientEvent, RoomEvent, RoomMemberEvent, MatrixEventEvent, NotificationCountType } = sdk;

// The Rust crypto's own tracing goes to console.debug/info (not through the SDK's logger): keep it quiet unless
// E2E_SDK_LOG is set, like the SDK's log.
if (!process.env.E2E_SDK_LOG) {
    console.debug = () => {};
    console.info = () => {};
}

const SUFFIX = process.env.LARCH_E2E_BASE_URL ? `-${Date.now().toString(36)}` : "";
const NAME = { alice: `e2ee-alice${SUFFIX}`, bob: `e2ee-bob${SUFFIX}` };
const PASSWORD = "parting-is-such-sweet-sorrow";
const SECRET = "the orchard walls are high and hard to climb";

let server;
const clients = [];
const creds = {}; // who -> {user_id, access_token, device_id}
const c = {}; // who -> MatrixClient (alice, bob, bob2)
let roomId; // the encrypted room
let secretEventId;
let image; // {mxc, bytes}

const step = stepsInOrder(30_000);

/** Resolves once the async `check()` returns a truthy value (polled every 100 ms); rejects after `timeoutMs`. */
async function eventuallyAsync(check, { what, timeoutMs = 15_000 }) {
    const since = httpLog.length;
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
        last = await check();
        if (last) return last;
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "function" ? what() : what}\nHTTP failures meanwhile:\n${recentFailures(since)}`);
}

async function register(who) {
    const anon = sdk.createClient({ baseUrl: server.baseUrl, fetchFn: recordingFetch(`${who}(anon)`) });
    const body = { username: NAME[who], password: PASSWORD, initial_device_display_name: `${who}'s first device` };
    let session;
    try {
        await anon.registerRequest(body);
    } catch (e) {
        session = e?.data?.session;
        if (e?.httpStatus !== 401 || !session) throw e;
    }
    return anon.registerRequest({ ...body, auth: { type: "m.login.dummy", session } });
}

async function login(who, device) {
    const anon = sdk.createClient({ baseUrl: server.baseUrl, fetchFn: recordingFetch(`${device}(anon)`) });
    return anon.loginRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user: NAME[who] },
        password: PASSWORD,
        initial_device_display_name: `${device}`,
    });
}

/** A client with the Rust crypto (in-memory stores), started and synced. */
async function cryptoClient(who, res) {
    const client = sdk.createClient({
        baseUrl: server.baseUrl,
        userId: res.user_id,
        accessToken: res.access_token,
        deviceId: res.device_id,
        fetchFn: recordingFetch(who),
        timelineSupport: true,
    });
    await expectOk(() => client.initRustCrypto({ useIndexedDB: false }), `${who}: initRustCrypto({ useIndexedDB: false })`);
    let syncError;
    client.on(ClientEvent.Sync, (state, _prev, data) => {
        if (state === "ERROR") syncError = data?.error;
    });
    clients.push(client);
    await client.startClient({ initialSyncLimit: 20 });
    await eventually(() => ["PREPARED", "SYNCING"].includes(client.getSyncState()), {
        what: () => `${who}'s first /sync (sync state ${client.getSyncState()}${syncError ? `, last error ${syncError.httpStatus} ${syncError.errcode} ${syncError.message}` : ""})`,
        timeoutMs: 20_000,
        on: [[client, ClientEvent.Sync]],
    });
    return client;
}

/** bob's /sync shows alice's invite to `room`, he joins, and alice's /sync shows him joined; `which` names the room. */
async function bobAcceptsInvite(room, which) {
    await eventually(() => c.bob.getRoom(room)?.getMyMembership() === "invite", {
        what: `bob's /sync to show the invite to ${which}`,
        on: [[c.bob, [ClientEvent.Room, RoomMemberEvent.Membership]]],
    });
    await expectOk(() => c.bob.joinRoom(room), `bob joins ${which}`);
    await eventually(() => c.alice.getRoom(room)?.getMember(creds.bob.user_id)?.membership === "join", {
        what: `alice's /sync to show bob joined ${which}`,
        on: [[c.alice, RoomMemberEvent.Membership]],
    });
}

/** The devices of `userId` alice's crypto knows, as a list of device IDs. */
async function knownDevices(client, userId) {
    const map = await client.getCrypto().getUserDeviceInfo([userId], true);
    return [...(map.get(userId)?.keys() ?? [])];
}

/** `event` decrypted at `client`: waits for the SDK's decryption attempt to finish. */
async function decrypted(client, who, eventId) {
    const event = await eventually(() => client.getRoom(roomId)?.findEventById(eventId), {
        what: `${who} to receive ${eventId} via /sync`,
        on: [[client, RoomEvent.Timeline]],
    });
    await client.decryptEventIfNeeded(event);
    await eventually(() => !event.isBeingDecrypted() && !event.isDecryptionFailure() && event.getType() === "m.room.message", {
        what: () => `${who} to decrypt ${eventId} (type ${event.getType()}, failure: ${event.decryptionFailureReason ?? "none"})`,
        timeoutMs: 15_000,
        on: [[event, MatrixEventEvent.Decrypted]],
    });
    return event;
}

/** A `size`×`size` RGB PNG (a gradient), made here so the test needs no image files. */
function png(size) {
    const crcTable = Array.from({ length: 256 }, (_, n) => {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        return c >>> 0;
    });
    const crc = (buf) => {
        let c = 0xffffffff;
        for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
        return (c ^ 0xffffffff) >>> 0;
    };
    const chunk = (type, data) => {
        const out = Buffer.alloc(12 + data.length);
        out.writeUInt32BE(data.length, 0);
        out.write(type, 4, "ascii");
        data.copy(out, 8);
        out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
        return out;
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(size, 0);
    ihdr.writeUInt32BE(size, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // colour type: RGB
    const rows = Buffer.alloc(size * (1 + 3 * size));
    for (let y = 0; y < size; y++) {
        const row = y * (1 + 3 * size);
        for (let x = 0; x < size; x++) {
            rows[row + 1 + 3 * x] = (x * 255) / size;
            rows[row + 2 + 3 * x] = (y * 255) / size;
            rows[row + 3 + 3 * x] = 128;
        }
    }
    const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    return Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

async function fetchMedia(url, token, who, what) {
    const res = await recordingFetch(who)(url, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
    return { status: res.status, type: res.headers.get("content-type"), bytes: Buffer.from(await res.arrayBuffer()), what };
}

// ---- the run --------------------------------------------------------------------------------------------------
describe("matrix-js-sdk Rust crypto, media and mentions against ./larch run", { timeout: 200_000 }, () => {
    before(async () => {
        server = await startServer();
    });

    after(async () => {
        for (const client of clients) client.stopClient();
        if (server) await server.stop();
        if (process.env.E2E_VERBOSE) {
            process.stderr.write(`HTTP log:\n${httpLog.map((e) => `${e.who} ${e.method} ${e.path} ${e.status ?? e.error}`).join("\n")}\n`);
        }
    });

    const START = "alice and bob start with Rust crypto (initRustCrypto, in-memory) and upload their keys";
    step(START, [], async () => {
        for (const who of ["alice", "bob"]) {
            await expectOk(() => register(who), `register ${who}`);
            creds[who] = await expectOk(() => login(who, `${who}-e2e`), `log in ${who}`);
            c[who] = await cryptoClient(who, creds[who]);
        }
        // Each device's keys reach the server (POST /keys/upload) and the other user can fetch them (/keys/query).
        for (const [who, other] of [["alice", "bob"], ["bob", "alice"]]) {
            const devices = await eventuallyAsync(async () => {
                const ids = await knownDevices(c[who], creds[other].user_id);
                return ids.includes(creds[other].device_id) && ids;
            }, { what: `${who}'s crypto to know ${other}'s device ${creds[other].device_id} (POST /keys/query)` });
            assert.ok(devices.includes(creds[other].device_id));
        }
    }, 60_000);

    const ROOM = "alice creates an encrypted room, bob joins";
    step(ROOM, [START], async () => {
        const res = await expectOk(
            () =>
                c.alice.createRoom({
                    name: "Capulet orchard",
                    preset: "private_chat",
                    invite: [creds.bob.user_id],
                    initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
                }),
            "POST /createRoom with m.room.encryption",
        );
        roomId = res.room_id;
        await bobAcceptsInvite(roomId, "the encrypted room");
        assert.equal(await c.alice.getCrypto().isEncryptionEnabledInRoom(roomId), true, "alice's crypto sees the room as encrypted");
        await eventuallyAsync(() => c.bob.getCrypto().isEncryptionEnabledInRoom(roomId), { what: "bob's crypto to see the room as encrypted" });
    });

    const BOB2 = "bob logs in on a second device, and alice's crypto learns of it (device_lists.changed)";
    step(BOB2, [ROOM], async () => {
        creds.bob2 = await expectOk(() => login("bob", "bob2-e2e"), "log in bob's second device");
        assert.notEqual(creds.bob2.device_id, creds.bob.device_id);
        c.bob2 = await cryptoClient("bob2", creds.bob2);
        assert.equal(c.bob2.getRoom(roomId)?.getMyMembership(), "join", "bob2's first /sync has the room");
        // alice shares a room with bob, so bob's new device keys must reach her through /sync device_lists.changed and
        // a new /keys/query; only then will she share the room key with it.
        await eventuallyAsync(async () => (await knownDevices(c.alice, creds.bob.user_id)).includes(creds.bob2.device_id), {
            what: `alice's crypto to list bob's second device ${creds.bob2.device_id}`,
            timeoutMs: 20_000,
        });
    }, 45_000);

    const SEND = "alice sends an encrypted message; bob decrypts it";
    step(SEND, [BOB2], async () => {
        const r = await expectOk(() => c.alice.sendTextMessage(roomId, SECRET), "alice sends (Megolm, room key by to-device)");
        secretEventId = r.event_id;
        const raw = await expectOk(() => c.bob.fetchRoomEvent(roomId, secretEventId), "GET /rooms/{roomId}/event/{eventId}");
        assert.equal(raw.type, "m.room.encrypted", `the server stores ciphertext: ${JSON.stringify(raw).slice(0, 200)}`);
        assert.equal(raw.content.algorithm, "m.megolm.v1.aes-sha2");
        assert.ok(!JSON.stringify(raw).includes(SECRET), "the plaintext never reaches the server");
        const event = await decrypted(c.bob, "bob", secretEventId);
        assert.equal(event.getContent().body, SECRET);
        assert.equal(event.getSender(), creds.alice.user_id);
    });

    step("bob's second device got the room key by to-device and decrypts too", [SEND], async () => {
        const event = await decrypted(c.bob2, "bob2", secretEventId);
        assert.equal(event.getContent().body, SECRET);
        // The key came from alice's device itself (an Olm-encrypted m.room_key to-device message), not forwarded by
        // bob's first device or restored from a backup: then its authenticity would not be guaranteed.
        const info = await c.bob2.getCrypto().getEncryptionInfoForEvent(event);
        assert.ok(info, "bob2 has encryption info for the event");
        assert.notEqual(info.shieldReason, EventShieldReason.AUTHENTICITY_NOT_GUARANTEED, `shield: ${JSON.stringify(info)}`);
        assert.ok(
            httpLog.some((e) => e.who === "alice" && e.method === "PUT" && e.path.includes("/sendToDevice/m.room.encrypted/") && e.status === 200),
            "alice sent Olm-encrypted to-device messages (PUT /sendToDevice/m.room.encrypted/{txnId})",
        );
        // And the reverse direction: bob2 writes, alice reads.
        const { event_id } = await expectOk(() => c.bob2.sendTextMessage(roomId, "with love's light wings"), "bob2 sends");
        const atAlice = await eventually(() => c.alice.getRoom(roomId)?.findEventById(event_id), {
            what: "alice to receive bob2's message",
            on: [[c.alice, RoomEvent.Timeline]],
        });
        await c.alice.decryptEventIfNeeded(atAlice);
        await eventually(() => atAlice.getType() === "m.room.message" && atAlice.getContent().body === "with love's light wings", {
            what: () => `alice to decrypt bob2's message (failure: ${atAlice.decryptionFailureReason ?? "none"})`,
            on: [[atAlice, MatrixEventEvent.Decrypted]],
        });
    });

    const UPLOAD = "alice uploads an image; bob downloads it through /_matrix/client/v1/media/download";
    step(UPLOAD, [START], async () => {
        const bytes = png(64);
        const res = await expectOk(() => c.alice.uploadContent(bytes, { type: "image/png", name: "orchard.png" }), "POST /_matrix/media/v3/upload");
        assert.match(res.content_uri ?? "", /^mxc:\/\/[^/]+\/[A-Za-z0-9_-]+$/, `upload returns an mxc URI: ${JSON.stringify(res)}`);
        image = { mxc: res.content_uri, bytes };
        const url = c.bob.mxcUrlToHttp(image.mxc, undefined, undefined, undefined, false, true, true);
        assert.ok(url.includes("/_matrix/client/v1/media/download/"), `the SDK builds an authenticated URL: ${url}`);
        const got = await fetchMedia(url, creds.bob.access_token, "bob", "download");
        assert.equal(got.status, 200, `GET ${url}`);
        assert.equal(got.type, "image/png");
        assert.ok(got.bytes.equals(bytes), `the download is the upload, byte for byte (${got.bytes.length} vs ${bytes.length} bytes)`);
        const anonymous = await fetchMedia(url, null, "anon", "download without a token");
        assert.equal(anonymous.status, 401, "the authenticated media endpoints need an access token");
    });

    step("bob fetches a thumbnail through /_matrix/client/v1/media/thumbnail", [UPLOAD], async () => {
        for (const method of ["scale", "crop"]) {
            const url = c.bob.mxcUrlToHttp(image.mxc, 32, 32, method, false, true, true);
            assert.ok(url.includes("/_matrix/client/v1/media/thumbnail/"), `thumbnail URL: ${url}`);
            const got = await fetchMedia(url, creds.bob.access_token, "bob", `thumbnail ${method}`);
            assert.equal(got.status, 200, `GET ${url}`);
            assert.match(got.type ?? "", /^image\/(png|jpeg)$/);
            const isPng = got.bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
            const isJpeg = got.bytes[0] === 0xff && got.bytes[1] === 0xd8;
            assert.ok(isPng || isJpeg, "the thumbnail is an image");
            if (isPng) {
                const width = got.bytes.readUInt32BE(16);
                const height = got.bytes.readUInt32BE(20);
                if (method === "crop") {
                    // Cropped to the requested box: a new, smaller image.
                    assert.deepEqual([width, height], [32, 32], `thumbnail crop 32x32 of a 64x64 image is ${width}x${height}`);
                } else {
                    // Scaled to fit at least 32x32 and never larger than the original (which may be served as is).
                    assert.ok(width >= 32 && height >= 32 && width <= 64 && height <= 64, `thumbnail scale is ${width}x${height}`);
                }
            }
        }
    });

    step("a mention of bob (m.mentions and his display name) raises his highlight_count in /sync", [START], async () => {
        await expectOk(() => c.bob.setDisplayName("Benvolio"), "bob sets his display name");
        const { room_id: plainRoom } = await expectOk(
            () => c.alice.createRoom({ name: "Verona square", preset: "private_chat", invite: [creds.bob.user_id] }),
            "POST /createRoom (unencrypted: the server can only see mentions in cleartext)",
        );
        await bobAcceptsInvite(plainRoom, "the plain room");
        const highlights = () => c.bob.getRoom(plainRoom)?.getUnreadNotificationCount(NotificationCountType.Highlight) ?? 0;
        assert.equal(highlights(), 0, "no highlight before the mention");
        const { event_id } = await expectOk(
            () =>
                c.alice.sendMessage(plainRoom, {
                    msgtype: "m.text",
                    body: "Benvolio, where is Romeo?",
                    "m.mentions": { user_ids: [creds.bob.user_id] },
                }),
            "alice sends a mention of bob",
        );
        await eventually(() => highlights() >= 1, {
            what: () => `bob's room to show a highlight count of 1 (now ${highlights()}, notifications ${c.bob.getRoom(plainRoom)?.getUnreadNotificationCount(NotificationCountType.Total)})`,
            on: [[c.bob, [RoomEvent.UnreadNotifications, RoomEvent.Timeline]]],
        });
        // The raw /sync says so too, and /notifications lists the mention as a highlight.
        const sync = await (await fetch(`${server.baseUrl}/_matrix/client/v3/sync?timeout=0`, {
            headers: { Authorization: `Bearer ${creds.bob.access_token}` },
        })).json();
        const unread = sync.rooms?.join?.[plainRoom]?.unread_notifications;
        assert.equal(unread?.highlight_count, 1, `GET /sync rooms.join[room].unread_notifications: ${JSON.stringify(unread)}`);
        assert.ok(unread.notification_count >= 1);
        const notifications = await (await fetch(`${server.baseUrl}/_matrix/client/v3/notifications?only=highlight`, {
            headers: { Authorization: `Bearer ${creds.bob.access_token}` },
        })).json();
        assert.equal(notifications.notifications?.[0]?.event?.event_id, event_id, `GET /notifications?only=highlight: ${JSON.stringify(notifications).slice(0, 300)}`);
        // Reading the room clears it.
        await expectOk(() => c.bob.sendReadReceipt(c.bob.getRoom(plainRoom).findEventById(event_id)), "bob reads the mention");
        await eventually(() => highlights() === 0, { what: "bob's highlight count to drop to 0 after his read receipt", on: [[c.bob, RoomEvent.UnreadNotifications]] });
    });
});
