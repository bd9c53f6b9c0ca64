// Widget sign-in (MSC1960) in headless Chromium against the real matrix-widget-api package:
//  (a) a widget built on matrix-widget-api's WidgetApi inside a page using vzconnect's
//      widget-host.js: allow, deny, and a remembered decision;
//  (b) a host built on matrix-widget-api's ClientWidgetApi serving a widget that uses
//      vzconnect's widget.js: allow and deny.
// In every case the widget's backend verifies the credentials at vzconnect's federation
// userinfo endpoint and shows the sub it got. Host and widget are served from two different
// origins. Needs VZ_ISSUER, VZ_ACCESS_TOKEN (alice, scope openid widgets) and VZ_MATRIX_USER.

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const issuer = process.env.VZ_ISSUER;
const accessToken = process.env.VZ_ACCESS_TOKEN;
const matrixUser = process.env.VZ_MATRIX_USER;
const screenshots = process.env.SCREENSHOT_DIR || path.join(here, "../../target/browser-screenshots");
if (!issuer || !accessToken || !matrixUser) throw new Error("VZ_ISSUER, VZ_ACCESS_TOKEN and VZ_MATRIX_USER are required");
fs.mkdirSync(screenshots, { recursive: true });
const widgetApiJs = fs.readFileSync(path.join(here, "node_modules/matrix-widget-api/dist/api.js"));

