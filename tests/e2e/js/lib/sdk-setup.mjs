// Imported first by each test file.
// (1) matrix-js-sdk logs at debug level to the console by default. Its loggers go into a ring buffer instead (shown
//     with a failure); E2E_SDK_LOG=1 prints them as they come.
// (2) Long SDK timers must not keep the finished test process alive (below).
import loglevel from "loglevel";
import { logger } from "matrix-js-sdk/lib/logger.js";

export const sdkLog = [];

function factory(methodName, _level, loggerName) {
    return function (...args) {
        const line = `[${loggerName}] ${methodName}: ${args.map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : safe(a))).join(" ")}`;
        if (process.env.E2E_SDK_LOG) process.stderr.write(line + "\n");
        if (methodName === "warn" || methodName === "error") {
            const entry = line.length > 500 ? line.slice(0, 500) + "…" : line;
            if (sdkLog.at(-1) === entry || sdkLog.at(-1)?.startsWith(entry + " (x")) {
                const n = Number(/ \(x(\d+)\)$/.exec(sdkLog.at(-1))?.[1] ?? 1) + 1;
                sdkLog[sdkLog.length - 1] = `${entry} (x${n})`;
            } else {
                sdkLog.push(entry);
                if (sdkLog.length > 200) sdkLog.shift();
            }
        }
    };
}

function safe(a) {
    try {
        return JSON.stringify(a);
    } catch {
        return String(a);
    }
}

for (const l of [logger, ...Object.values(loglevel.getLoggers())]) {
    l.methodFactory = factory;
    l.rebuild();
}

// The SDK arms a plain setTimeout of pollTimeout + 80 s for every /sync request (its local request timeout) and never
// clears it, so after stopClient() the process would linger ~2 minutes. Long timers (>= 60 s; every wait in these
// tests is shorter) are unref'd: they still fire while anything else runs, but no longer keep the process alive.
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = function (fn, ms, ...args) {
    const t = realSetTimeout(fn, ms, ...args);
    if (typeof ms === "number" && ms >= 60_000 && typeof t?.unref === "function") t.unref();
    return t;
};
