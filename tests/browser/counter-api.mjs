// A fake visitor counter API on loopback:
//   POST /visits?path=/ (or body {"path": "/"}) → counts one visit, answers {"path", "count"}
//   GET  /visits?path=/               → answers the count, read-only
// CORS allows only `allowOrigin` (set once the site's origin is known). `failing = true` makes it answer 500.
import http from "node:http";

export function startCounterApi(port = 0) {
  const api = { counts: new Map(), log: [], allowOrigin: null, failing: false };
  const send = (res, status, body) => {
    res.writeHead(status, {
      "Content-Type": "application/json",
      "Cache-Control": "no-store",
      ...(api.allowOrigin && { "Access-Control-Allow-Origin": api.allowOrigin, Vary: "Origin" }),
    });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      api.log.push({ method: req.method, path: url.pathname, query: url.search, origin: req.headers.origin, body });
      if (url.pathname !== "/visits") return send(res, 404, { error: "not found" });
      if (api.failing) return send(res, 500, { error: "unavailable" });
      if (req.method === "OPTIONS") {
        res.writeHead(204, { "Access-Control-Allow-Origin": api.allowOrigin ?? "", "Access-Control-Allow-Methods": "GET, POST" });
        return res.end();
      }
      if (req.method === "GET") {
        const p = url.searchParams.get("path") ?? "/";
        return send(res, 200, { path: p, count: api.counts.get(p) ?? 0 });
      }
      if (req.method === "POST") {
        let p = url.searchParams.get("path");
        if (p === null) {
          try {
            p = body.trim() === "" ? "/" : JSON.parse(body).path;
          } catch {
            return send(res, 400, { error: "bad body" });
          }
        }
        if (typeof p !== "string") return send(res, 400, { error: "bad path" });
        api.counts.set(p, (api.counts.get(p) ?? 0) + 1);
        return send(res, 200, { path: p, count: api.counts.get(p) });
      }
      send(res, 405, { error: "method not allowed" });
    });
  });
  api.close = () =>
    new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    });
  api.requests = (method) => api.log.filter((r) => r.method === method);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      api.url = `http://127.0.0.1:${server.address().port}/visits`;
      resolve(api);
    });
  });
}
