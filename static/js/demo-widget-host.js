// The widget demo's host page: attaches widget-host.js to the example widget; the "site
// backend" is vzconnect's demo route, which mints for the signed-in person.
(function () {
  "use strict";
  var iframe = document.getElementById("demo-widget");
  VzWidgetHost.attach(iframe, {
    widgetId: iframe.dataset.widgetId,
    name: "the example widget",
    getCredentials: function () {
      return fetch("/demo/widget/credentials", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": iframe.dataset.csrfToken },
      }).then(function (r) {
        if (!r.ok) throw new Error("minting failed: " + r.status);
        return r.json();
      });
    },
  });
})();
