// Starts a real Larch node the way a user does (`./larch run ...`) on loopback, in a temporary data dir, and stops
// it again. Only 127.0.0.1, never multicast.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort() {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.unref();
        srv.on("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const { port } = srv.address();
            srv.close(() => resolve(port));
        });
    });
}

const STARTED = /\bstarted\b.*client_listen=127\.0\.0\.1:(\d+)/;

/**
 * Starts `./larch run` and resolves once its startup line names the client port.
 * @returns {{baseUrl: string, external?: boolean, port: number, pid: number, logFile: string, logTail(n?: number): string, stop(): Promise<number|null>}}
 */
export async function startServer({ startTimeoutMs = Number(process.env.LARCH_E2E_START_TIMEOUT_MS ?? 90_000) } = {}) {
    // Debugging aid: LARCH_E2E_BASE_URL=http://127.0.0.1:PORT runs the steps against a server that is already up.
    if (process.env.LARCH_E2E_BASE_URL) {
        return { baseUrl: process.env.LARCH_E2E_BASE_URL, external: true, logTail: () => "(external server)", stop: async () => null };
    }
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "larch-e2e-js-"));
    const logFile = path.join(work, "larch.log");
    const log = fs.openSync(logFile, "a");
    const port = await freePort();
    const child = spawn(
        path.join(ROOT, "larch"),
        [
            "run",
            "--data-dir", path.join(work, "data"),
            "--client-listen", `127.0.0.1:${port}`,
            "--overlay-listen", "127.0.0.1:0",
            "--no-multicast",
        ],
        { cwd: ROOT, stdio: ["ignore", log, log] },
    );
    fs.closeSync(log);
    // Whatever happens to this test process, the server goes with it.
    const killOnExit = () => {
        try {
            child.kill("SIGKILL");
        } catch {
            /* already gone */
        }
    };
    process.on("exit", killOnExit);
    // A test run stopped by a signal must not leave the server behind either.
    const onSignal = (sig) => {
        killOnExit();
        if (!process.env.LARCH_E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
        process.exit(sig === "SIGINT" ? 130 : 143);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);

    let exitCode;
    const exited = new Promise((resolve) => child.on("exit", (code, signal) => {
        exitCode = code ?? signal;
        resolve(exitCode);
    }));

    const logTail = (n = 40) => {
        try {
            return fs.readFileSync(logFile, "utf8").split("\n").slice(-n).join("\n");
        } catch {
            return "(no log)";
        }
    };

    const stop = async () => {
        process.off("exit", killOnExit);
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        if (exitCode === undefined) {
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
            await exited;
            clearTimeout(timer);
        }
        if (!process.env.LARCH_E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
        return exitCode;
    };

    const deadline = Date.now() + startTimeoutMs;
    let actualPort;
    while (Date.now() < deadline) {
        const m = STARTED.exec(fs.readFileSync(logFile, "utf8"));
        if (m) {
            actualPort = Number(m[1]);
            break;
        }
        if (exitCode !== undefined) {
            const tail = logTail();
            await stop();
            throw new Error(`./larch run exited (${exitCode}) before its 'started' line:\n${tail}`);
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    if (actualPort === undefined) {
        const tail = logTail();
        await stop();
        throw new Error(`no 'started ... client_listen=' line from ./larch run within ${startTimeoutMs} ms:\n${tail}`);
    }
    return { baseUrl: `http://127.0.0.1:${actualPort}`, port: actualPort, pid: child.pid, logFile, logTail, stop };
}
