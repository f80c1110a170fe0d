// Helpers: a fetch that records what the SDK asked and what the server answered (so a failure names the exact
// request that broke), and bounded waits with clear failure messages.

/** Every request the SDK made, in order: {who, method, path, status, ms, reqBody?, resBody?, error?}. */
export const httpLog = [];

const redact = (url) => {
    const u = new URL(url);
    u.searchParams.delete("access_token");
    return u.pathname + (u.search ? u.search : "");
};

const short = (s, n = 400) => (s.length > n ? s.slice(0, n) + "…" : s);

/** A fetch for createClient({fetchFn}) that records every exchange under the name `who`. */
export function recordingFetch(who) {
    return async (input, init = {}) => {
        const url = typeof input === "string" || input instanceof URL ? String(input) : input.url;
        const method = init.method ?? (typeof input === "object" && input.method) ?? "GET";
        const entry = { who, method, path: redact(url) };
        if (typeof init.body === "string") entry.reqBody = short(init.body.replace(/"password":"[^"]*"/g, '"password":"…"'));
        const t0 = Date.now();
        httpLog.push(entry);
        try {
            const res = await fetch(input, init);
            entry.status = res.status;
            entry.ms = Date.now() - t0;
            if (!res.ok) entry.resBody = short(await res.clone().text());
            return res;
        } catch (e) {
            entry.error = e?.name === "AbortError" ? "aborted" : String(e);
            throw e;
        }
    };
}

export const describeExchange = (e) =>
    `${e.who}: ${e.method} ${e.path}` +
    (e.reqBody ? ` body=${e.reqBody}` : "") +
    (e.status !== undefined ? ` -> ${e.status}` : "") +
    (e.resBody ? ` ${e.resBody}` : "") +
    (e.error && e.error !== "aborted" ? ` -> ${e.error}` : "");

/** The failed exchanges (non-2xx or network error) since index `from`, newest last, for failure messages. */
export function recentFailures(from = 0, max = 8) {
    const bad = httpLog.slice(from).filter((e) => (e.status !== undefined && e.status >= 400) || (e.error && e.error !== "aborted"));
    if (bad.length === 0) return "  (no failed HTTP requests)";
    // Identical consecutive failures (an SDK retry loop) are shown once with a count.
    const lines = [];
    for (const e of bad) {
        const text = describeExchange(e);
        const last = lines.at(-1);
        if (last && last.text === text) last.n++;
        else lines.push({ text, n: 1 });
    }
    const shown = lines.slice(-max).map((l) => `  ${l.text}${l.n > 1 ? ` (x${l.n})` : ""}`);
    if (lines.length > max) shown.unshift(`  (${lines.length - max} earlier failures not shown)`);
    return shown.join("\n");
}

/**
 * Resolves once `check()` returns a truthy value (re-checked on every emitted event named in `on`, and every
 * 50 ms); rejects after `timeoutMs` with `what` (a string, or a function giving one) and the HTTP failures seen meanwhile.
 */
export function eventually(check, { what, timeoutMs = 10_000, on = [] } = {}) {
    const since = httpLog.length;
    return new Promise((resolve, reject) => {
        const listeners = [];
        let timer, poll;
        const done = (fn, v) => {
            clearTimeout(timer);
            clearInterval(poll);
            for (const [em, ev, l] of listeners) em.off(ev, l);
            fn(v);
        };
        const test = () => {
            let v;
            try {
                v = check();
            } catch (e) {
                return done(reject, e);
            }
            if (v) done(resolve, v);
        };
        for (const [emitter, events] of on) {
            for (const ev of [].concat(events)) {
                const l = () => test();
                emitter.on(ev, l);
                listeners.push([emitter, ev, l]);
            }
        }
        timer = setTimeout(
            () =>
                done(
                    reject,
                    new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "function" ? what() : what}\nHTTP failures meanwhile:\n${recentFailures(since)}`),
                ),
            timeoutMs,
        );
        poll = setInterval(test, 50);
        test();
    });
}

/** Awaits `fn()`, turning a rejection (e.g. a MatrixError) into an error naming the step and the failed requests. */
export async function expectOk(fn, what) {
    const since = httpLog.length;
    try {
        return await fn();
    } catch (e) {
        const detail = e?.httpStatus ? `HTTP ${e.httpStatus} ${e.errcode ?? ""} ${e.message ?? ""}` : String(e?.stack ?? e);
        throw new Error(`${what} failed: ${detail}\nHTTP failures:\n${recentFailures(since)}`);
    }
}
