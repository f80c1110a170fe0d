// End-to-end: matrix-js-sdk (a real client) drives two users through a real `./larch run` on loopback.
// Written against the Matrix client-server spec (v1.11), not against Larch's code.
//
// Steps run in order; a step whose prerequisite failed is skipped (reported as such) so one missing endpoint does
// not turn into a dozen confusing failures. Every wait is bounded and names what it waited for and which HTTP
// requests failed meanwhile.
import "../lib/sdk-setup.mjs";
import { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import * as sdk from "matrix-js-sdk";
import { startServer } from "../lib/server.mjs";
import { stepsInOrder } from "../lib/steps.mjs";
import { eventually, expectOk, httpLog, recordingFetch } from "../lib/util.mjs";

const { ClientEvent, RoomEvent, RoomMemberEvent, Direction, InteractiveAuth, EventType, MatrixError } = sdk;

const PASSWORD = { alice: "wherefore-art-thou-1597", bob: "a-plague-on-both-houses" };
// Against an external server (LARCH_E2E_BASE_URL) the names get a suffix so that runs do not collide.
const SUFFIX = process.env.LARCH_E2E_BASE_URL ? `-${Date.now().toString(36)}` : "";
const NAME = { alice: `alice${SUFFIX}`, bob: `bob${SUFFIX}` };
const ROOM_NAME = "Verona";
const ALICE_LINES = Array.from({ length: 25 }, (_, i) => `alice line ${i + 1}: but soft, what light through yonder window breaks`);
const BOB_LINES = Array.from({ length: 5 }, (_, i) => `bob line ${i + 1}: it is the east`);

let server;
const clients = []; // every started client, stopped at the end
const creds = {}; // who -> {user_id, access_token, device_id}
const c = {}; // who -> MatrixClient
const live = new Map(); // client -> live Room.timeline events (from /sync)
let roomId;
const sent = { alice: [], bob: [] }; // {event_id, body} in send order

const step = stepsInOrder(20_000);

function makeClient(who, { user_id, access_token, device_id }) {
    const client = sdk.createClient({
        baseUrl: server.baseUrl,
        userId: user_id,
        accessToken: access_token,
        deviceId: device_id,
        fetchFn: recordingFetch(who),
        timelineSupport: true,
    });
    const events = [];
    live.set(client, events);
    client.on(RoomEvent.Timeline, (event, room, toStartOfTimeline, removed, data) => {
        if (!toStartOfTimeline && !removed && data?.liveEvent) events.push(event);
    });
    return client;
}

async function startAndSync(client, who, opts = {}) {
    let syncError;
    client.on(ClientEvent.Sync, (state, _prev, data) => {
        if (state === "ERROR") syncError = data?.error;
    });
    clients.push(client);
    await client.startClient({ initialSyncLimit: 20, ...opts });
    await eventually(() => ["PREPARED", "SYNCING"].includes(client.getSyncState()), {
        what: () => `${who}'s first /sync to reach PREPARED (sync state now ${client.getSyncState()}` +
            (syncError ? `, last error: ${syncError.httpStatus ?? ""} ${syncError.errcode ?? ""} ${syncError.message}` : "") + ")" +
            // The SDK's startup order: GET /versions, GET /pushrules/ (retried until it succeeds), POST /user/{userId}/filter,
            // then the first GET /sync.
            (httpLog.some((e) => e.who === who && e.path.includes("/pushrules/") && e.status >= 400)
                ? ". matrix-js-sdk fetches GET /pushrules/ before its first /sync and retries until it answers 200"
                : ""),
        timeoutMs: 15_000,
        on: [[client, ClientEvent.Sync]],
    });
}

const bodiesOf = (events) => events.filter((e) => e.getType() === "m.room.message").map((e) => e.getContent().body);

function liveMessagesFrom(client, sender) {
    return live.get(client).filter((e) => e.getRoomId() === roomId && e.getType() === "m.room.message" && e.getSender() === sender);
}

// ---- the run --------------------------------------------------------------------------------------------------
describe("matrix-js-sdk against ./larch run", { timeout: 115_000 }, () => {
    before(async () => {
        server = await startServer();
    });

    after(async () => {
        for (const client of clients) client.stopClient();
        if (process.env.E2E_HANDLES) setTimeout(() => console.error(process.getActiveResourcesInfo()), 2000).unref();
        const code = server ? await server.stop() : null;
        if (process.env.E2E_VERBOSE) {
            process.stderr.write(`server exit: ${code}\nHTTP log:\n${httpLog.map((e) => `${e.who} ${e.method} ${e.path} ${e.status ?? e.error}`).join("\n")}\n`);
        }
    });

    step("GET /versions lists v1.11", [], async () => {
        const res = await fetch(`${server.baseUrl}/_matrix/client/versions`);
        assert.equal(res.status, 200, "GET /_matrix/client/versions");
        const body = await res.json();
        assert.ok(Array.isArray(body.versions) && body.versions.includes("v1.11"), `versions: ${JSON.stringify(body)}`);
    });

    step("register alice and bob (UIA with m.login.dummy, via the SDK's InteractiveAuth)", [], async () => {
        for (const who of ["alice", "bob"]) {
            const anon = sdk.createClient({ baseUrl: server.baseUrl, fetchFn: recordingFetch(`${who}(anon)`) });
            const available = await expectOk(() => anon.isUsernameAvailable(NAME[who]), `GET /register/available?username=${NAME[who]}`);
            assert.equal(available, true, `${who} should be available before registering`);

            const first = httpLog.length;
            const ia = new InteractiveAuth({
                matrixClient: anon,
                doRequest: (auth) =>
                    anon.registerRequest({
                        username: NAME[who],
                        password: PASSWORD[who],
                        initial_device_display_name: `${who}'s registration`,
                        ...(auth ? { auth } : {}),
                    }),
                stateUpdated: (stage, status) => {
                    if (status?.errcode) throw new Error(`UIA stage ${stage} failed: ${status.errcode} ${status.error}`);
                },
                requestEmailToken: () => Promise.reject(new Error("no email stage expected")),
                supportedStages: ["m.login.dummy"],
            });
            const res = await expectOk(() => ia.attemptAuth(), `register ${who} via UIA`);
            assert.match(res.user_id ?? "", new RegExp(`^@${NAME[who]}:`), `register response user_id: ${JSON.stringify(res)}`);
            assert.ok(res.access_token, "register response has an access_token");
            assert.ok(res.device_id, "register response has a device_id");

            // The spec'd UIA dance: first POST without auth -> 401 with flows + session, then the dummy stage.
            const posts = httpLog.slice(first).filter((e) => e.method === "POST" && e.path.endsWith("/register"));
            assert.ok(posts.length >= 2, `expected two POST /register (401 then 200), saw: ${posts.map((p) => p.status).join(", ")}`);
            assert.equal(posts[0].status, 401, "first POST /register without auth");
            const challenge = JSON.parse(posts[0].resBody);
            assert.ok(typeof challenge.session === "string" && challenge.session.length > 0, `401 body has a session: ${posts[0].resBody}`);
            assert.ok(
                challenge.flows?.some((f) => f.stages?.length === 1 && f.stages[0] === "m.login.dummy"),
                `401 flows offer [m.login.dummy]: ${posts[0].resBody}`,
            );
            assert.ok(posts[1].reqBody.includes('"m.login.dummy"') && posts[1].reqBody.includes(challenge.session), "second POST carries the dummy stage and the session");

            const taken = await expectOk(() => anon.isUsernameAvailable(NAME[who]), `GET /register/available?username=${NAME[who]} after registering`);
            assert.equal(taken, false, `${who} must no longer be available (M_USER_IN_USE)`);
            creds[who] = { registered: res };
        }
    });

    step("log in alice and bob with m.login.password", ["register alice and bob (UIA with m.login.dummy, via the SDK's InteractiveAuth)"], async () => {
        for (const who of ["alice", "bob"]) {
            const anon = sdk.createClient({ baseUrl: server.baseUrl, fetchFn: recordingFetch(`${who}(anon)`) });
            const flows = await expectOk(() => anon.loginFlows(), "GET /login");
            assert.ok(flows.flows?.some((f) => f.type === "m.login.password"), `GET /login lists m.login.password: ${JSON.stringify(flows)}`);
            const res = await expectOk(
                () =>
                    anon.loginRequest({
                        type: "m.login.password",
                        identifier: { type: "m.id.user", user: NAME[who] },
                        password: PASSWORD[who],
                        initial_device_display_name: `${who}'s e2e client`,
                    }),
                `POST /login for ${who}`,
            );
            assert.equal(res.user_id, creds[who].registered.user_id, "login returns the registered user_id");
            assert.ok(res.access_token && res.device_id, `login returns a token and device: ${JSON.stringify(res)}`);
            assert.notEqual(res.device_id, creds[who].registered.device_id, "a login makes a new device");
            creds[who] = { ...creds[who], ...res };
            c[who] = makeClient(who, res);
            const me = await expectOk(() => c[who].whoami(), `GET /account/whoami for ${who}`);
            assert.equal(me.user_id, res.user_id);
            assert.equal(me.device_id, res.device_id, "whoami names the device of the token");
        }
        // A wrong password is refused with 403 M_FORBIDDEN.
        const anon = sdk.createClient({ baseUrl: server.baseUrl, fetchFn: recordingFetch("mallory") });
        await assert.rejects(
            anon.loginRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: NAME.alice }, password: "nope" }),
            (e) => e.httpStatus === 403 && e.errcode === "M_FORBIDDEN",
            "POST /login with a wrong password -> 403 M_FORBIDDEN",
        );
    });

    const LOGIN = "log in alice and bob with m.login.password";
    step("both clients start and their first /sync is PREPARED", [LOGIN], async () => {
        await startAndSync(c.alice, "alice");
        await startAndSync(c.bob, "bob");
    });

    const SYNC = "both clients start and their first /sync is PREPARED";
    step("alice creates a room inviting bob; bob sees the invite via /sync", [SYNC], async () => {
        const res = await expectOk(
            () =>
                c.alice.createRoom({
                    name: ROOM_NAME,
                    topic: "two households, both alike in dignity",
                    preset: "private_chat",
                    invite: [creds.bob.user_id],
                }),
            "POST /createRoom",
        );
        assert.match(res.room_id ?? "", /^!/, `createRoom returns a room_id: ${JSON.stringify(res)}`);
        roomId = res.room_id;
        await eventually(() => c.bob.getRoom(roomId)?.getMyMembership() === "invite", {
            what: `bob's /sync to show the invite to ${roomId}`,
            on: [[c.bob, [ClientEvent.Room, RoomMemberEvent.Membership]]],
        });
        await eventually(() => c.alice.getRoom(roomId)?.getMember(creds.bob.user_id)?.membership === "invite", {
            what: "alice's /sync to show bob as invited",
            on: [[c.alice, RoomMemberEvent.Membership]],
        });
    });

    const ROOM = "alice creates a room inviting bob; bob sees the invite via /sync";
    step("bob joins; both see the join and the room name", [ROOM], async () => {
        await expectOk(() => c.bob.joinRoom(roomId), `POST /join/${roomId}`);
        await eventually(() => c.bob.getRoom(roomId)?.getMyMembership() === "join", {
            what: "bob's /sync to show him joined",
            on: [[c.bob, RoomMemberEvent.Membership]],
        });
        await eventually(() => c.alice.getRoom(roomId)?.getMember(creds.bob.user_id)?.membership === "join", {
            what: "alice's /sync to show bob joined",
            on: [[c.alice, RoomMemberEvent.Membership]],
        });
        await eventually(() => c.bob.getRoom(roomId)?.name === ROOM_NAME, { what: `bob to see the room name '${ROOM_NAME}' (m.room.name state)`, on: [[c.bob, RoomEvent.Name]] });
        const joined = await expectOk(() => c.bob.getJoinedRooms(), "GET /joined_rooms");
        assert.ok(joined.joined_rooms.includes(roomId), `joined_rooms lists the room: ${JSON.stringify(joined)}`);
    });

    const JOIN = "bob joins; both see the join and the room name";
    step("messages: each sends, the other receives them via /sync (Room.timeline), in order", [JOIN], async () => {
        for (const body of ALICE_LINES) {
            const r = await expectOk(() => c.alice.sendTextMessage(roomId, body), "PUT /rooms/{roomId}/send/m.room.message/{txnId} (alice)");
            assert.match(r.event_id ?? "", /^\$/, `send returns an event_id: ${JSON.stringify(r)}`);
            sent.alice.push({ event_id: r.event_id, body });
        }
        for (const body of BOB_LINES) {
            const r = await expectOk(() => c.bob.sendTextMessage(roomId, body), "PUT /rooms/{roomId}/send/m.room.message/{txnId} (bob)");
            sent.bob.push({ event_id: r.event_id, body });
        }
        await eventually(() => liveMessagesFrom(c.bob, creds.alice.user_id).length >= ALICE_LINES.length, {
            what: () => `bob to receive alice's ${ALICE_LINES.length} messages via /sync (got ${liveMessagesFrom(c.bob, creds.alice.user_id).length})`,
            on: [[c.bob, RoomEvent.Timeline]],
        });
        await eventually(() => liveMessagesFrom(c.alice, creds.bob.user_id).length >= BOB_LINES.length, {
            what: `alice to receive bob's ${BOB_LINES.length} messages via /sync`,
            on: [[c.alice, RoomEvent.Timeline]],
        });
        const atBob = liveMessagesFrom(c.bob, creds.alice.user_id);
        assert.deepEqual(atBob.map((e) => e.getContent().body), ALICE_LINES, "bob receives alice's messages once each, in send order");
        assert.deepEqual(atBob.map((e) => e.getId()), sent.alice.map((s) => s.event_id), "received event IDs are the ones send returned");
        const atAlice = liveMessagesFrom(c.alice, creds.bob.user_id);
        assert.deepEqual(atAlice.map((e) => e.getContent().body), BOB_LINES);
        assert.ok(atAlice.every((e) => e.getContent().msgtype === "m.text"));
    }, 40_000);

    const MESSAGES = "messages: each sends, the other receives them via /sync (Room.timeline), in order";
    step("history: a fresh device paginates back (scrollback and /messages both directions)", [MESSAGES], async () => {
        const res = await expectOk(
            () =>
                sdk.createClient({ baseUrl: server.baseUrl, fetchFn: recordingFetch("bob2(anon)") }).loginRequest({
                    type: "m.login.password",
                    identifier: { type: "m.id.user", user: NAME.bob },
                    password: PASSWORD.bob,
                }),
            "POST /login for bob's second device",
        );
        const bob2 = makeClient("bob2", res);
        await startAndSync(bob2, "bob2", { initialSyncLimit: 5 });
        const room = bob2.getRoom(roomId);
        assert.ok(room, "bob2's initial /sync includes the room");
        const initial = room.getLiveTimeline().getEvents().length;
        assert.ok(initial <= 5 + 1, `initial sync honours the timeline limit of 5 (got ${initial} events)`);

        const all = [...ALICE_LINES, ...BOB_LINES];
        const have = () => bodiesOf(room.getLiveTimeline().getEvents());
        for (let i = 0; i < 20 && have().length < all.length; i++) {
            if (room.oldState.paginationToken === null) break; // reached the start of the room
            await expectOk(() => bob2.scrollback(room, 10), `scrollback #${i + 1} (GET /rooms/{roomId}/messages?dir=b)`);
        }
        assert.deepEqual(have(), all, "scrollback recovers the whole history, oldest first, without gaps or duplicates");

        // /messages directly: backward from the end in pages of 10, then forward over the same span.
        const back1 = await expectOk(() => bob2.createMessagesRequest(roomId, null, 10, Direction.Backward), "GET /messages?dir=b&limit=10 (no from)");
        assert.equal(back1.chunk.length, 10, `a page of 10: ${back1.chunk.length}`);
        assert.ok(back1.end, "backward page has an end token");
        const back2 = await expectOk(() => bob2.createMessagesRequest(roomId, back1.end, 10, Direction.Backward), "GET /messages?dir=b&from=<end>");
        const backBodies = [...back1.chunk, ...back2.chunk].filter((e) => e.type === "m.room.message").map((e) => e.content.body);
        assert.deepEqual(backBodies, [...all].reverse().slice(0, 20), "dir=b pages are newest-first and contiguous");
        const fwd = await expectOk(() => bob2.createMessagesRequest(roomId, back2.end, 10, Direction.Forward), "GET /messages?dir=f&from=<end of 2nd page>");
        assert.deepEqual(
            fwd.chunk.filter((e) => e.type === "m.room.message").map((e) => e.content.body),
            back2.chunk.filter((e) => e.type === "m.room.message").map((e) => e.content.body).reverse(),
            "tokens are positions between events: dir=f from the `end` of a dir=b page returns that page's events, " +
                `oldest first (request: GET /messages?dir=f&from=${back2.end}&limit=10)`,
        );
        bob2.stopClient();
    }, 30_000);

    step("typing: alice types, bob sees RoomMember.typing go true then false", [JOIN], async () => {
        const typingAt = (client) => client.getRoom(roomId)?.getMember(creds.alice.user_id)?.typing;
        await expectOk(() => c.alice.sendTyping(roomId, true, 20_000), "PUT /rooms/{roomId}/typing/{alice} typing=true");
        await eventually(() => typingAt(c.bob) === true, { what: "bob to see alice typing (m.typing ephemeral event in /sync)", on: [[c.bob, RoomMemberEvent.Typing]] });
        await expectOk(() => c.alice.sendTyping(roomId, false, 0), "PUT /rooms/{roomId}/typing/{alice} typing=false");
        await eventually(() => typingAt(c.bob) === false, { what: "bob to see alice stop typing", on: [[c.bob, RoomMemberEvent.Typing]] });
    });

    step("read receipts: bob reads alice's latest message, alice sees the m.read receipt", [JOIN], async () => {
        const { event_id } = await expectOk(() => c.alice.sendTextMessage(roomId, "did my heart love till now?"), "send the message to be read");
        await eventually(() => c.bob.getRoom(roomId)?.findEventById(event_id), { what: "bob to receive alice's message", on: [[c.bob, RoomEvent.Timeline]] });
        const receipts = []; // m.receipt events alice's /sync delivers
        const onReceipt = (event, room) => room.roomId === roomId && receipts.push(event.getContent());
        c.alice.on(RoomEvent.Receipt, onReceipt);
        try {
            await expectOk(() => c.bob.sendReadReceipt(c.bob.getRoom(roomId).findEventById(event_id)), "POST /rooms/{roomId}/receipt/m.read/{eventId}");
            const aliceRoom = c.alice.getRoom(roomId);
            await eventually(() => receipts.some((content) => content[event_id]?.["m.read"]?.[creds.bob.user_id]?.ts > 0), {
                what: () =>
                    `alice's /sync to deliver an m.receipt with ${event_id} -> m.read -> ${creds.bob.user_id} -> ts; ` +
                    `m.receipt contents seen: ${JSON.stringify(receipts)}`,
                on: [[c.alice, RoomEvent.Receipt]],
            });
            assert.equal(aliceRoom.getEventReadUpTo(creds.bob.user_id), event_id, "alice's room has bob read up to her latest message");
        } finally {
            c.alice.off(RoomEvent.Receipt, onReceipt);
        }
    });

    step("display name: alice renames herself, bob sees it in her member event", [JOIN], async () => {
        const name = "Juliet Capulet";
        await expectOk(() => c.alice.setDisplayName(name), "PUT /profile/{alice}/displayname");
        const profile = await expectOk(() => c.bob.getProfileInfo(creds.alice.user_id), "GET /profile/{alice}");
        assert.equal(profile.displayname, name, `profile: ${JSON.stringify(profile)}`);
        await eventually(
            () =>
                live.get(c.bob).some(
                    (e) => e.getRoomId() === roomId && e.getType() === "m.room.member" && e.getStateKey() === creds.alice.user_id && e.getContent().displayname === name,
                ),
            { what: "bob to receive alice's new m.room.member event with the display name via /sync", on: [[c.bob, RoomEvent.Timeline]] },
        );
        const member = c.bob.getRoom(roomId).getMember(creds.alice.user_id);
        assert.equal(member.rawDisplayName, name, "RoomMember.rawDisplayName follows the member event");
        assert.equal(member.membership, "join", "a display-name change keeps the membership 'join'");
    });

    step("redaction: alice redacts a message, bob sees it redacted", [JOIN], async () => {
        const body = "a rose by any other name (to be redacted)";
        const { event_id } = await expectOk(() => c.alice.sendTextMessage(roomId, body), "send the message to redact");
        const atBob = () => c.bob.getRoom(roomId)?.findEventById(event_id);
        await eventually(() => atBob(), { what: "bob to receive the message before it is redacted", on: [[c.bob, RoomEvent.Timeline]] });
        const r = await expectOk(() => c.alice.redactEvent(roomId, event_id, undefined, { reason: "spoilers" }), "PUT /rooms/{roomId}/redact/{eventId}/{txnId}");
        assert.match(r.event_id ?? "", /^\$/, `redact returns the redaction's event_id: ${JSON.stringify(r)}`);
        await eventually(() => atBob()?.isRedacted(), { what: "bob to see the message redacted (m.room.redaction via /sync)", on: [[c.bob, RoomEvent.Redaction]] });
        assert.deepEqual(atBob().getContent(), {}, "the redacted event has empty content at bob");
        const fetched = await expectOk(() => c.bob.fetchRoomEvent(roomId, event_id), "GET /rooms/{roomId}/event/{eventId}");
        assert.deepEqual(fetched.content, {}, `the server serves the event redacted: ${JSON.stringify(fetched)}`);
        assert.equal(fetched.unsigned?.redacted_because?.event_id, r.event_id, "unsigned.redacted_because names the redaction");
    });
});
