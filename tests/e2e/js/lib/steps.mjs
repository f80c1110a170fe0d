// The step machinery of the test files: steps run in order, and a step whose prerequisite failed is skipped (reported
// as such) so that one missing endpoint does not turn into a dozen confusing failures. Every step is bounded in time;
// a failure names the HTTP requests that failed meanwhile and the SDK's last warnings.
import { it } from "node:test";
import { sdkLog } from "./sdk-setup.mjs";
import { recentFailures } from "./util.mjs";

/** A step(name, needs, fn, timeoutMs = defaultTimeoutMs) for one test file; `needs` names earlier steps. */
export function stepsInOrder(defaultTimeoutMs) {
    const passed = new Set();
    return function step(name, needs, fn, timeoutMs = defaultTimeoutMs) {
        it(name, { timeout: timeoutMs + 5_000 }, async (t) => {
            const missing = needs.filter((n) => !passed.has(n));
            if (missing.length) {
                t.skip(`needs: ${missing.join(", ")}`);
                return;
            }
            let timer;
            try {
                await Promise.race([
                    fn(t),
                    new Promise((_, reject) => {
                        timer = setTimeout(
                            () => reject(new Error(`step did not finish within ${timeoutMs} ms\nHTTP failures:\n${recentFailures()}`)),
                            timeoutMs,
                        );
                    }),
                ]);
            } catch (e) {
                if (sdkLog.length) e.message += `\nlast SDK warnings/errors:\n  ${sdkLog.slice(-6).join("\n  ")}`;
                throw e;
            } finally {
                clearTimeout(timer);
            }
            passed.add(name);
        });
    };
}
