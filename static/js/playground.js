// The docs playground: a real authorization code flow with PKCE run by the page itself, each
// request and response shown, the VZ signature verified with WebCrypto.
(function () {
  "use strict";
  var root = document.getElementById("playground-app");
  var clientId = root.dataset.clientId;
  var secret = root.dataset.clientSecret;
  var here = location.origin + location.pathname;
  var log = document.getElementById("playground-log");

  function show(title, text) {
    var section = document.createElement("section");
    var heading = document.createElement("h3");
    heading.textContent = title;
    var pre = document.createElement("pre");
    pre.textContent = text;
    section.appendChild(heading);
    section.appendChild(pre);
    log.appendChild(section);
  }
  function b64url(bytes) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function random() {
    return b64url(crypto.getRandomValues(new Uint8Array(32)));
  }

  document.getElementById("playground-start").addEventListener("click", function () {
    var verifier = random();
    var state = random();
    crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)).then(function (hash) {
      sessionStorage.setItem("playground", JSON.stringify({ verifier: verifier, state: state }));
      var query = new URLSearchParams({
        response_type: "code", client_id: clientId, redirect_uri: here, scope: "openid profile email",
        state: state, code_challenge: b64url(hash), code_challenge_method: "S256",
      });
      location.href = "/oauth/authorize?" + query;
    });
  });

  function verify(response) {
    var base = ["access_token", "issued_at", "user_id", "expires_in"]
      .filter(function (f) { return response[f] !== undefined; })
      .map(function (f) { return String(response[f]); }).join("");
    var hash = response.signature_method === "HMAC-SHA1" ? "SHA-1" : "SHA-256";
    var key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: hash }, false, ["verify"]);
    var given = Uint8Array.from(atob(response.signature), function (c) { return c.charCodeAt(0); });
    return key.then(function (k) { return crypto.subtle.verify("HMAC", k, given, new TextEncoder().encode(base)); })
      .then(function (ok) { return { ok: ok, base: base }; });
  }

  var params = new URLSearchParams(location.search);
  if (!params.has("code") && !params.has("error")) return;
  var saved = JSON.parse(sessionStorage.getItem("playground") || "{}");
  show("2. Back from the authorization endpoint", location.href);
  if (params.get("error")) return show("Error", params.get("error") + ": " + params.get("error_description"));
  if (params.get("state") !== saved.state) return show("Error", "state does not match: this answer was not for this page");
  var body = new URLSearchParams({ grant_type: "authorization_code", code: params.get("code"), redirect_uri: here, code_verifier: saved.verifier });
  show("3. Token request", "POST /oauth/token\nAuthorization: Basic " + btoa(clientId + ":" + secret) + "\n\n" + body);
  fetch("/oauth/token", {
    method: "POST",
    headers: { Authorization: "Basic " + btoa(clientId + ":" + secret), "Content-Type": "application/x-www-form-urlencoded" },
    body: body,
  })
    .then(function (r) { return r.json(); })
    .then(function (tokens) {
      show("4. Token response", JSON.stringify(tokens, null, 2));
      if (!tokens.signature) return show("Error", "no signature in the response");
      return verify(tokens).then(function (result) {
        var status = document.getElementById("playground-status");
        status.textContent = result.ok ? "signature valid" : "signature INVALID";
        show("5. The VZ signature", "base string: " + result.base + "\nHMAC with the client secret: " + (result.ok ? "signature valid" : "signature INVALID"));
        return fetch(tokens.user_id, { headers: { Authorization: "Bearer " + tokens.access_token } });
      }).then(function (r) { return r.json(); })
        .then(function (record) { show("6. GET user_id with the access token", JSON.stringify(record, null, 2)); });
    })
    .catch(function (e) { show("Error", e.message); });
})();
