// The web experience in headless Chromium: signup → verify email from the outbox → sign in →
// authorize → consent → code; a developer registers a site in the portal and completes a flow
// with it; the account page revokes a connected site and its token then gets 401; docs pages.
// Every page is checked at 360 px and 1280 px for horizontal overflow, and screenshotted;
// the German pages get the same checks.
// Needs VZ_ISSUER, VZ_OUTBOX and VZ_CLIENT_ID / VZ_CLIENT_SECRET (a confidential client with
// redirect URI http://127.0.0.1/callback).

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const issuer = process.env.VZ_ISSUER;
const outbox = process.env.VZ_OUTBOX;
const screenshots = process.env.SCREENSHOT_DIR || path.join(here, "../../target/browser-screenshots");
const callback = "http://127.0.0.1/callback";
fs.mkdirSync(screenshots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failures = 0;

function expect(ok, message) {
  if (!ok) throw new Error(message);
}

// WCAG AA: text against its background at 4.5:1 at least (computed colours, both themes).
async function checkContrast(page, name) {
  const worst = await page.evaluate(() => {
    const lum = (c) => {
      const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map((v) => {
        const s = Number(v) / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor;
        if (!bg.startsWith("rgba(0, 0, 0, 0)") && bg !== "transparent") return bg;
      }
      return "rgb(255, 255, 255)";
    };
    let min = 21, where = "";
    for (const el of document.querySelectorAll("h1, h2, p, label, a, button, li, code, span")) {
      if (!el.offsetParent || !el.textContent.trim()) continue;
      const [a, b] = [lum(getComputedStyle(el).color), lum(background(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < min) { min = ratio; where = el.tagName + "." + el.className + ": " + el.textContent.trim().slice(0, 30); }
    }
    return { min, where };
  });
  expect(worst.min >= 4.5, `${name}: contrast ${worst.min.toFixed(2)} < 4.5 at ${worst.where}`);
}

async function checkLayout(page, name) {
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    await checkContrast(page, `${name} (${scheme})`);
  }
  await page.emulateMedia({ colorScheme: "light" });
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow <= 0, `${name} overflows ${overflow}px at ${width}px`);
    await page.screenshot({ path: path.join(screenshots, `web-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function scenario(name, run, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.route(`${callback}**`, (route) => route.fulfill({ contentType: "text/html", body: "<p>callback</p>" }));
  try {
    await run(page);
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name} at ${page.url()}: ${e.message}`);
  } finally {
    await page.screenshot({ path: path.join(screenshots, `web-${name}.png`), fullPage: true });
    await context.close();
  }
}

function lastMailLink(prefix) {
  const mails = fs.readdirSync(outbox).filter((f) => f.endsWith(".eml")).map((f) => path.join(outbox, f));
  mails.sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
  const raw = fs.readFileSync(mails[mails.length - 1], "utf8").replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  const start = raw.indexOf(prefix);
  expect(start >= 0, `no ${prefix} link in the mail`);
  return raw.slice(start).split(/\s/)[0];
}

// Authorizes `clientId` for openid and returns the code from the callback.
async function authorize(page, clientId) {
  const query = new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: callback, scope: "openid email", state: "s1" });
  await page.goto(`${issuer}/oauth/authorize?${query}`);
  if (page.url().includes("/consent")) {
    await checkLayout(page, "consent");
    await page.getByRole("button", { name: "Allow" }).click();
  }
  await page.waitForURL(`${callback}**`);
  const url = new URL(page.url());
  expect(url.searchParams.get("state") === "s1", "state echoed");
  return url.searchParams.get("code");
}

async function exchange(code, clientId, secret) {
  const response = await fetch(`${issuer}/oauth/token`, {
    method: "POST",
    headers: { Authorization: "Basic " + Buffer.from(`${clientId}:${secret}`).toString("base64"), "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: callback }),
  });
  expect(response.status === 200, `token endpoint answered ${response.status}`);
  return response.json();
}

async function signIn(page, username, password) {
  await page.goto(`${issuer}/login`);
  await checkLayout(page, "login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

const password = "saffron window 58 harbor";
await scenario("signup-verify-authorize", async (page) => {
  await page.goto(`${issuer}/signup`);
  await checkLayout(page, "signup");
  await page.getByLabel("Username").fill("dora");
  await page.getByLabel("Email").fill("dora@example.org");
  await page.getByLabel("Full name").fill("Dora Explorer");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create an account" }).click();
  await page.getByText("Check your mail").first().waitFor();
  await checkLayout(page, "signup-sent");
  await page.goto(lastMailLink(`${issuer}/verify-email?token=`));
  await page.getByText("your email address is confirmed").waitFor();
  await page.context().clearCookies();
  await signIn(page, "dora", password);
  await page.waitForURL(`${issuer}/`);
  const code = await authorize(page, process.env.VZ_CLIENT_ID);
  expect(code && code.length > 20, "a code arrived");
});

await scenario("developer-portal-flow", async (page) => {
  await signIn(page, "dora", password);
  await page.goto(`${issuer}/developers`);
  await checkLayout(page, "developers");
  await page.getByLabel("Site name").fill("Dora's Site");
  await page.getByLabel("Redirect URIs (one per line)").fill(callback);
  await page.getByRole("button", { name: "Register" }).click();
  const clientId = await page.locator("#client-id").textContent();
  const secret = await page.locator("#client-secret").textContent();
  await checkLayout(page, "developer-client");
  const code = await authorize(page, clientId);
  const tokens = await exchange(code, clientId, secret);
  expect(tokens.user_id && tokens.signature, "the new site gets the VZ fields");
});

await scenario("account-revokes-a-site", async (page) => {
  await signIn(page, "dora", password);
  const code = await authorize(page, process.env.VZ_CLIENT_ID);
  const tokens = await exchange(code, process.env.VZ_CLIENT_ID, process.env.VZ_CLIENT_SECRET);
  const read = () => fetch(tokens.user_id, { headers: { Authorization: `Bearer ${tokens.access_token}` } }).then((r) => r.status);
  expect((await read()) === 200, "the token works before");
  await page.goto(`${issuer}/account`);
  await checkLayout(page, "account");
  await page.getByRole("button", { name: /Revoke access for/ }).first().click();
  await page.getByText("The site is disconnected").waitFor();
  expect((await read()) === 401, "the revoked site's token gets 401");
});

await scenario("docs", async (page) => {
  await page.goto(`${issuer}/docs/token-response`);
  await checkLayout(page, "docs");
  await page.getByRole("tab", { name: "python" }).click();
  expect(await page.getByRole("tabpanel").filter({ hasText: "hmac.compare_digest" }).isVisible(), "the python tab shows its sample");
});

await scenario("playground", async (page) => {
  await signIn(page, "dora", password);
  await page.goto(`${issuer}/docs/playground`);
  await checkLayout(page, "playground");
  await page.getByRole("button", { name: "1. Start an authorization" }).click();
  if (page.url().includes("/consent")) await page.getByRole("button", { name: "Allow" }).click();
  await page.waitForURL(`${issuer}/docs/playground?**`);
  await page.getByRole("status").filter({ hasText: "signature valid" }).waitFor({ timeout: 10000 });
  await page.getByText("6. GET user_id with the access token").waitFor();
});

// The German pages: longer words must still fit at 360 px and keep their contrast.
await scenario("german-pages", async (page) => {
  await page.goto(`${issuer}/login`);
  await checkLayout(page, "login-de");
  await page.getByLabel("Benutzername").fill("dora");
  await page.getByLabel("Passwort").fill(password);
  await page.getByRole("button", { name: "Anmelden" }).click();
  await page.waitForURL(`${issuer}/`);
  const query = new URLSearchParams({ response_type: "code", client_id: process.env.VZ_CLIENT_ID, redirect_uri: callback, scope: "openid email profile", state: "de", prompt: "consent" });
  await page.goto(`${issuer}/oauth/authorize?${query}`);
  await checkLayout(page, "consent-de");
  await page.getByRole("button", { name: "Erlauben" }).click();
  await page.waitForURL(`${callback}**`);
  for (const [path, heading] of [["/account", "Dein Konto"], ["/developers", "Deine Seiten"], ["/password/forgot", "Passwort vergessen?"], ["/signup", "Konto anlegen"]]) {
    await page.goto(`${issuer}${path}`);
    await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
    await checkLayout(page, `${path.slice(1).replace("/", "-")}-de`);
  }
}, { locale: "de-DE" });

await browser.close();
process.exit(failures ? 1 : 0);
