// vzconnect widget-host.js: the host side of widget sign-in (Matrix MSC1960) for a page that
// embeds widgets in iframes. A widget asks "who is the user?" (get_openid); the person decides
// in an accessible dialog; the site's own backend mints the credentials (it calls vzconnect's
// request_token endpoint with the person's access token). Messages go only to the iframe's
// exact origin, and messages from any other window or origin are ignored.
//
//   const host = VzWidgetHost.attach(iframe, {
//     widgetId: "poll-1",                        // as given to the widget
//     name: "Poll",                              // shown in the dialog
//     getCredentials: (widget) => fetch(...).then(r => r.json()),
//   });
//   host.detach();
(function (global) {
  "use strict";

  var STORAGE_PREFIX = "vzconnect.widget.";

  function remembered(widgetId) {
    try {
      return global.localStorage.getItem(STORAGE_PREFIX + widgetId);
    } catch (e) {
      return null;
    }
  }

  function remember(widgetId, decision) {
    try {
      global.localStorage.setItem(STORAGE_PREFIX + widgetId, decision);
    } catch (e) {
      // Private browsing: the decision is not kept, the person is asked again next time.
    }
  }

  function randomId() {
    var bytes = new Uint8Array(12);
    global.crypto.getRandomValues(bytes);
    return "vz-" + Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  // The dialog: a labelled modal with Allow / Deny and "remember"; Escape denies.
  function ask(label) {
    return new Promise(function (resolve) {
      var doc = global.document;
      var previous = doc.activeElement;
      var backdrop = doc.createElement("div");
      backdrop.className = "vz-widget-backdrop";
      backdrop.style.cssText = "position:fixed;inset:0;background:rgba(0,0,0,.5);display:flex;align-items:center;justify-content:center;z-index:2147483647";
      var dialog = doc.createElement("div");
      dialog.setAttribute("role", "dialog");
      dialog.setAttribute("aria-modal", "true");
      dialog.setAttribute("aria-labelledby", "vz-widget-title");
      dialog.setAttribute("aria-describedby", "vz-widget-text");
      dialog.className = "vz-widget-dialog";
      dialog.style.cssText = "background:#fff;color:#1b1f24;padding:1.5rem;border-radius:12px;max-width:26rem;font:16px/1.5 system-ui,sans-serif";
      var title = doc.createElement("h2");
      title.id = "vz-widget-title";
      title.style.cssText = "margin:0 0 .5rem;font-size:1.2rem";
      title.textContent = "Let " + label + " know who you are?";
      var text = doc.createElement("p");
      text.id = "vz-widget-text";
      text.textContent = "The widget will learn your user id on this site. It does not get your password or access to your account.";
      var rememberLabel = doc.createElement("label");
      var rememberBox = doc.createElement("input");
      rememberBox.type = "checkbox";
      rememberBox.name = "remember";
      rememberLabel.appendChild(rememberBox);
      rememberLabel.appendChild(doc.createTextNode(" Remember for this widget"));
      var buttons = doc.createElement("div");
      buttons.style.cssText = "display:flex;gap:.75rem;margin-top:1rem";
      var allow = doc.createElement("button");
      allow.type = "button";
      allow.textContent = "Allow";
      allow.name = "decision";
      allow.value = "allow";
      var deny = doc.createElement("button");
      deny.type = "button";
      deny.textContent = "Deny";
      deny.name = "decision";
      deny.value = "deny";
      [allow, deny].forEach(function (button, i) {
        button.style.cssText = "padding:.5rem 1.2rem;border-radius:8px;font:inherit;font-weight:600;cursor:pointer;" +
          (i === 0 ? "background:#1f5fbf;color:#fff;border:0" : "background:#fff;color:#1b1f24;border:1px solid #57606a");
        buttons.appendChild(button);
      });
      dialog.appendChild(title);
      dialog.appendChild(text);
      dialog.appendChild(rememberLabel);
      dialog.appendChild(buttons);
      backdrop.appendChild(dialog);
      doc.body.appendChild(backdrop);
      allow.focus();

      function finish(allowed) {
        doc.removeEventListener("keydown", onKey, true);
        backdrop.remove();
        if (previous && previous.focus) previous.focus();
        resolve({ allowed: allowed, remember: rememberBox.checked });
      }
      function onKey(ev) {
        if (ev.key === "Escape") {
          ev.preventDefault();
          finish(false);
        } else if (ev.key === "Tab") {
          // Keep focus inside the dialog.
          var items = [rememberBox, allow, deny];
          var i = items.indexOf(doc.activeElement);
          ev.preventDefault();
          items[(i + (ev.shiftKey ? items.length - 1 : 1)) % items.length].focus();
        }
      }
      doc.addEventListener("keydown", onKey, true);
      allow.addEventListener("click", function () { finish(true); });
      deny.addEventListener("click", function () { finish(false); });
    });
  }

  function attach(iframe, options) {
    if (!iframe || !options || !options.widgetId || typeof options.getCredentials !== "function") {
      throw new Error("VzWidgetHost.attach(iframe, {widgetId, getCredentials}) needs both");
    }
    var origin = new URL(iframe.src, global.location.href).origin;
    var widgetId = options.widgetId;
    var label = options.name || origin;
    var pending = {};

    function post(message) {
      if (iframe.contentWindow) iframe.contentWindow.postMessage(message, origin);
    }
    function reply(request, response) {
      post(Object.assign({}, request, { response: response }));
    }
    function credentials() {
      return Promise.resolve(options.getCredentials({ id: widgetId, url: iframe.src }));
    }
    function sendCredentials(requestId, state, creds) {
      var id = randomId();
      pending[id] = true;
      post({
        api: "toWidget",
        widgetId: widgetId,
        requestId: id,
        action: "openid_credentials",
        data: Object.assign({ state: state, original_request_id: requestId }, creds || {}),
      });
    }

    function onGetOpenId(request) {
      var decision = remembered(widgetId);
      if (decision === "blocked") return reply(request, { state: "blocked" });
      if (decision === "allowed") {
        return credentials().then(
          function (creds) { reply(request, Object.assign({ state: "allowed" }, creds)); },
          function () { reply(request, { state: "blocked" }); }
        );
      }
      reply(request, { state: "request" });
      return ask(label).then(function (answer) {
        if (answer.remember) remember(widgetId, answer.allowed ? "allowed" : "blocked");
        if (!answer.allowed) return sendCredentials(request.requestId, "blocked");
        return credentials().then(
          function (creds) { sendCredentials(request.requestId, "allowed", creds); },
          function () { sendCredentials(request.requestId, "blocked"); }
        );
      });
    }

    function onMessage(ev) {
      if (ev.source !== iframe.contentWindow || ev.origin !== origin) return;
      var message = ev.data;
      if (!message || typeof message !== "object" || message.widgetId !== widgetId) return;
      if (message.api === "toWidget" && message.response) {
        delete pending[message.requestId]; // the widget's acknowledgement
        return;
      }
      if (message.api !== "fromWidget" || !message.requestId) return;
      switch (message.action) {
        case "get_openid":
          return onGetOpenId(message);
        case "supported_api_versions":
          return reply(message, { supported_versions: ["0.0.1", "0.0.2"] });
        case "content_loaded":
          return reply(message, {});
        default:
          return reply(message, { error: { message: "Unsupported action: " + message.action } });
      }
    }

    global.addEventListener("message", onMessage);
    return {
      detach: function () { global.removeEventListener("message", onMessage); },
      forget: function () {
        try { global.localStorage.removeItem(STORAGE_PREFIX + widgetId); } catch (e) { /* nothing kept */ }
      },
    };
  }

  global.VzWidgetHost = { attach: attach };
})(window);
