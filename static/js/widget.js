// vzconnect widget.js: the widget side of widget sign-in (Matrix MSC1960), dependency-free.
// Works with any host that speaks the widget API: vzconnect's widget-host.js or a Matrix
// client built on matrix-widget-api's ClientWidgetApi.
//
//   const widget = new VzWidget({ widgetId, parentOrigin });   // or from ?widgetId=&parentUrl=
//   const credentials = await widget.requestIdentity();
//   // {access_token, token_type, matrix_server_name, expires_in}: hand them to your backend,
//   // which verifies them at https://<matrix_server_name>/_matrix/federation/v1/openid/userinfo
(function (global) {
  "use strict";

  var TIMEOUT_MS = 10000;

  function VzWidget(options) {
    var params = new URLSearchParams(global.location.search);
    options = options || {};
    this.widgetId = options.widgetId || params.get("widgetId");
    var parent = options.parentOrigin || params.get("parentUrl");
    if (!this.widgetId || !parent) {
      throw new Error("VzWidget needs widgetId and parentOrigin (or ?widgetId=&parentUrl=)");
    }
    // Messages go to, and are accepted from, exactly this origin: never "*".
    this.parentOrigin = new URL(parent).origin;
    this.waiting = {};
    this.listeners = [];
    this.counter = 0;
    global.addEventListener("message", this.onMessage.bind(this));
  }

  VzWidget.prototype.post = function (message) {
    global.parent.postMessage(message, this.parentOrigin);
  };

  VzWidget.prototype.onMessage = function (ev) {
    if (ev.source !== global.parent || ev.origin !== this.parentOrigin) return;
    var message = ev.data;
    if (!message || typeof message !== "object" || message.widgetId !== this.widgetId) return;
    if (message.api === "fromWidget" && message.response) {
      var waiting = this.waiting[message.requestId];
      if (waiting) {
        delete this.waiting[message.requestId];
        waiting(message.response);
      }
      return;
    }
    if (message.api !== "toWidget") return;
    var reply = function (response) {
      this.post(Object.assign({}, message, { response: response }));
    }.bind(this);
    switch (message.action) {
      case "capabilities":
        return reply({ capabilities: [] });
      case "openid_credentials":
        reply({});
        return this.listeners.forEach(function (listener) { listener(message.data); });
      default:
        return reply({});
    }
  };

  VzWidget.prototype.send = function (action, data) {
    var requestId = "vz-widget-" + Date.now() + "-" + this.counter++;
    var self = this;
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () {
        delete self.waiting[requestId];
        reject(new Error("The host did not answer " + action));
      }, TIMEOUT_MS);
      self.waiting[requestId] = function (response) {
        clearTimeout(timer);
        resolve({ requestId: requestId, response: response });
      };
      self.post({ api: "fromWidget", widgetId: self.widgetId, requestId: requestId, action: action, data: data });
    });
  };

  function credentialsOf(data) {
    return {
      access_token: data.access_token,
      token_type: data.token_type,
      matrix_server_name: data.matrix_server_name,
      expires_in: data.expires_in,
    };
  }

  // Resolves with the credentials once the user allows; rejects if they block (or the host
  // errs). There is no timeout on the person's decision.
  VzWidget.prototype.requestIdentity = function () {
    var self = this;
    return this.send("get_openid", {}).then(function (sent) {
      var answer = sent.response;
      if (answer.state === "allowed") return credentialsOf(answer);
      if (answer.state === "blocked") throw new Error("User declined to verify their identity");
      if (answer.state !== "request") throw new Error((answer.error && answer.error.message) || "Invalid answer");
      return new Promise(function (resolve, reject) {
        var listener = function (data) {
          if (data.original_request_id !== sent.requestId) return;
          self.listeners = self.listeners.filter(function (l) { return l !== listener; });
          if (data.state === "allowed") resolve(credentialsOf(data));
          else reject(new Error("User declined to verify their identity"));
        };
        self.listeners.push(listener);
      });
    });
  };

  global.VzWidget = VzWidget;
})(window);