function listen(handler) {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    server.listen(0, "127.0.0.1", () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` }));
  });
}

function send(res, type, body) {
  res.writeHead(200, { "Content-Type": type, "Cache-Control": "no-store" });
  res.end(body);
}

// The site embedding widgets: pages, and a backend that mints credentials for its user.
const host = await listen(async (req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/mwa.js") return send(res, "text/javascript", widgetApiJs);
  if (url.pathname === "/mint" && req.method === "POST") {
    let body = "";
    for await (const chunk of req) body += chunk;
    const minted = await fetch(`${issuer}/_matrix/client/v3/user/${encodeURIComponent(matrixUser)}/openid/request_token`, {
      method: "POST",
      headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" },
      body,
    });
    return send(res, "application/json", await minted.text());
  }
  const widgetId = url.searchParams.get("widgetId");
  const widgetSrc = (page) => `${widgetServer.origin}/${page}?widgetId=${widgetId}&parentUrl=${encodeURIComponent(host.origin + "/")}`;
  if (url.pathname === "/host-a.html") {
    return send(res, "text/html", `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host A</title>
<script src="${issuer}/static/js/widget-host.js"></script></head><body><h1>Site with a widget</h1>
<iframe id="widget" title="Poll widget" width="400" height="150" src="${widgetSrc("widget-a.html")}"></iframe>
<script>
VzWidgetHost.attach(document.getElementById("widget"), {
  widgetId: ${JSON.stringify(widgetId)},
  name: "Poll",
  getCredentials: (widget) => fetch("/mint", { method: "POST", body: JSON.stringify({ widget }) }).then((r) => r.json()),
});
</script></body></html>`);
  }
  if (url.pathname === "/host-b.html") {
    return send(res, "text/html", `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host B</title>
<script src="/mwa.js"></script></head><body><h1>Matrix-style client</h1>
<p id="ask" hidden>The widget asks who you are. <button id="allow">Allow</button> <button id="deny">Deny</button></p>
<script>
class Driver extends mxwidgets.WidgetDriver {
  validateCapabilities(requested) { return Promise.resolve(new Set()); }
  askOpenID(observer) {
    observer.update({ state: mxwidgets.OpenIDRequestState.PendingUserConfirmation });
    const ask = document.getElementById("ask");
    ask.hidden = false;
    document.getElementById("allow").onclick = async () => {
      ask.hidden = true;
      const token = await fetch("/mint", { method: "POST", body: JSON.stringify({ widget: { id: ${JSON.stringify(widgetId)} } }) }).then((r) => r.json());
      observer.update({ state: mxwidgets.OpenIDRequestState.Allowed, token });
    };
    document.getElementById("deny").onclick = () => {
      ask.hidden = true;
      observer.update({ state: mxwidgets.OpenIDRequestState.Blocked });
    };
  }
}
const iframe = document.createElement("iframe");
iframe.id = "widget";
iframe.title = "Widget";
document.body.appendChild(iframe);
const widget = new mxwidgets.Widget({ id: ${JSON.stringify(widgetId)}, creatorUserId: "@host:example", type: "m.custom", url: ${JSON.stringify(widgetSrc("widget-b.html"))} });
new mxwidgets.ClientWidgetApi(widget, iframe, new Driver());
iframe.src = widget.templateUrl;
</script></body></html>`);
  }
  res.writeHead(404).end();
});

// The widget's origin: its pages, and a backend that verifies credentials with vzconnect.
const widgetServer = await listen(async (req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/mwa.js") return send(res, "text/javascript", widgetApiJs);
  if (url.pathname === "/verify") {
    const token = url.searchParams.get("token") || "";
    const answer = await fetch(`${issuer}/_matrix/federation/v1/openid/userinfo?access_token=${encodeURIComponent(token)}`);
    res.writeHead(answer.status, { "Content-Type": "application/json" });
    return res.end(await answer.text());
  }
  const show = `(creds) => fetch("/verify?token=" + encodeURIComponent(creds.access_token)).then((r) => r.json())
      .then((who) => { document.body.dataset.result = "sub:" + who.sub; })`;
  const fail = `(e) => { document.body.dataset.result = "blocked:" + e.message; }`;
  if (url.pathname === "/widget-a.html") {
    return send(res, "text/html", `<!doctype html><html><head><meta charset="utf-8"><script src="/mwa.js"></script></head>
<body><p>Poll (matrix-widget-api)</p><script>
const params = new URLSearchParams(location.search);
const api = new mxwidgets.WidgetApi(params.get("widgetId"), new URL(params.get("parentUrl")).origin);
api.start();
api.requestOpenIDConnectToken().then(${show}, ${fail});
</script></body></html>`);
  }
  if (url.pathname === "/widget-b.html") {
    return send(res, "text/html", `<!doctype html><html><head><meta charset="utf-8"><script src="${issuer}/static/js/widget.js"></script></head>
<body><p>Widget (vzconnect widget.js)</p><script>
new VzWidget().requestIdentity().then(${show}, ${fail});
</script></body></html>`);
  }
  res.writeHead(404).end();
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failures = 0;
async function scenario(name, run) {
  if (only && !name.startsWith(only)) return;
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on("console", (m) => { if (m.type() === "error" || process.env.DEBUG) console.log(`  [${name}] console ${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => console.log(`  [${name}] page error: ${e.message}`));
  try {
    await run(page);
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e.message}`);
  } finally {
    await page.screenshot({ path: path.join(screenshots, `widgets-${name}.png`) });
    await page.close();
  }
}

async function result(page) {
  const frame = page.frameLocator("#widget");
  await frame.locator("body[data-result]").waitFor({ timeout: 10000 });
  return frame.locator("body").getAttribute("data-result");
}

function expect(actual, expected) {
  if (actual !== expected) throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

const subject = `sub:${matrixUser}`;
const only = process.env.ONLY;
await scenario("a-widget-api-allow", async (page) => {
  await page.goto(`${host.origin}/host-a.html?widgetId=poll-allow`);
  const dialog = page.getByRole("dialog", { name: "Let Poll know who you are?" });
  await dialog.waitFor();
  await page.screenshot({ path: path.join(screenshots, "widgets-dialog.png") });
  await dialog.getByRole("button", { name: "Allow" }).click();
  expect(await result(page), subject);
});
await scenario("a-widget-api-deny", async (page) => {
  await page.goto(`${host.origin}/host-a.html?widgetId=poll-deny`);
  await page.getByRole("dialog").waitFor();
  await page.keyboard.press("Escape");
  expect(await result(page), "blocked:User declined to verify their identity");
});
await scenario("a-widget-api-remembered", async (page) => {
  await page.goto(`${host.origin}/host-a.html?widgetId=poll-remember`);
  await page.getByRole("checkbox", { name: "Remember for this widget" }).check();
  await page.getByRole("button", { name: "Allow" }).click();
  expect(await result(page), subject);
  await page.reload();
  expect(await result(page), subject);
  if (await page.getByRole("dialog").count()) throw new Error("a remembered widget must not ask again");
});
await scenario("b-client-widget-api-allow", async (page) => {
  await page.goto(`${host.origin}/host-b.html?widgetId=game-allow`);
  await page.locator("#allow").click();
  expect(await result(page), subject);
});
await scenario("b-client-widget-api-deny", async (page) => {
  await page.goto(`${host.origin}/host-b.html?widgetId=game-deny`);
  await page.locator("#deny").click();
  expect(await result(page), "blocked:User declined to verify their identity");
});

await scenario("demo-page", async (page) => {
  await page.goto(`${issuer}/login?return_to=${encodeURIComponent("/docs/widgets")}`);
  await page.getByLabel("Username").fill("alice");
  await page.getByLabel("Password").fill(process.env.VZ_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${issuer}/docs/widgets`);
  const widget = page.frameLocator("#demo-widget");
  await widget.getByRole("button", { name: "Who am I?" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Allow" }).click();
  const status = widget.getByRole("status");
  await status.filter({ hasText: "You are" }).waitFor({ timeout: 10000 });
  const text = await status.textContent();
  if (!text.includes(matrixUser)) throw new Error(`demo widget says ${text}`);
});

await browser.close();
host.server.close();
widgetServer.server.close();
process.exit(failures ? 1 : 0);
